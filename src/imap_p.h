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
