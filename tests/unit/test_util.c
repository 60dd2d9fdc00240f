/* test_util.c - the base modules: util.c (buffers, string lists, string
 * helpers, dates, SHA-256, bounded file reads), err.c and log.c.
 *
 * Dates are checked in Europe/Stockholm, the council's zone, where the local
 * day and the UTC day differ for one or two hours every night and DST moves
 * the boundary twice a year. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "agendad/err.h"
#include "agendad/log.h"
#include "agendad/util.h"

static void set_tz(const char *zone)
{
	setenv("TZ", zone, 1);
	tzset();
}

static time_t utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = {0};

	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return timegm(&tm);
}

/* ------------------------------------------------------------------ buf */

/* Pieces appended one after the other (NULL ends a row); the result must be
 * their concatenation whatever the growth steps were. */
static const struct {
	const char *pieces[6];
	const char *expect;
} buf_append_cases[] = {
    {{"", NULL}, ""},
    {{"a", NULL}, "a"},
    {{"Dagordning", " ", "LSS-samverkan", NULL}, "Dagordning LSS-samverkan"},
    /* 63 + 1 + 1: the first growth step (64 with the NUL) is passed exactly */
    {{"123456789012345678901234567890123456789012345678901234567890123", "x", "y", NULL},
     "123456789012345678901234567890123456789012345678901234567890123xy"},
    {{"Frågor från föreningar: ", "åäö ÅÄÖ", "\r\n", NULL}, "Frågor från föreningar: åäö ÅÄÖ\r\n"},
};

static void test_buf_append(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(buf_append_cases); i++) {
		struct buf b = {0};

		for (size_t j = 0; buf_append_cases[i].pieces[j] != NULL; j++)
			buf_append_str(&b, buf_append_cases[i].pieces[j]);
		assert_non_null(b.data);
		assert_int_equal(b.len, strlen(buf_append_cases[i].expect));
		assert_true(b.cap > b.len);
		assert_memory_equal(b.data, buf_append_cases[i].expect, b.len + 1);
		buf_free(&b);
		assert_null(b.data);
		assert_int_equal(b.len, 0);
		assert_int_equal(b.cap, 0);
	}
}

/* Growth one byte at a time across many doublings, binary data with NUL
 * bytes, and the NUL after len at every step. */
static const size_t buf_growth_sizes[] = {1, 63, 64, 65, 127, 128, 1000, 70000};

static void test_buf_growth(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(buf_growth_sizes); i++) {
		struct buf b = {0};
		size_t n = buf_growth_sizes[i];

		for (size_t j = 0; j < n; j++) {
			buf_append_char(&b, (char)(j % 251));
			assert_int_equal(b.len, j + 1);
			assert_true(b.cap >= b.len + 1);
			assert_int_equal(b.data[b.len], '\0');
		}
		for (size_t j = 0; j < n; j++)
			if ((unsigned char)b.data[j] != j % 251)
				fail_msg("size %zu: byte %zu is %d", n, j,
					 (unsigned char)b.data[j]);
		/* appending nothing keeps everything and stays terminated */
		buf_append(&b, "", 0);
		assert_int_equal(b.len, n);
		assert_int_equal(b.data[n], '\0');
		buf_free(&b);
	}
}

static const struct {
	const char *before;
	int number;
	const char *text;
	const char *expect;
} buf_printf_cases[] = {
    {"", 1, "Inledning", "1. Inledning"},
    {"Dagordning\n", 12, "Övriga frågor", "Dagordning\n12. Övriga frågor"},
    {"", -3, "", "-3. "},
    /* longer than the first allocation: printf must grow the buffer itself */
    {"x", 2147483647,
     "Inkomna frågor från föreningar om korttidsboende, daglig verksamhet och"
     " personlig assistans under hösten",
     "x2147483647. Inkomna frågor från föreningar om korttidsboende, daglig verksamhet"
     " och personlig assistans under hösten"},
};

