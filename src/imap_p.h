/* imap_p.h - private to the imap module (imap.c, imap_tls.c) and its unit
 * test: the pure pieces (URL, UID sets, mailbox names, dates) and the
 * certificate check that libetpan does not do. Nothing here is API. */
#ifndef AGENDAD_IMAP_P_H
#define AGENDAD_IMAP_P_H

#include <gnutls/gnutls.h>
#include <libetpan/libetpan.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "agendad/err.h"

#define IMAP_HOST_MAX 253 /* a DNS name; an IPv6 literal is far shorter */

/* imaps://host[:port][/] or imap://host[:port][/]; IPv6 literals in brackets
 * (host holds them without). No userinfo, path, query or fragment: the user
 * name and the mailbox have their own keys. */
struct imap_url {
	bool tls;        /* imaps: TLS from the first byte */
	bool host_is_ip; /* no SNI; IP SANs are matched */
	char host[IMAP_HOST_MAX + 1];
	uint16_t port;
};

/* ERR_FATAL with the reason on anything else. */
int imap_url_parse(const char *url, struct imap_url *url_r, struct error *error_r);

/* Sorts uids ascending, drops duplicates and zeros (not a UID) in place;
 * returns the new count. */
size_t imap_uids_normalize(uint32_t *uids, size_t n);

struct imap_uid_range {
	uint32_t first;
	uint32_t last;
};

/* Collapses sorted, unique uids into runs of consecutive UIDs; ranges_r has
 * room for n. Returns the number of ranges. */
size_t imap_uid_ranges(const uint32_t *uids, size_t n, struct imap_uid_range *ranges_r);

/* A UTF-8 mailbox name in IMAP's modified UTF-7 (RFC 3501 5.1.3), newly
 * allocated; NULL when name is not valid UTF-8. */
char *imap_mutf7_encode(const char *name);

/* INTERNALDATE as UTC; (time_t)-1 when the fields are out of range. */
time_t imap_date_time_utc(const struct mailimap_date_time *dt);

/* The watch over the bytes a server sends (imap.c rule 6). libetpan 1.9.4
 * reads a line of any length and allocates a literal at its announced size
 * before a byte of it has come, so every byte received passes through this
 * scanner first, and the connection is dropped at the first of:
 *  - a literal "{N}" announced larger than the rest of the current budget;
 *  - a line (its literals not counted) longer than line_max;
 *  - more than budget bytes received since the last command was sent, each
 *    line end counted line_cost bytes more (for what the parser keeps of a
 *    response, which a flood of short lines would otherwise multiply).
 * It follows the IMAP syntax only as far as needed to skip literals: "{N}"
 * then optional spaces and CRLF (or a bare LF, which libetpan also takes)
 * starts N bytes of literal. Every "{N}" in a line is checked, even inside a
 * quoted string, because libetpan also reads a literal after "{N}" without
 * CRLF (a workaround for Lotus Domino). */
enum imap_guard_verdict {
	IMAP_GUARD_OK,
	IMAP_GUARD_LITERAL, /* announced is the literal's size, left what the budget had */
	IMAP_GUARD_LINE,    /* a line longer than line_max */
	IMAP_GUARD_BUDGET,  /* more than budget bytes for one command */
};

struct imap_guard {
	size_t line_max;
	size_t line_cost;
	size_t budget;
	size_t used; /* received since the last command; the caller resets it */
	/* the scanner; set by imap_guard_init */
	size_t line_len;
	uint64_t literal_left;
	uint64_t number;
	int state;
	/* sticky once not OK */
	enum imap_guard_verdict verdict;
	uint64_t announced;
	size_t left;
};

void imap_guard_init(struct imap_guard *guard, size_t line_max, size_t line_cost, size_t budget);

/* Scans data received. false once a limit is passed (and for every call
 * after that). The verdict depends on the bytes only, not on how they are
 * split into calls. */
bool imap_guard_feed(struct imap_guard *guard, const unsigned char *data, size_t len);

/* Verifies a certificate chain (DER, leaf first) for host: signed by a CA in
 * ca_file (PEM), or in the system trust store when ca_file is NULL; valid now;
 * issued for host (a DNS name, or an IP address against IP SANs).
 * ERR_FATAL naming the problem. */
int imap_tls_verify_der(const gnutls_datum_t *chain, size_t n_chain, const char *host,
			const char *ca_file, struct error *error_r);

/* The same for the peer of a TLS mailstream (after connect or STARTTLS). */
int imap_tls_verify_stream(mailstream *stream, const char *host, const char *ca_file,
			   struct error *error_r);

/* A libetpan TLS-context callback that sets SNI to data (a DNS host name,
 * or NULL for none). */
void imap_tls_set_sni(struct mailstream_ssl_context *ssl_context, void *data);

#endif
