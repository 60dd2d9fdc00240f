/* test_imap.c - the pure parts of the IMAP module: URL parsing, UID sets,
 * mailbox name encoding, INTERNALDATE, the guard over what a server sends
 * (literal, line and answer limits), and the certificate check against
 * certificates in tests/data/imap (made by gen-certs.sh there). The talking
 * parts are checked against a real Dovecot outside the unit tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "agendad/util.h"
#include "../../src/imap_p.h"

#define IMAP_DATA TEST_DATA "/imap/"

/* ------------------------------------------------------------------ URL */

static const struct {
	const char *url;
	bool ok;
	bool tls;
	const char *host;
	uint16_t port;
	bool host_is_ip;
	const char *error; /* a part of the error text */
} url_cases[] = {
    {"imaps://mail.example.org", true, true, "mail.example.org", 993, false, NULL},
    {"imap://mail.example.org", true, false, "mail.example.org", 143, false, NULL},
    {"IMAPS://Outlook.Office365.com:993/", true, true, "Outlook.Office365.com", 993, false, NULL},
    {"imap://127.0.0.1:14143", true, false, "127.0.0.1", 14143, true, NULL},
    {"imaps://[::1]:14993", true, true, "::1", 14993, true, NULL},
    {"imaps://[2001:db8::25]", true, true, "2001:db8::25", 993, true, NULL},
    {"imaps://mail_1.example.org:1", true, true, "mail_1.example.org", 1, false, NULL},
    {"imaps://host:65535", true, true, "host", 65535, false, NULL},
    {"", false, false, NULL, 0, false, "empty"},
    {"https://mail.example.org", false, false, NULL, 0, false, "imaps:// or imap://"},
    {"mail.example.org:993", false, false, NULL, 0, false, "imaps:// or imap://"},
    {"imaps://", false, false, NULL, 0, false, "no host"},
    {"imaps://:993", false, false, NULL, 0, false, "no host"},
    {"imaps://user@mail.example.org", false, false, NULL, 0, false, "user name"},
    {"imaps://user:secret@mail.example.org", false, false, NULL, 0, false, "user name"},
    {"imaps://mail.example.org/INBOX", false, false, NULL, 0, false, "path"},
    {"imaps://mail.example.org?x=1", false, false, NULL, 0, false, "query"},
    {"imaps://mail.example.org:0", false, false, NULL, 0, false, "1-65535"},
    {"imaps://mail.example.org:65536", false, false, NULL, 0, false, "1-65535"},
    {"imaps://mail.example.org:99999999999", false, false, NULL, 0, false, "1-65535"},
    {"imaps://mail.example.org:", false, false, NULL, 0, false, "empty port"},
    {"imaps://mail.example.org:99a", false, false, NULL, 0, false, "bad port"},
    {"imaps://[::1", false, false, NULL, 0, false, "closing ]"},
    {"imaps://[]:993", false, false, NULL, 0, false, "IPv6"},
    {"imaps://[mail.example.org]", false, false, NULL, 0, false, "IPv6"},
    {"imaps://[::1]x", false, false, NULL, 0, false, "malformed"},
    {"imaps://::1", false, false, NULL, 0, false, "in brackets"},
    {"imaps://2001:db8::1:993", false, false, NULL, 0, false, "in brackets"},
    {"imaps://mail example.org", false, false, NULL, 0, false, "bad character"},
    {"imaps://mäil.example.org", false, false, NULL, 0, false, "bad character"},
};

static void test_url_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(url_cases); i++) {
		struct imap_url url;
		struct error error = {0};
		int r = imap_url_parse(url_cases[i].url, &url, &error);

		if (url_cases[i].ok) {
			if (r != 0)
				fail_msg("%s: %s", url_cases[i].url, error.text);
			assert_int_equal(url.tls, url_cases[i].tls);
			assert_string_equal(url.host, url_cases[i].host);
			assert_int_equal(url.port, url_cases[i].port);
			assert_int_equal(url.host_is_ip, url_cases[i].host_is_ip);
		} else {
			if (r != -1)
				fail_msg("%s: accepted", url_cases[i].url);
			assert_int_equal(error.kind, ERR_FATAL);
			if (strstr(error.text, url_cases[i].error) == NULL)
				fail_msg("%s: '%s' lacks '%s'", url_cases[i].url, error.text,
					 url_cases[i].error);
		}
	}
}