static void test_buf_printf(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(buf_printf_cases); i++) {
		struct buf b = {0};

		buf_append_str(&b, buf_printf_cases[i].before);
		buf_printf(&b, "%d. %s", buf_printf_cases[i].number, buf_printf_cases[i].text);
		assert_string_equal(b.data, buf_printf_cases[i].expect);
		assert_int_equal(b.len, strlen(buf_printf_cases[i].expect));
		buf_free(&b);
	}
}

static void test_buf_steal_reset(void **state)
{
	struct buf b = {0};
	char *s;
	size_t cap;

	(void)state;
	/* an empty buffer still hands out a string, never NULL */
	s = buf_steal(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);

	buf_append_str(&b, "Mötesanteckning");
	s = buf_steal(&b);
	assert_string_equal(s, "Mötesanteckning");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	/* the buffer is usable again, and s is the caller's */
	buf_append_str(&b, "igen");
	assert_string_equal(b.data, "igen");
	assert_string_equal(s, "Mötesanteckning");
	free(s);

	/* reset keeps the allocation, empties the text */
	cap = b.cap;
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, cap);
	assert_string_equal(b.data, "");
	buf_free(&b);
	buf_reset(&b); /* on a freed buffer: no crash */
	buf_free(&b);
}

/* -------------------------------------------------------------- strlist */

static const struct {
	const char *needle;
	bool found;
} strlist_cases[] = {
    {"kansli@fub-exempelstad.se", true},
    {"KANSLI@FUB-Exempelstad.SE", true},
    {"@autism-exempelstad.se", true},
    {"autism-exempelstad.se", false},
    {"kansli@fub-exempelstad.s", false},
    {"kansli@fub-exempelstad.see", false},
    {"", false},
    {"Åsa@dhr.se", true},
    {"åsa@dhr.se", false}, /* ASCII-only folding: Å and å differ */
};

static void test_strlist(void **state)
{
	static const char *const members[] = {"kansli@fub-exempelstad.se", "@autism-exempelstad.se",
					      "Åsa@dhr.se"};
	struct strlist l = {0};

	(void)state;
	assert_false(strlist_contains_ci(&l, "x"));
	for (size_t i = 0; i < N_ELEMENTS(members); i++) {
		if (i == 0)
			strlist_push(&l, xstrdup(members[i]));
		else
			strlist_add(&l, members[i]);
	}
	assert_int_equal(l.n, N_ELEMENTS(members));
	for (size_t i = 0; i < N_ELEMENTS(strlist_cases); i++)
		if (strlist_contains_ci(&l, strlist_cases[i].needle) != strlist_cases[i].found)
			fail_msg("'%s': expected %d", strlist_cases[i].needle,
				 strlist_cases[i].found);
	/* growth past the first allocation keeps every string */
	for (int i = 0; i < 100; i++) {
		char name[32];
		snprintf(name, sizeof(name), "medlem%d@rbu.se", i);
		strlist_add(&l, name);
	}
	assert_int_equal(l.n, N_ELEMENTS(members) + 100);
	assert_string_equal(l.v[0], members[0]);
	assert_string_equal(l.v[N_ELEMENTS(members) + 99], "medlem99@rbu.se");
	assert_true(strlist_contains_ci(&l, "MEDLEM42@RBU.SE"));
	strlist_free(&l);
	assert_null(l.v);
	assert_int_equal(l.n, 0);
	strlist_free(&l);
}

/* ----------------------------------------------------------- str helpers */

static const struct {
	const char *a, *b;
	bool eq, prefix, suffix;
	int find; /* offset of b in a, or -1 */
} str_ci_cases[] = {
    {"Message-ID", "message-id", true, true, true, 0},
    {"Content-Type: text/plain", "content-type:", false, true, false, 0},
    {"kansli@FUB.se", "@fub.SE", false, false, true, 6},
    {"Re: Fråga om korttid", "RE:", false, true, false, 0},
    {"Auto-Submitted: auto-replied", "AUTO-REPLIED", false, false, true, 16},
    {"abc", "abcd", false, false, false, -1},
    {"abc", "", false, true, true, 0},
    {"", "", true, true, true, 0},
    {"", "a", false, false, false, -1},
    {"x-mailer: Microsoft Outlook 16.0", "OUTLOOK", false, false, false, 20},
    {"ÅÄÖ", "åäö", false, false, false, -1},
};

