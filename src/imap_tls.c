/* imap_tls.c - the server certificate check that libetpan leaves out.
 *
 * Debian's libetpan (GnuTLS) completes any handshake without looking at the
 * certificate, so imap.c calls imap_tls_verify_stream() after connect or
 * STARTTLS and before any credential is written. The chain is checked with
 * GnuTLS against ca_file or the system store, then the leaf against the host
 * name (or, for an IP host, the IP SANs). Dovecot and many small servers send
 * the leaf only, so the CA that signed it must be in the trust list itself.
 *
 * Every failure is ERR_FATAL: a reconnect does not cure a certificate, and a
 * silent retry would hide an attack. The text names what is wrong and what the
 * certificate does say, so that an administrator can fix ca_file or url. */
#include <arpa/inet.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <string.h>

#include "agendad/util.h"
#include "imap_p.h"

#define CHAIN_MAX   16 /* longer chains are not real; bounds the work */
#define NAMES_SHOWN 6  /* names listed in a mismatch message */

void imap_tls_set_sni(struct mailstream_ssl_context *ssl_context, void *data)
{
	/* RFC 6066: no SNI for an IP literal; data is NULL then */
	if (data != NULL)
		mailstream_ssl_set_server_name(ssl_context, data);
}

static const char *trust_source(const char *ca_file, char *buf, size_t size)
{
	if (ca_file == NULL)
		return "the system trust store";
	snprintf(buf, size, "ca_file %s", ca_file);
	return buf;
}

static int load_trust(gnutls_x509_trust_list_t trust, const char *ca_file, struct error *error_r)
{
	int r;

	if (ca_file == NULL) {
		r = gnutls_x509_trust_list_add_system_trust(trust, 0, 0);
		if (r <= 0)
			return err_set(
			    error_r, ERR_FATAL,
			    "cannot verify the server: the system trust store is empty or "
			    "unreadable (%s); set ca_file",
			    r < 0 ? gnutls_strerror(r) : "no certificates");
		return 0;
	}
	r = gnutls_x509_trust_list_add_trust_file(trust, ca_file, NULL, GNUTLS_X509_FMT_PEM, 0, 0);
	if (r == 0)
		r = gnutls_x509_trust_list_add_trust_file(trust, ca_file, NULL, GNUTLS_X509_FMT_DER,
							  0, 0);
	if (r < 0 && r != GNUTLS_E_NO_CERTIFICATE_FOUND)
		return err_set(error_r, ERR_FATAL, "cannot read ca_file %s: %s", ca_file,
			       gnutls_strerror(r));
	if (r <= 0)
		return err_set(error_r, ERR_FATAL, "ca_file %s holds no certificate", ca_file);
	return 0;
}

/* "DNS:mail.example.org, IP:127.0.0.1" - what the certificate is for. */
static void leaf_names(gnutls_x509_crt_t leaf, char *out, size_t size)
{
	size_t used = 0, shown = 0;

	out[0] = '\0';
	for (unsigned int seq = 0; shown < NAMES_SHOWN; seq++) {
		unsigned char name[256];
		char text[INET6_ADDRSTRLEN + 8];
		size_t len = sizeof(name) - 1;
		int type = gnutls_x509_crt_get_subject_alt_name(leaf, seq, name, &len, NULL);

		if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (type == GNUTLS_SAN_DNSNAME) {
			name[len] = '\0';
			snprintf(text, sizeof(text), "%.40s", (const char *)name);
		} else if (type == GNUTLS_SAN_IPADDRESS && (len == 4 || len == 16)) {
			inet_ntop(len == 4 ? AF_INET : AF_INET6, name, text, sizeof(text));
		} else {
			continue;
		}
		used += (size_t)snprintf(out + used, size - used, "%s%s", shown ? ", " : "", text);
		if (used >= size)
			return;
		shown++;
	}
	if (shown == 0) {
		/* no subjectAltName: old certificates name the host in CN only */
		size_t len = size;

		if (gnutls_x509_crt_get_dn_by_oid(leaf, GNUTLS_OID_X520_COMMON_NAME, 0, 0, out,
						  &len) < 0)
			snprintf(out, size, "no name at all");
	}
}

static void issuer_dn(gnutls_x509_crt_t crt, char *out, size_t size)
{
	gnutls_datum_t dn = {NULL, 0};

	if (gnutls_x509_crt_get_issuer_dn3(crt, &dn, 0) < 0 || dn.data == NULL) {
		snprintf(out, size, "unknown");
		return;
	}
	snprintf(out, size, "%.*s", (int)dn.size, (const char *)dn.data);
	gnutls_free(dn.data);
}