/* ------------------------------------------------------------- UID sets */

static const struct {
	uint32_t uids[12];
	size_t n;
	const char *set; /* after normalizing and collapsing */
} uid_cases[] = {
    {{0}, 0, ""},
    {{7}, 1, "7"},
    {{1, 2, 3, 4, 5}, 5, "1:5"},
    {{5, 4, 3, 2, 1}, 5, "1:5"},
    {{1, 3, 5, 7}, 4, "1,3,5,7"},
    {{10, 11, 12, 20, 21, 30}, 6, "10:12,20:21,30"},
    {{3, 3, 1, 2, 2, 1}, 6, "1:3"},
    {{0, 0, 4}, 3, "4"},
    {{4294967294u, 4294967295u, 1}, 3, "1,4294967294:4294967295"},
    {{4294967295u, 4294967295u}, 2, "4294967295"},
    {{100, 99, 101, 50, 49, 51, 1000}, 7, "49:51,99:101,1000"},
};

static void test_uid_ranges(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(uid_cases); i++) {
		uint32_t uids[12];
		struct imap_uid_range ranges[12];
		struct buf set = {0};
		size_t n, n_ranges;

		memcpy(uids, uid_cases[i].uids, sizeof(uids));
		n = imap_uids_normalize(uids, uid_cases[i].n);
		for (size_t j = 1; j < n; j++)
			assert_true(uids[j - 1] < uids[j]);
		n_ranges = imap_uid_ranges(uids, n, ranges);
		for (size_t j = 0; j < n_ranges; j++) {
			if (ranges[j].first == ranges[j].last)
				buf_printf(&set, "%s%u", j ? "," : "", ranges[j].first);
			else
				buf_printf(&set, "%s%u:%u", j ? "," : "", ranges[j].first,
					   ranges[j].last);
		}
		buf_append(&set, "", 0);
		assert_string_equal(set.data != NULL ? set.data : "", uid_cases[i].set);
		buf_free(&set);
	}
}

/* A large set stays one range per run, whatever the order it came in. */
static void test_uid_ranges_large(void **state)
{
	enum { N = 5000 };
	uint32_t *uids = xmalloc(N * sizeof(*uids));
	struct imap_uid_range *ranges = xmalloc(N * sizeof(*ranges));
	size_t n;

	(void)state;
	for (uint32_t i = 0; i < N; i++)
		uids[i] = (N - i) + (N - i > N / 2 ? 10000 : 0);
	n = imap_uids_normalize(uids, N);
	assert_int_equal(n, N);
	assert_int_equal(imap_uid_ranges(uids, n, ranges), 2);
	assert_int_equal(ranges[0].first, 1);
	assert_int_equal(ranges[0].last, N / 2);
	assert_int_equal(ranges[1].first, N / 2 + 1 + 10000);
	assert_int_equal(ranges[1].last, N + 10000);
	free(uids);
	free(ranges);
}

/* ------------------------------------------------------- mailbox names */

static const struct {
	const char *utf8;
	const char *mutf7; /* NULL: refused */
} mutf7_cases[] = {
    {"INBOX", "INBOX"},
    {"Importerade", "Importerade"},
    {"Frågor", "Fr&AOU-gor"},
    {"Inkorg/Föreningar & råd", "Inkorg/F&APY-reningar &- r&AOU-d"},
    {"åäö", "&AOUA5AD2-"},
    {"ÅÄÖ", "&AMUAxADW-"},
    {"&", "&-"},
    {"~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"},
    {"😀", "&2D3eAA-"},
    {"a\tb", "a&AAk-b"},
    {"bad\xff", NULL},
    {"\xc3", NULL},
    {"\xc0\xaf", NULL},     /* overlong "/" */
    {"\xed\xa0\x80", NULL}, /* a surrogate */
};