static void test_str_ci(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(str_ci_cases); i++) {
		const char *a = str_ci_cases[i].a, *b = str_ci_cases[i].b;
		const char *found = str_find_ci(a, b);
		int at = found == NULL ? -1 : (int)(found - a);

		if (str_eq_ci(a, b) != str_ci_cases[i].eq)
			fail_msg("str_eq_ci('%s', '%s')", a, b);
		if (str_prefix_ci(a, b) != str_ci_cases[i].prefix)
			fail_msg("str_prefix_ci('%s', '%s')", a, b);
		if (str_suffix_ci(a, b) != str_ci_cases[i].suffix)
			fail_msg("str_suffix_ci('%s', '%s')", a, b);
		if (at != str_ci_cases[i].find)
			fail_msg("str_find_ci('%s', '%s') = %d, expected %d", a, b, at,
				 str_ci_cases[i].find);
	}
}

static const struct {
	const char *in;
	const char *lower;
} lower_cases[] = {
    {"", ""},
    {"Kansli@FUB-Exempelstad.SE", "kansli@fub-exempelstad.se"},
    /* UTF-8 bytes are left alone, never folded byte by byte */
    {"ÅSA@Dhr.Se", "Åsa@dhr.se"},
    {"09:00 AZ[]@`{", "09:00 az[]@`{"},
};

static void test_str_lower(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(lower_cases); i++) {
		char *s = xstrdup(lower_cases[i].in);
		assert_ptr_equal(str_lower_ascii(s), s);
		assert_string_equal(s, lower_cases[i].lower);
		free(s);
	}
}

static const struct {
	const char *in;
	const char *trimmed;
	bool blank;
} trim_cases[] = {
    {"", "", true},
    {"   ", "", true},
    {" \t\r\n", "", true},
    {"abc", "abc", false},
    {"  Hej!  ", "Hej!", false},
    {"\tMed vänlig hälsning\r\n", "Med vänlig hälsning", false},
    {"a b\tc", "a b\tc", false},
    {"\r\n\r\nÖvriga frågor\r\n\r\n", "Övriga frågor", false},
    {"x\n", "x", false},
};

static void test_str_trim(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(trim_cases); i++) {
		char *s = xstrdup(trim_cases[i].in);
		char *t = str_trim(s);

		assert_true(t >= s && t <= s + strlen(trim_cases[i].in));
		if (strcmp(t, trim_cases[i].trimmed) != 0)
			fail_msg("str_trim('%s') = '%s'", trim_cases[i].in, t);
		if (str_is_blank(trim_cases[i].in) != trim_cases[i].blank)
			fail_msg("str_is_blank('%s')", trim_cases[i].in);
		free(s);
	}
}

/* ----------------------------------------------------------------- dates */

static const struct {
	const char *s;
	bool valid;
} valid_date_cases[] = {
    {"2026-01-01", true},
    {"2026-12-31", true},
    {"2026-02-28", true},
    {"2026-02-29", false},
    {"2028-02-29", true},
    {"2024-02-29", true},
    {"2000-02-29", true},  /* divisible by 400 */
    {"2100-02-29", false}, /* divisible by 100 */
    {"2026-04-30", true},
    {"2026-04-31", false},
    {"2026-06-31", false},
    {"2026-13-01", false},
    {"2026-00-10", false},
    {"2026-01-00", false},
    {"2026-01-32", false},
    {"1970-01-01", true},
    {"9999-12-31", true},
    {"2026-1-01", false},
    {"2026-01-1", false},
    {"26-01-01", false},
    {"2026/01/01", false},
    {"2026.01.01", false},
    {"20260101", false},
    {"2026-01-01 ", false},
    {" 2026-01-01", false},
    {"2026-01-01T00:00", false},
    {"2026-01-0a", false},
    {"abcd-ef-gh", false},
    {"", false},
    {NULL, false},
    /* sscanf's %d takes signs and blanks: the string must be digits only,
     * or "2026-+1-01" becomes a meeting date that sorts wrongly */
    {"2026-+1-01", false},
    {"2026-01-+1", false},
    {"2026- 1-01", false},
    {"2026-01- 1", false},
};