static int chain_problem(unsigned int status, gnutls_x509_crt_t *certs, size_t n, const char *host,
			 const char *ca_file, struct error *error_r)
{
	char source[300], dn[256], day[11];
	gnutls_datum_t text = {NULL, 0};
	time_t t;

	if (status & (GNUTLS_CERT_SIGNER_NOT_FOUND | GNUTLS_CERT_SIGNER_NOT_CA |
		      GNUTLS_CERT_SIGNATURE_FAILURE)) {
		issuer_dn(certs[n - 1], dn, sizeof(dn));
		return err_set(error_r, ERR_FATAL,
			       "certificate for %s is not trusted by %s (issuer: %s)", host,
			       trust_source(ca_file, source, sizeof(source)), dn);
	}
	if (status & GNUTLS_CERT_EXPIRED) {
		t = gnutls_x509_crt_get_expiration_time(certs[0]);
		util_iso8601_utc(t, source);
		memcpy(day, source, 10);
		day[10] = '\0';
		return err_set(error_r, ERR_FATAL,
			       "certificate for %s has expired (valid until %s)", host, day);
	}
	if (status & GNUTLS_CERT_NOT_ACTIVATED)
		return err_set(error_r, ERR_FATAL, "certificate for %s is not valid yet", host);
	if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &text, 0) < 0 ||
	    text.data == NULL)
		return err_set(error_r, ERR_FATAL,
			       "certificate for %s does not verify (status 0x%x)", host, status);
	err_set(error_r, ERR_FATAL, "certificate for %s does not verify: %s", host,
		(const char *)text.data);
	gnutls_free(text.data);
	return -1;
}

static bool leaf_matches(gnutls_x509_crt_t leaf, const char *host)
{
	unsigned char ip[16];

	if (inet_pton(AF_INET, host, ip) == 1)
		return gnutls_x509_crt_check_ip(leaf, ip, 4, 0) != 0;
	if (inet_pton(AF_INET6, host, ip) == 1)
		return gnutls_x509_crt_check_ip(leaf, ip, 16, 0) != 0;
	/* a DNS name never matches an IP SAN, even when it looks like one */
	return gnutls_x509_crt_check_hostname2(leaf, host, GNUTLS_VERIFY_DO_NOT_ALLOW_IP_MATCHES) !=
	       0;
}

int imap_tls_verify_der(const gnutls_datum_t *chain, size_t n_chain, const char *host,
			const char *ca_file, struct error *error_r)
{
	gnutls_x509_crt_t certs[CHAIN_MAX];
	gnutls_x509_trust_list_t trust = NULL;
	gnutls_typed_vdata_st purpose = {
	    .type = GNUTLS_DT_KEY_PURPOSE_OID,
	    .data = (unsigned char *)GNUTLS_KP_TLS_WWW_SERVER,
	    .size = 0,
	};
	unsigned int status = 0;
	size_t n = 0;
	char names[512];
	int r, ret = -1;

	if (n_chain == 0)
		return err_set(error_r, ERR_FATAL, "server at %s sent no certificate", host);
	if (n_chain > CHAIN_MAX)
		n_chain = CHAIN_MAX;
	for (; n < n_chain; n++) {
		if (gnutls_x509_crt_init(&certs[n]) < 0)
			goto out;
		r = gnutls_x509_crt_import(certs[n], &chain[n], GNUTLS_X509_FMT_DER);
		if (r < 0) {
			n++;
			err_set(error_r, ERR_FATAL, "certificate for %s cannot be read: %s", host,
				gnutls_strerror(r));
			goto out;
		}
	}
	if (gnutls_x509_trust_list_init(&trust, 0) < 0) {
		err_set(error_r, ERR_FATAL, "cannot set up certificate verification");
		goto out;
	}
	if (load_trust(trust, ca_file, error_r) < 0)
		goto out;
	r = gnutls_x509_trust_list_verify_crt2(trust, certs, (unsigned int)n, &purpose, 1, 0,
					       &status, NULL);
	if (r < 0) {
		err_set(error_r, ERR_FATAL, "certificate for %s cannot be verified: %s", host,
			gnutls_strerror(r));
		goto out;
	}
	if (status != 0) {
		chain_problem(status, certs, n, host, ca_file, error_r);
		goto out;
	}
	if (!leaf_matches(certs[0], host)) {
		leaf_names(certs[0], names, sizeof(names));
		err_set(error_r, ERR_FATAL,
			"certificate does not match host name %s (it is for %s)", host, names);
		goto out;
	}
	ret = 0;
out:
	if (trust != NULL)
		gnutls_x509_trust_list_deinit(trust, 1);
	for (size_t i = 0; i < n; i++)
		gnutls_x509_crt_deinit(certs[i]);
	return ret;
}

int imap_tls_verify_stream(mailstream *stream, const char *host, const char *ca_file,
			   struct error *error_r)
{
	gnutls_datum_t chain[CHAIN_MAX];
	carray *certs = mailstream_get_certificate_chain(stream);
	size_t n;
	int r;

	if (certs == NULL)
		return err_set(error_r, ERR_FATAL, "server at %s sent no certificate", host);
	n = carray_count(certs);
	if (n > CHAIN_MAX)
		n = CHAIN_MAX;
	for (size_t i = 0; i < n; i++) {
		MMAPString *der = carray_get(certs, (unsigned int)i);

		chain[i].data = (unsigned char *)der->str;
		chain[i].size = (unsigned int)der->len;
	}
	r = imap_tls_verify_der(chain, n, host, ca_file, error_r);
	mailstream_certificate_chain_free(certs);
	return r;
}