static void test_mutf7(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(mutf7_cases); i++) {
		char *out = imap_mutf7_encode(mutf7_cases[i].utf8);

		if (mutf7_cases[i].mutf7 == NULL) {
			if (out != NULL)
				fail_msg("case %zu: accepted as '%s'", i, out);
			continue;
		}
		if (out == NULL)
			fail_msg("case %zu: refused", i);
		assert_string_equal(out, mutf7_cases[i].mutf7);
		free(out);
	}
}

/* -------------------------------------------------------- INTERNALDATE */

static const struct {
	struct mailimap_date_time dt;
	const char *utc; /* ISO 8601, or NULL for (time_t)-1 */
} date_cases[] = {
    {{25, 11, 2026, 17, 4, 5, 0}, "2026-11-25T17:04:05Z"},
    {{25, 11, 2026, 17, 4, 5, 100}, "2026-11-25T16:04:05Z"}, /* +0100, Stockholm winter */
    {{1, 7, 2026, 0, 30, 0, 200}, "2026-06-30T22:30:00Z"},   /* +0200 across midnight */
    {{31, 12, 2025, 23, 0, 0, -500}, "2026-01-01T04:00:00Z"},
    {{1, 1, 2026, 12, 0, 0, 530}, "2026-01-01T06:30:00Z"}, /* +0530 */
    {{1, 1, 2026, 12, 0, 0, -930}, "2026-01-01T21:30:00Z"},
    {{29, 2, 2028, 8, 0, 0, 0}, "2028-02-29T08:00:00Z"},
    {{0, 1, 2026, 12, 0, 0, 0}, NULL},
    {{1, 13, 2026, 12, 0, 0, 0}, NULL},
    {{1, 1, 2026, 24, 0, 0, 0}, NULL},
    {{1, 1, 1969, 12, 0, 0, 0}, NULL},
    {{1, 1, 2026, 12, 0, 0, 175}, NULL}, /* +0175 */
};

static void test_date_time(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(date_cases); i++) {
		time_t t = imap_date_time_utc(&date_cases[i].dt);
		char iso[21];

		if (date_cases[i].utc == NULL) {
			assert_true(t == (time_t)-1);
			continue;
		}
		assert_true(t != (time_t)-1);
		util_iso8601_utc(t, iso);
		assert_string_equal(iso, date_cases[i].utc);
	}
}

/* --------------------------------------------------- certificate check */

static const struct {
	const char *leaf; /* DER file under tests/data/imap */
	const char *host;
	const char *ca_file; /* under tests/data/imap; NULL: the system store */
	const char *error;   /* NULL: must verify; else a part of the text */
} tls_cases[] = {
    {"server.der", "mail.example.org", "ca.pem", NULL},
    {"server.der", "MAIL.Example.ORG", "ca.pem", NULL},
    {"server.der", "imap.example.net", "ca.pem", NULL},
    {"server.der", "127.0.0.1", "ca.pem", NULL},
    {"server.der", "::1", "ca.pem", NULL},
    {"server.der", "0:0:0:0:0:0:0:1", "ca.pem", NULL},
    {"cn-only.der", "old.example.org", "ca.pem", NULL},
    {"server.der", "example.org", "ca.pem", "does not match host name example.org"},
    {"server.der", "a.b.example.net", "ca.pem", "does not match host name"},
    {"server.der", "example.net", "ca.pem", "does not match host name"},
    {"server.der", "127.0.0.2", "ca.pem", "does not match host name 127.0.0.2"},
    {"server.der", "::2", "ca.pem", "does not match host name"},
    {"server.der", "mail.example.org.evil.net", "ca.pem", "does not match host name"},
    {"server.der", "127.0.0.2", "ca.pem",
     "it is for mail.example.org, *.example.net, "
     "127.0.0.1, ::1"},
    {"cn-only.der", "new.example.org", "ca.pem", "it is for old.example.org"},
    {"server.der", "mail.example.org", "other-ca.pem",
     "certificate for mail.example.org is not trusted by ca_file"},
    {"server.der", "127.0.0.1", "other-ca.pem", "issuer: CN=agendad test CA"},
    {"server.der", "mail.example.org", NULL, "system trust store"},
    {"server.der", "mail.example.org", "missing.pem", "cannot read ca_file"},
    {"server.der", "mail.example.org", "gen-certs.sh", "holds no certificate"},
    {"expired.der", "mail.example.org", "ca.pem", "has expired (valid until 2021-01-01)"},
    {"ca.pem", "mail.example.org", "ca.pem", "cannot be read"}, /* PEM where DER belongs */
};