static void test_valid_date(void **state)
{
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(valid_date_cases); i++)
		CHECK(util_valid_date(valid_date_cases[i].s) == valid_date_cases[i].valid,
		      "util_valid_date('%s') should be %s",
		      valid_date_cases[i].s ? valid_date_cases[i].s : "(null)",
		      valid_date_cases[i].valid ? "true" : "false");
	assert_int_equal(failures, 0);
}

static const struct {
	const char *date;
	int days;
	const char *expect;
} date_add_cases[] = {
    {"2026-06-15", 0, "2026-06-15"},
    {"2026-01-31", 1, "2026-02-01"},
    {"2026-02-28", 1, "2026-03-01"},
    {"2028-02-28", 1, "2028-02-29"},
    {"2028-02-29", 1, "2028-03-01"},
    {"2026-03-01", -1, "2026-02-28"},
    {"2028-03-01", -1, "2028-02-29"},
    {"2026-12-31", 1, "2027-01-01"},
    {"2027-01-01", -1, "2026-12-31"},
    {"2026-12-10", -7, "2026-12-03"},
    {"2026-01-05", -7, "2025-12-29"},
    {"2026-03-02", -5, "2026-02-25"},
    /* across the DST changes in Stockholm (2026-03-29, 2026-10-25): whole days */
    {"2026-03-28", 1, "2026-03-29"},
    {"2026-03-29", 1, "2026-03-30"},
    {"2026-04-02", -7, "2026-03-26"},
    {"2026-10-24", 1, "2026-10-25"},
    {"2026-10-25", 1, "2026-10-26"},
    {"2026-10-30", -7, "2026-10-23"},
    {"2026-01-01", 365, "2027-01-01"},
    {"2028-01-01", 366, "2029-01-01"},
    {"2026-01-01", -365, "2025-01-01"},
    /* what is not a valid date gives the same marker, never a normalised day */
    {"not a date", 1, "0000-00-00"},
    {"2026-02-30", 0, "0000-00-00"},
};

static void test_date_add(void **state)
{
	static const char *const zones[] = {"Europe/Stockholm", "UTC", "America/New_York"};

	int failures = 0;

	(void)state;
	for (size_t z = 0; z < N_ELEMENTS(zones); z++) {
		set_tz(zones[z]);
		for (size_t i = 0; i < N_ELEMENTS(date_add_cases); i++) {
			char out[11];

			memset(out, 'x', sizeof(out));
			util_date_add(date_add_cases[i].date, date_add_cases[i].days, out);
			CHECK(strcmp(out, date_add_cases[i].expect) == 0,
			      "TZ=%s: util_date_add('%s', %+d) = %.11s, expected %s", zones[z],
			      date_add_cases[i].date, date_add_cases[i].days, out,
			      date_add_cases[i].expect);
		}
	}
	set_tz("Europe/Stockholm");
	assert_int_equal(failures, 0);
}