static void test_tls_verify(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(tls_cases); i++) {
		char *path, *der, *ca = NULL;
		size_t size;
		gnutls_datum_t chain;
		struct error error = {0};
		int r;

		path = xasprintf(IMAP_DATA "%s", tls_cases[i].leaf);
		if (util_read_file(path, 65536, &der, &size) < 0)
			fail_msg("%s: cannot read", path);
		free(path);
		if (tls_cases[i].ca_file != NULL)
			ca = xasprintf(IMAP_DATA "%s", tls_cases[i].ca_file);
		chain.data = (unsigned char *)der;
		chain.size = (unsigned int)size;
		r = imap_tls_verify_der(&chain, 1, tls_cases[i].host, ca, &error);
		if (tls_cases[i].error == NULL) {
			if (r != 0)
				fail_msg("case %zu (%s): %s", i, tls_cases[i].host, error.text);
		} else {
			if (r != -1)
				fail_msg("case %zu (%s): verified", i, tls_cases[i].host);
			assert_int_equal(error.kind, ERR_FATAL);
			if (strstr(error.text, tls_cases[i].error) == NULL)
				fail_msg("case %zu: '%s' lacks '%s'", i, error.text,
					 tls_cases[i].error);
		}
		free(der);
		free(ca);
	}
}

static void test_tls_no_chain(void **state)
{
	struct error error = {0};

	(void)state;
	assert_int_equal(imap_tls_verify_der(NULL, 0, "mail.example.org", NULL, &error), -1);
	assert_int_equal(error.kind, ERR_FATAL);
	assert_non_null(strstr(error.text, "sent no certificate"));
}

/* ---------------------------------------------------------------- guard */

/* An input is head, then fill repeated n_fill times, then tail; line_max 64,
 * line_cost 0 unless given. */