/* A UTC instant and the calendar day it is in Stockholm and in UTC. */
static const struct {
	int y, mo, d, h, mi, s;
	const char *stockholm;
	const char *utc_day;
} local_day_cases[] = {
    {1970, 1, 1, 0, 0, 0, "1970-01-01", "1970-01-01"},
    /* winter, CET = UTC+1 */
    {2026, 1, 15, 22, 59, 59, "2026-01-15", "2026-01-15"},
    {2026, 1, 15, 23, 0, 0, "2026-01-16", "2026-01-15"},
    /* the night DST begins (2026-03-29 02:00 CET -> 03:00 CEST) */
    {2026, 3, 28, 22, 59, 59, "2026-03-28", "2026-03-28"},
    {2026, 3, 28, 23, 0, 0, "2026-03-29", "2026-03-28"},
    {2026, 3, 28, 23, 30, 0, "2026-03-29", "2026-03-28"},
    {2026, 3, 29, 0, 30, 0, "2026-03-29", "2026-03-29"},
    {2026, 3, 29, 1, 30, 0, "2026-03-29", "2026-03-29"},
    /* that day ends at 22:00 UTC, no longer 23:00 */
    {2026, 3, 29, 21, 59, 59, "2026-03-29", "2026-03-29"},
    {2026, 3, 29, 22, 0, 0, "2026-03-30", "2026-03-29"},
    /* summer, CEST = UTC+2 */
    {2026, 6, 30, 21, 59, 59, "2026-06-30", "2026-06-30"},
    {2026, 6, 30, 22, 0, 0, "2026-07-01", "2026-06-30"},
    /* the night DST ends (2026-10-25 03:00 CEST -> 02:00 CET) */
    {2026, 10, 24, 21, 59, 59, "2026-10-24", "2026-10-24"},
    {2026, 10, 24, 22, 0, 0, "2026-10-25", "2026-10-24"},
    {2026, 10, 25, 22, 59, 59, "2026-10-25", "2026-10-25"},
    {2026, 10, 25, 23, 0, 0, "2026-10-26", "2026-10-25"},
    /* the year turns an hour early */
    {2026, 12, 31, 22, 59, 59, "2026-12-31", "2026-12-31"},
    {2026, 12, 31, 23, 0, 0, "2027-01-01", "2026-12-31"},
};

static void test_local_day(void **state)
{
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(local_day_cases); i++) {
		time_t t = utc(local_day_cases[i].y, local_day_cases[i].mo, local_day_cases[i].d,
			       local_day_cases[i].h, local_day_cases[i].mi, local_day_cases[i].s);
		char day[11];

		set_tz("Europe/Stockholm");
		util_local_day(t, day);
		CHECK(strcmp(day, local_day_cases[i].stockholm) == 0,
		      "%lld in Stockholm: %s, expected %s", (long long)t, day,
		      local_day_cases[i].stockholm);
		set_tz("UTC");
		util_local_day(t, day);
		CHECK(strcmp(day, local_day_cases[i].utc_day) == 0, "%lld in UTC: %s, expected %s",
		      (long long)t, day, local_day_cases[i].utc_day);
	}
	set_tz("Europe/Stockholm");
	assert_int_equal(failures, 0);
}

static const struct {
	long long t;
	const char *expect;
} iso_cases[] = {
    {0, "1970-01-01T00:00:00Z"},
    {951782400, "2000-02-29T00:00:00Z"},
    {1764090245, "2025-11-25T17:04:05Z"},
    {2147483648LL, "2038-01-19T03:14:08Z"},
    {4102444799LL, "2099-12-31T23:59:59Z"},
};

static void test_iso8601(void **state)
{
	(void)state;
	/* UTC whatever the process zone is */
	set_tz("Europe/Stockholm");
	for (size_t i = 0; i < N_ELEMENTS(iso_cases); i++) {
		char out[21];
		util_iso8601_utc((time_t)iso_cases[i].t, out);
		assert_string_equal(out, iso_cases[i].expect);
	}
}

static const struct {
	const char *s;
	bool valid;
} time_cases[] = {
    {"00:00", true},  {"17:00", true},     {"23:59", true},   {"09:05", true},  {"24:00", false},
    {"23:60", false}, {"12:99", false},    {"9:00", false},   {"09:0", false},  {"0900", false},
    {"09.00", false}, {"09:00 ", false},   {" 09:00", false}, {"ab:cd", false}, {"19:5a", false},
    {"-1:00", false}, {"09:00:00", false}, {"", false},       {NULL, false},
};

static void test_valid_time(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(time_cases); i++)
		if (util_valid_time(time_cases[i].s) != time_cases[i].valid)
			fail_msg("util_valid_time('%s') should be %d",
				 time_cases[i].s ? time_cases[i].s : "(null)", time_cases[i].valid);
}

/* ---------------------------------------------------------------- sha256 */

static const struct {
	const char *data;
	size_t len;
	const char *hex;
} sha_cases[] = {
    {"", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    {"a\0b", 3, "59b271ae1bbcb1d31d41929817f4b16fb439eb4f31520b5ad1d5ce98920a7138"},
    {"Frågor från FUB", 17, "9248c3057f7db0b0eacd19116e5da03a16c5127817284555547a097923c0f357"},
};

static void test_sha256(void **state)
{
	char out[65];
	char *million;

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(sha_cases); i++) {
		memset(out, 'x', sizeof(out));
		util_sha256_hex(sha_cases[i].data, sha_cases[i].len, out);
		assert_string_equal(out, sha_cases[i].hex);
	}
	/* FIPS 180-2's long vector: one million 'a' */
	million = xmalloc(1000000);
	memset(million, 'a', 1000000);
	util_sha256_hex(million, 1000000, out);
	assert_string_equal(out,
			    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(million);
}

/* ------------------------------------------------------------- read_file */

static const struct {
	size_t size;
	size_t max;
	int err; /* 0: read whole */
} read_cases[] = {
    {0, 0, 0},
    {0, 10, 0},
    {10, 10, 0},
    {11, 10, EFBIG},
    {1, 0, EFBIG},
    /* across the 64 KiB read chunks */
    {65536, 65536, 0},
    {65537, 65536, EFBIG},
    {70000, 70000, 0},
    {70000, 69999, EFBIG},
    {200000, 1 << 20, 0},
    {200000, 131072, EFBIG},
};

static void test_read_file(void **state)
{
	char dir[] = "/tmp/agendad-test-util-XXXXXX";
	char path[64];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
	for (size_t i = 0; i < N_ELEMENTS(read_cases); i++) {
		size_t n = read_cases[i].size, size = 12345;
		unsigned char *content = xmalloc(n + 1);
		char *data = NULL;
		int fd, r;

		for (size_t j = 0; j < n; j++)
			content[j] = (unsigned char)(j * 7 + j / 256);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, content, n), (ssize_t)n);
		close(fd);

		errno = 0;
		r = util_read_file(path, read_cases[i].max, &data, &size);
		if (read_cases[i].err == 0) {
			if (r != 0)
				fail_msg("size %zu max %zu: %s", n, read_cases[i].max,
					 strerror(errno));
			assert_non_null(data);
			assert_int_equal(size, n);
			assert_memory_equal(data, content, n);
			assert_int_equal(data[n], '\0');
			free(data);
		} else {
			if (r != -1)
				fail_msg("size %zu max %zu: accepted", n, read_cases[i].max);
			assert_int_equal(errno, read_cases[i].err);
		}
		free(content);
	}
	/* size_r may be NULL */
	{
		char *data = NULL;
		int fd = open(path, O_WRONLY | O_TRUNC);
		assert_int_equal(write(fd, "hej\n", 4), 4);
		close(fd);
		assert_int_equal(util_read_file(path, 100, &data, NULL), 0);
		assert_string_equal(data, "hej\n");
		free(data);
	}
	unlink(path);
	errno = 0;
	{
		char *data = NULL;
		assert_int_equal(util_read_file(path, 100, &data, NULL), -1);
		assert_int_equal(errno, ENOENT);
		assert_int_equal(util_read_file(dir, 100, &data, NULL), -1);
		assert_int_equal(errno, EISDIR);
	}
	rmdir(dir);
}

/* ------------------------------------------------------------------- err */