static const struct {
	size_t budget;
	size_t line_cost;
	const char *head;
	char fill;
	size_t n_fill;
	const char *tail;
	enum imap_guard_verdict verdict;
	uint64_t announced; /* IMAP_GUARD_LITERAL */
	size_t left;        /* IMAP_GUARD_LITERAL: budget left; BUDGET: the budget */
} guard_cases[] = {
    /* a plain FETCH answer */
    {1000, 0, "* 1 FETCH (UID 1 BODY[] {5}\r\nab\r\nc)\r\nA1 OK done\r\n", 0, 0, "", IMAP_GUARD_OK,
     0, 0},
    /* a literal is skipped: neither its length nor a "{N}" in it counts */
    {1000, 0, "* 1 FETCH (BODY[] {90}\r\n{99999999}\r\n", 'a', 78, ")\r\nA1 OK\r\n", IMAP_GUARD_OK,
     0, 0},
    {1000, 0, "* 1 FETCH (BODY[] {70} \r\n", 'a', 70, ")\r\n", IMAP_GUARD_OK, 0, 0},
    {1000, 0, "* 1 FETCH (BODY[] {70}\n", 'a', 70, ")\r\n", IMAP_GUARD_OK, 0, 0},
    {1000, 0, "* 1 FETCH (BODY[] {{70}\r\n", 'a', 70, ")\r\n", IMAP_GUARD_OK, 0, 0},
    {1000, 0, "* 1 FETCH (BODY[] {0}\r\n)\r\n", 0, 0, "", IMAP_GUARD_OK, 0, 0},
    /* not a literal start: the bytes after it are a line */
    {1000, 0, "* 1 FETCH (BODY[] {70}x\r\n", 'a', 70, ")\r\n", IMAP_GUARD_LINE, 0, 0},
    {1000, 0, "* 1 FETCH (BODY[] {70}\r \n", 'a', 70, ")\r\n", IMAP_GUARD_LINE, 0, 0},
    {1000, 0, "* 1 FETCH (BODY[] {}\r\n", 'a', 70, ")\r\n", IMAP_GUARD_LINE, 0, 0},
    {1000, 0, "* 1 FETCH (BODY[] {7a}\r\n", 'a', 70, ")\r\n", IMAP_GUARD_LINE, 0, 0},
    /* literals announced larger than the budget (30 bytes up to the brace) */
    {1000, 0, "* 1 FETCH (BODY[] {2000000000}\r\n", 'x', 100, "", IMAP_GUARD_LITERAL, 2000000000,
     970},
    {1000, 0, "* 1 FETCH (BODY[] {4294967295}\r\n", 'x', 100, "", IMAP_GUARD_LITERAL, 4294967295u,
     970},
    {1000, 0, "* 1 FETCH (BODY[] {99999999999999999999999}\r\n", 0, 0, "", IMAP_GUARD_LITERAL,
     UINT64_MAX, 957},
    {1000, 0, "* 1 FETCH (BODY[] {978}\r\n", 0, 0, "", IMAP_GUARD_LITERAL, 978, 977},
    {1000, 0, "* 1 FETCH (BODY[] {977}\r\n", 0, 0, "", IMAP_GUARD_OK, 0, 0},
    /* checked where libetpan would not read a literal, too */
    {1000, 0, "* OK [ALERT] \"{5000}\" is odd\r\n", 0, 0, "", IMAP_GUARD_LITERAL, 5000, 980},
    /* exactly the budget, and one byte more */
    {100, 0, "* 1 FETCH (BODY[] {72}\r\n", 'a', 72, ") \r\n", IMAP_GUARD_OK, 0, 0},
    {100, 0, "* 1 FETCH (BODY[] {72}\r\n", 'a', 72, ")  \r\n", IMAP_GUARD_BUDGET, 0, 100},
    {100, 0, "* 1 FETCH (BODY[] {77}\r\n", 'a', 77, "", IMAP_GUARD_BUDGET, 0, 100},
    /* lines: 64 bytes are fine (the CR counts), 65 are not, LF ends one */
    {1000, 0, "", 'A', 63, "\r\n", IMAP_GUARD_OK, 0, 0},
    {1000, 0, "", 'A', 64, "\r\n", IMAP_GUARD_LINE, 0, 0},
    {1000, 0, "", 'A', 65, "", IMAP_GUARD_LINE, 0, 0},
    {1000, 0, "* 1 EXISTS\r\n", '\n', 500, "* 2 EXISTS\r\n", IMAP_GUARD_OK, 0, 0},
    {1000, 0, "", '\n', 1001, "", IMAP_GUARD_BUDGET, 0, 1000},
    /* each line costs line_cost more: 8 lines fit, 10 do not */
    {1000, 100, "", '\n', 8, "", IMAP_GUARD_OK, 0, 0},
    {1000, 100, "", '\n', 10, "", IMAP_GUARD_BUDGET, 0, 1000},
    {1000, 100, "* 1 FETCH (BODY[] {900}\r\n", 'a', 900, "", IMAP_GUARD_BUDGET, 0, 1000},
    {1000, 100, "* 1 FETCH (BODY[] {700}\r\n", 'a', 700, ")\r\n", IMAP_GUARD_OK, 0, 0},
};