static void test_err_set(void **state)
{
	struct error e = {0};
	char longtext[1000];

	(void)state;
	assert_int_equal(
	    err_set(&e, ERR_TEMP, "imap: %s:%d: %s", "mail.example.org", 993, "connection refused"),
	    -1);
	assert_int_equal(e.kind, ERR_TEMP);
	assert_string_equal(e.text, "imap: mail.example.org:993: connection refused");
	/* NULL is allowed and still returns -1 */
	assert_int_equal(err_set(NULL, ERR_FATAL, "x"), -1);
	assert_int_equal(err_prefix(NULL, "x"), -1);
	err_clear(NULL);

	memset(longtext, 'd', sizeof(longtext) - 1);
	longtext[sizeof(longtext) - 1] = '\0';
	err_set(&e, ERR_MESSAGE, "%s", longtext);
	assert_int_equal(e.kind, ERR_MESSAGE);
	assert_int_equal(strlen(e.text), sizeof(e.text) - 1);

	err_clear(&e);
	assert_int_equal(e.kind, ERR_NONE);
	assert_string_equal(e.text, "");
}

/* err_prefix: context is added in front and the detail is what gets cut. */
static const struct {
	size_t detail_len; /* 'd' repeated, or 0 for the detail text */
	const char *detail;
	size_t prefix_len; /* 'p' repeated, or 0 for the prefix text */
	const char *prefix;
	size_t expect_prefix; /* how many 'p' survive, when prefix_len > 0 */
	size_t expect_detail; /* how many 'd' survive, when detail_len > 0 */
	const char *expect;   /* when both are texts */
} prefix_cases[] = {
    {0, "connection refused", 0, "imap", 0, 0, "imap: connection refused"},
    {0, "", 0, "store", 0, 0, "store: "},
    {0, "disk full", 0, "migrating to schema version 2", 0, 0,
     "migrating to schema version 2: disk full"},
    /* a long detail is cut at the end: 511 - strlen("cycle: ") */
    {600, NULL, 0, "cycle", 0, 504, NULL},
    /* a long prefix is kept whole, the detail gives way */
    {400, NULL, 200, NULL, 200, 309, NULL},
    {100, NULL, 200, NULL, 200, 100, NULL},
    /* a prefix over its own bound (253) is cut, still followed by ": " */
    {400, NULL, 300, NULL, 253, 256, NULL},
    {0, "x", 300, NULL, 253, 0, NULL},
};

static void test_err_prefix(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(prefix_cases); i++) {
		struct error e = {0};
		char detail[1000], prefix[1000];

		if (prefix_cases[i].detail_len > 0) {
			memset(detail, 'd', prefix_cases[i].detail_len);
			detail[prefix_cases[i].detail_len] = '\0';
		} else {
			snprintf(detail, sizeof(detail), "%s", prefix_cases[i].detail);
		}
		if (prefix_cases[i].prefix_len > 0) {
			memset(prefix, 'p', prefix_cases[i].prefix_len);
			prefix[prefix_cases[i].prefix_len] = '\0';
		} else {
			snprintf(prefix, sizeof(prefix), "%s", prefix_cases[i].prefix);
		}
		err_set(&e, ERR_TEMP, "%s", detail);
		assert_int_equal(err_prefix(&e, "%s", prefix), -1);
		assert_int_equal(e.kind, ERR_TEMP);
		assert_true(strlen(e.text) < sizeof(e.text));
		if (prefix_cases[i].expect != NULL) {
			assert_string_equal(e.text, prefix_cases[i].expect);
			continue;
		}
		size_t np =
		    prefix_cases[i].prefix_len > 0 ? prefix_cases[i].expect_prefix : strlen(prefix);
		size_t nd =
		    prefix_cases[i].detail_len > 0 ? prefix_cases[i].expect_detail : strlen(detail);
		if (strlen(e.text) != np + 2 + nd)
			fail_msg("case %zu: length %zu, expected %zu", i, strlen(e.text),
				 np + 2 + nd);
		assert_memory_equal(e.text, prefix, np);
		assert_memory_equal(e.text + np, ": ", 2);
		assert_memory_equal(e.text + np + 2, detail, nd);
	}
	/* prefixes stack, innermost last */
	{
		struct error e = {0};
		err_set(&e, ERR_FATAL, "no such table");
		err_prefix(&e, "store %s", "agendad.db");
		err_prefix(&e, "cycle");
		assert_string_equal(e.text, "cycle: store agendad.db: no such table");
		assert_int_equal(e.kind, ERR_FATAL);
	}
}