static void guard_input(size_t i, char **input_r, size_t *len_r)
{
	size_t head = strlen(guard_cases[i].head), tail = strlen(guard_cases[i].tail);
	size_t len = head + guard_cases[i].n_fill + tail;
	char *input = xmalloc(len + 1);

	memcpy(input, guard_cases[i].head, head);
	memset(input + head, guard_cases[i].fill, guard_cases[i].n_fill);
	memcpy(input + head + guard_cases[i].n_fill, guard_cases[i].tail, tail);
	*input_r = input;
	*len_r = len;
}

/* The verdict must not depend on how reads split the bytes. */
static void test_guard(void **state)
{
	static const size_t chunks[] = {1, 2, 3, 7, 64, 100000};

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(guard_cases); i++) {
		char *input;
		size_t len;

		guard_input(i, &input, &len);
		for (size_t k = 0; k < N_ELEMENTS(chunks); k++) {
			struct imap_guard g;
			bool ok = true;

			imap_guard_init(&g, 64, guard_cases[i].line_cost, guard_cases[i].budget);
			for (size_t off = 0; off < len; off += chunks[k]) {
				size_t n = len - off < chunks[k] ? len - off : chunks[k];

				ok = imap_guard_feed(&g, (const unsigned char *)input + off, n);
			}
			if (g.verdict != guard_cases[i].verdict ||
			    ok != (guard_cases[i].verdict == IMAP_GUARD_OK))
				fail_msg("case %zu, chunks of %zu: verdict %d, want %d", i,
					 chunks[k], (int)g.verdict, (int)guard_cases[i].verdict);
			if (g.verdict == IMAP_GUARD_LITERAL &&
			    g.announced != guard_cases[i].announced)
				fail_msg("case %zu: announced %llu, want %llu", i,
					 (unsigned long long)g.announced,
					 (unsigned long long)guard_cases[i].announced);
			if (g.verdict != IMAP_GUARD_OK && g.verdict != IMAP_GUARD_LINE &&
			    g.left != guard_cases[i].left)
				fail_msg("case %zu: left %zu, want %zu", i, g.left,
					 guard_cases[i].left);
			/* sticky */
			if (g.verdict != IMAP_GUARD_OK)
				assert_false(imap_guard_feed(&g, (const unsigned char *)"\r\n", 2));
		}
		free(input);
	}
}

/* The budget is per command: the caller resets used when it sends one, and
 * a literal still running carries over. */
static void test_guard_per_command(void **state)
{
	static const char answer[] = "* 1 FETCH (BODY[] {10}\r\n0123456789)\r\nA1 OK\r\n";
	struct imap_guard g;

	(void)state;
	imap_guard_init(&g, 64, 0, 60);
	for (int command = 0; command < 5; command++) {
		g.used = 0;
		assert_true(imap_guard_feed(&g, (const unsigned char *)answer, sizeof(answer) - 1));
	}
	/* 8 bytes of the literal to go */
	g.used = 0;
	assert_true(imap_guard_feed(&g, (const unsigned char *)answer, 26));
	g.used = 0;
	/* "{9999999" is literal data, "9}" text: no announcement */
	assert_true(imap_guard_feed(&g, (const unsigned char *)"{99999999}\r\n", 12));
	assert_true(imap_guard_feed(&g, (const unsigned char *)answer, sizeof(answer) - 1));
	assert_false(imap_guard_feed(&g, (const unsigned char *)answer, sizeof(answer) - 1));
	assert_int_equal(g.verdict, IMAP_GUARD_BUDGET);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_url_parse),         cmocka_unit_test(test_uid_ranges),
	    cmocka_unit_test(test_uid_ranges_large),  cmocka_unit_test(test_mutf7),
	    cmocka_unit_test(test_date_time),         cmocka_unit_test(test_tls_verify),
	    cmocka_unit_test(test_tls_no_chain),      cmocka_unit_test(test_guard),
	    cmocka_unit_test(test_guard_per_command),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