/* ------------------------------------------------------------------- log */

/* Runs fn with stderr sent to a file and returns what was written. */
static char *capture_stderr(void (*fn)(const void *), const void *arg)
{
	char path[] = "/tmp/agendad-test-log-XXXXXX";
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);
	char *data = NULL;

	assert_true(fd >= 0 && saved >= 0);
	dup2(fd, STDERR_FILENO);
	fn(arg);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fd);
	assert_int_equal(util_read_file(path, 1 << 20, &data, NULL), 0);
	unlink(path);
	return data;
}

enum log_level { L_ERR, L_WARN, L_NOTICE, L_INFO, L_DEBUG };

static const struct {
	enum log_level level;
	bool debug;
	const char *text;
	const char *expect;
} log_cases[] = {
    {L_ERR, false, "imap: login failed", "<3>imap: login failed\n"},
    {L_WARN, false, "store: busy", "<4>store: busy\n"},
    {L_NOTICE, false, "agendad: started", "<5>agendad: started\n"},
    {L_INFO, false, "imap: 3 new messages", "<6>imap: 3 new messages\n"},
    {L_DEBUG, false, "imap: not shown", ""},
    {L_DEBUG, true, "imap: shown", "<7>imap: shown\n"},
    /* a value with line breaks must not forge a second entry */
    {L_WARN, false, "triage: subject 'a\n<3>forged\r\nx'", "<4>triage: subject 'a <3>forged  x'\n"},
    {L_INFO, false, "", "<6>\n"},
};

struct log_call {
	enum log_level level;
	const char *text;
};

static void log_one(const void *arg)
{
	const struct log_call *c = arg;

	switch (c->level) {
	case L_ERR:
		log_err("%s", c->text);
		break;
	case L_WARN:
		log_warn("%s", c->text);
		break;
	case L_NOTICE:
		log_notice("%s", c->text);
		break;
	case L_INFO:
		log_info("%s", c->text);
		break;
	case L_DEBUG:
		log_debug("%s", c->text);
		break;
	}
}

static void test_log(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(log_cases); i++) {
		struct log_call c = {log_cases[i].level, log_cases[i].text};
		char *out;

		log_set_debug(log_cases[i].debug);
		assert_int_equal(log_debug_enabled(), log_cases[i].debug);
		out = capture_stderr(log_one, &c);
		if (strcmp(out, log_cases[i].expect) != 0)
			fail_msg("case %zu: got '%s', expected '%s'", i, out, log_cases[i].expect);
		free(out);
	}
	log_set_debug(false);
	/* an overlong line is cut, and still ends in exactly one newline */
	{
		char *big = xmalloc(5001), *out;
		struct log_call c = {L_INFO, big};
		memset(big, 'x', 5000);
		big[5000] = '\0';
		out = capture_stderr(log_one, &c);
		assert_int_equal(strlen(out), 2047);
		assert_memory_equal(out, "<6>xxx", 6);
		assert_int_equal(out[2046], '\n');
		assert_ptr_equal(strchr(out, '\n'), out + 2046);
		free(out);
		free(big);
	}
}

/* An argument runs only the tests it matches (a cmocka pattern: "test_err*"). */
int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_buf_append), cmocka_unit_test(test_buf_growth),
	    cmocka_unit_test(test_buf_printf), cmocka_unit_test(test_buf_steal_reset),
	    cmocka_unit_test(test_strlist),    cmocka_unit_test(test_str_ci),
	    cmocka_unit_test(test_str_lower),  cmocka_unit_test(test_str_trim),
	    cmocka_unit_test(test_valid_date), cmocka_unit_test(test_date_add),
	    cmocka_unit_test(test_local_day),  cmocka_unit_test(test_iso8601),
	    cmocka_unit_test(test_valid_time), cmocka_unit_test(test_sha256),
	    cmocka_unit_test(test_read_file),  cmocka_unit_test(test_err_set),
	    cmocka_unit_test(test_err_prefix), cmocka_unit_test(test_log),
	};

	set_tz("Europe/Stockholm");
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
