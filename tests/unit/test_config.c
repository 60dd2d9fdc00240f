/* test_config.c - agendad.conf: every key parsed, defaults, the exact
 * "FILE:LINE: what is wrong" of each mistake, secrets and data paths.
 *
 * Every case writes its own file into a fresh directory under /tmp, so that
 * line numbers, modes and the config's directory are the test's own. Errors
 * about a section (missing keys, a bad meeting date, an unknown section) are
 * expected at the line of its [header]; errors about a key at that key's
 * line; errors about a section that is not there at line 0. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "agendad/config.h"
#include "agendad/util.h"

/* The smallest valid file: every required key, nothing else. Lines 1-11;
 * text appended to it starts at line 12. */
#define IMAP_OK                                                                                    \
	"[imap]\n"                                                                                 \
	"url = imaps://imap.exempelstad.se:993\n"                                                  \
	"username = lss-samverkan@exempelstad.se\n"
#define SMTP_OK                                                                                    \
	"[smtp]\n"                                                                                 \
	"url = smtp://smtp.exempelstad.se:587\n"                                                   \
	"from = lss-samverkan@exempelstad.se\n"
#define COUNCIL_OK                                                                                 \
	"[council]\n"                                                                              \
	"name = LSS-samverkan\n"                                                                   \
	"secretary = karin.lindqvist@exempelstad.se\n"
#define STORE_OK                                                                                   \
	"[store]\n"                                                                                \
	"database = agendad.db\n"
#define MINIMAL IMAP_OK SMTP_OK COUNCIL_OK STORE_OK

struct dir {
	char path[PATH_MAX]; /* realpath of the temporary directory */
};

static void dir_make(struct dir *d)
{
	char tmpl[] = "/tmp/agendad-test-config-XXXXXX";

	assert_non_null(mkdtemp(tmpl));
	assert_non_null(realpath(tmpl, d->path));
}

static void dir_remove(struct dir *d)
{
	char *cmd = xasprintf("rm -rf '%s'", d->path);

	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static void write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	/* the mode exactly, whatever the umask */
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static char *write_conf(const struct dir *d, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", d->path, name);

	write_file(path, text, strlen(text), 0644);
	return path;
}

/* Replaces every "DIR" in fmt with dir and every "FILE" with file. */
static char *expand(const char *fmt, const char *dir, const char *file)
{
	struct buf b = {0};

	for (const char *p = fmt; *p != '\0';) {
		if (strncmp(p, "DIR", 3) == 0) {
			buf_append_str(&b, dir);
			p += 3;
		} else if (strncmp(p, "FILE", 4) == 0) {
			buf_append_str(&b, file);
			p += 4;
		} else {
			buf_append_char(&b, *p++);
		}
	}
	return buf_steal(&b);
}

/* -------------------------------------------------------- a full config */

/* tests/data/config/full.conf: every key, with the shapes people write. */
#define FULL_CONF TEST_DATA "/config/full.conf"

#define STR(field) #field, offsetof(struct config, field)

static const struct {
	const char *name;
	size_t offset;
	const char *expect; /* NULL: the field is NULL */
} full_strings[] = {
    {STR(imap.url), "imap://imap.exempelstad.se:143"},
    {STR(imap.username), "LSS-Samverkan@Exempelstad.se"},
    {STR(imap.password_file), "secrets/imap.pw"},
    {STR(imap.mailbox), "Föreningsfrågor"},
    {STR(imap.processed_mailbox), "Behandlat"},
    {STR(imap.ca_file), "/etc/agendad/ca.pem"},
    {STR(smtp.url), "smtps://smtp.exempelstad.se:465"},
    {STR(smtp.username), "lss-samverkan@exempelstad.se"},
    {STR(smtp.password_file), "smtp-password"},
    {STR(smtp.from), "lss-samverkan@exempelstad.se"},
    {STR(smtp.ca_file), "/etc/agendad/smtp-ca.pem"},
    {STR(oauth2.token_url), "https://login.microsoftonline.com/tenant/oauth2/v2.0/token"},
    {STR(oauth2.client_id), "00000000-1111-2222-3333-444444444444"},
    {STR(oauth2.client_secret_file), "oauth2-client-secret"},
    {STR(oauth2.scope), "https://outlook.office365.com/.default"},
    /* ';' and '#' inside a value are text, not comments */
    {STR(council.name), "LSS-samverkan; Exempelstad"},
    {STR(council.organisation), "Exempelstads kommun, Socialförvaltningen"},
    {STR(council.secretary), "karin.lindqvist@exempelstad.se"},
    {STR(council.secretary_name), "Karin Lindqvist"},
    {STR(council.chair), "Anna Berg #ordförande"},
    {STR(council.timezone), "Europe/Helsinki"},
    {STR(store.database), "/var/lib/agendad/lss.db"},
};

static const struct {
	const char *name;
	size_t offset;
	long expect;
	char type; /* 'i' int, 'b' bool, 'z' size_t, 'a' enum config_auth */
} full_numbers[] = {
    {STR(imap.starttls), 0, 'b'},
    {STR(imap.auth), CONFIG_AUTH_PASSWORD, 'a'},
    {STR(imap.poll_interval), 300, 'i'},
    {STR(imap.idle), 0, 'b'},
    {STR(smtp.starttls), 0, 'b'},
    {STR(smtp.auth), CONFIG_AUTH_XOAUTH2, 'a'},
    {STR(council.cutoff_days), 10, 'i'},
    {STR(council.draft_days), 0, 'i'},
    {STR(council.acknowledge), 0, 'b'},
    {STR(council.retention_days), 730, 'i'},
    {STR(limits.max_message_bytes), 512 * 1024, 'z'},
    {STR(limits.max_mime_depth), 5, 'i'},
    {STR(limits.max_mime_parts), 250, 'i'},
    {STR(limits.max_questions_per_mail), 30, 'i'},
    {STR(limits.max_line_length), 2000, 'z'},
};

/* What a config without optional keys gets. */
static const struct {
	const char *name;
	size_t offset;
	const char *expect;
} default_strings[] = {
    {STR(imap.password_file), NULL},
    {STR(imap.mailbox), "INBOX"},
    {STR(imap.processed_mailbox), NULL},
    {STR(imap.ca_file), NULL},
    {STR(smtp.username), NULL},
    {STR(smtp.password_file), NULL},
    {STR(smtp.ca_file), NULL},
    {STR(oauth2.token_url), NULL},
    {STR(oauth2.client_id), NULL},
    {STR(oauth2.client_secret_file), NULL},
    {STR(oauth2.scope), NULL},
    {STR(council.organisation), NULL},
    {STR(council.secretary_name), NULL},
    {STR(council.chair), NULL},
    {STR(council.timezone), "Europe/Stockholm"},
};

static const struct {
	const char *name;
	size_t offset;
	long expect;
	char type;
} default_numbers[] = {
    {STR(imap.starttls), 1, 'b'},
    {STR(imap.auth), CONFIG_AUTH_PASSWORD, 'a'},
    {STR(imap.poll_interval), 60, 'i'},
    {STR(imap.idle), 1, 'b'},
    {STR(smtp.starttls), 1, 'b'},
    {STR(smtp.auth), CONFIG_AUTH_PASSWORD, 'a'},
    {STR(council.cutoff_days), 7, 'i'},
    {STR(council.draft_days), 5, 'i'},
    {STR(council.acknowledge), 1, 'b'},
    {STR(council.retention_days), 365, 'i'},
    {STR(limits.max_message_bytes), 25 * 1024 * 1024, 'z'},
    {STR(limits.max_mime_depth), 10, 'i'},
    {STR(limits.max_mime_parts), 100, 'i'},
    {STR(limits.max_questions_per_mail), 20, 'i'},
    {STR(limits.max_line_length), 10000, 'z'},
};

static const char *field_string(const struct config *c, size_t offset)
{
	return *(char *const *)((const char *)c + offset);
}

static long field_number(const struct config *c, size_t offset, char type)
{
	const char *p = (const char *)c + offset;

	switch (type) {
	case 'b':
		return *(const bool *)p;
	case 'i':
		return *(const int *)p;
	case 'z':
		return (long)*(const size_t *)p;
	default:
		return (long)*(const enum config_auth *)p;
	}
}

static const struct {
	const char *name;
	const char *const addresses[6];
} full_associations[] = {
    /* lowercased; continuation lines and a repeated key add to the list */
    {"FUB Exempelstad",
     {"ordforande@fub-exempelstad.se", "@fub-exempelstad.se", "kassor@fub-exempelstad.se",
      "info@fub-exempelstad.se", "extra@fub-exempelstad.se", NULL}},
    {"Autism- och Aspergerföreningen Exempelstad", {"@autism-exempelstad.se", NULL}},
    {"Funktionsrätt Exempelstad",
     {"kansli@funktionsratt-exempelstad.se", "ordf@funktionsratt-exempelstad.se", NULL}},
};

static const struct {
	const char *date, *time, *end, *place;
} full_meetings[] = {
    {"2026-12-10", "17:00", "19:00", "Stadshuset, sal Ljusnan; ingång B"},
    {"2026-03-12", "09:30", NULL, NULL},
};

/* The same file as written on Linux and as saved by a Windows editor. */
static const struct {
	const char *what;
	bool bom;
	bool crlf;
} full_variants[] = {
    {"LF", false, false},
    {"CRLF with a UTF-8 BOM", true, true},
    {"CRLF", false, true},
};

static char *variant_text(const char *text, bool bom, bool crlf)
{
	struct buf b = {0};

	if (bom)
		buf_append_str(&b, "\xEF\xBB\xBF");
	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '\n' && crlf)
			buf_append_char(&b, '\r');
		buf_append_char(&b, *p);
	}
	return buf_steal(&b);
}

static void test_full(void **state)
{
	int failures = 0;

	(void)state;
	for (size_t v = 0; v < N_ELEMENTS(full_variants); v++) {
		struct dir d;
		struct config *c = NULL;
		struct error error = {0};
		char *full = NULL, *text, *path;

		assert_int_equal(util_read_file(FULL_CONF, 1 << 20, &full, NULL), 0);
		text = variant_text(full, full_variants[v].bom, full_variants[v].crlf);
		free(full);
		dir_make(&d);
		path = write_conf(&d, "agendad.conf", text);
		free(text);
		if (config_load(path, &c, &error) != 0) {
			CHECK(false, "%s: %s", full_variants[v].what, error.text);
			free(path);
			dir_remove(&d);
			continue;
		}
		assert_string_equal(c->path, path);
		assert_string_equal(c->dir, d.path);
		for (size_t i = 0; i < N_ELEMENTS(full_strings); i++) {
			const char *got = field_string(c, full_strings[i].offset);
			CHECK(got != NULL && strcmp(got, full_strings[i].expect) == 0,
			      "%s: %s = '%s', expected '%s'", full_variants[v].what,
			      full_strings[i].name, got ? got : "(null)", full_strings[i].expect);
		}
		for (size_t i = 0; i < N_ELEMENTS(full_numbers); i++) {
			long got = field_number(c, full_numbers[i].offset, full_numbers[i].type);
			CHECK(got == full_numbers[i].expect, "%s: %s = %ld, expected %ld",
			      full_variants[v].what, full_numbers[i].name, got,
			      full_numbers[i].expect);
		}
		assert_int_equal(c->n_associations, N_ELEMENTS(full_associations));
		for (size_t i = 0; i < N_ELEMENTS(full_associations); i++) {
			const struct config_association *a = &c->associations[i];
			size_t n = 0;

			CHECK(strcmp(a->name, full_associations[i].name) == 0,
			      "%s: association name '%s', expected '%s'", full_variants[v].what,
			      a->name, full_associations[i].name);
			while (full_associations[i].addresses[n] != NULL)
				n++;
			CHECK(a->n_addresses == n,
			      "%s: [association %s] has %zu addresses, not %zu",
			      full_variants[v].what, a->name, a->n_addresses, n);
			for (size_t j = 0; j < n && j < a->n_addresses; j++)
				CHECK(strcmp(a->addresses[j], full_associations[i].addresses[j]) ==
					  0,
				      "%s: [association %s] address %zu = '%s', expected '%s'",
				      full_variants[v].what, a->name, j, a->addresses[j],
				      full_associations[i].addresses[j]);
		}
		assert_int_equal(c->n_meetings, N_ELEMENTS(full_meetings));
		for (size_t i = 0; i < N_ELEMENTS(full_meetings); i++) {
			const struct config_meeting *m = &c->meetings[i];

			assert_string_equal(m->date, full_meetings[i].date);
			assert_string_equal(m->time, full_meetings[i].time);
			if (full_meetings[i].end == NULL)
				assert_null(m->end);
			else
				assert_string_equal(m->end, full_meetings[i].end);
			if (full_meetings[i].place == NULL)
				assert_null(m->place);
			else
				assert_string_equal(m->place, full_meetings[i].place);
		}
		config_free(&c);
		assert_null(c);
		free(path);
		dir_remove(&d);
	}
	assert_int_equal(failures, 0);
}

static void test_defaults(void **state)
{
	struct dir d;
	struct config *c = NULL;
	struct error error = {0};
	char *path;
	int failures = 0;

	(void)state;
	dir_make(&d);
	path = write_conf(&d, "agendad.conf", MINIMAL);
	if (config_load(path, &c, &error) != 0)
		fail_msg("%s", error.text);
	for (size_t i = 0; i < N_ELEMENTS(default_strings); i++) {
		const char *got = field_string(c, default_strings[i].offset);
		if (default_strings[i].expect == NULL)
			CHECK(got == NULL, "%s = '%s', expected NULL", default_strings[i].name,
			      got);
		else
			CHECK(got != NULL && strcmp(got, default_strings[i].expect) == 0,
			      "%s = '%s', expected '%s'", default_strings[i].name,
			      got ? got : "(null)", default_strings[i].expect);
	}
	for (size_t i = 0; i < N_ELEMENTS(default_numbers); i++) {
		long got = field_number(c, default_numbers[i].offset, default_numbers[i].type);
		CHECK(got == default_numbers[i].expect, "%s = %ld, expected %ld",
		      default_numbers[i].name, got, default_numbers[i].expect);
	}
	assert_int_equal(c->n_associations, 0);
	assert_int_equal(c->n_meetings, 0);
	config_free(&c);
	config_free(&c); /* NULL is fine */
	free(path);
	dir_remove(&d);
	assert_int_equal(failures, 0);
}

/* The example shipped in config/ loads, and every [association NAME] and
 * [meeting DATE] in it comes out under the name written there. */
static void test_example(void **state)
{
	char *path = xasprintf("%s/agendad.conf.example", CONFIG_DIR), *text = NULL;
	struct config *c = NULL;
	struct error error = {0};
	int failures = 0;

	(void)state;
	assert_int_equal(util_read_file(path, 1 << 20, &text, NULL), 0);
	if (config_load(path, &c, &error) != 0)
		fail_msg("%s", error.text);
	assert_true(c->n_associations > 0);
	for (size_t i = 0; i < c->n_associations; i++) {
		char *header = xasprintf("[association %s]\n", c->associations[i].name);
		CHECK(strstr(text, header) != NULL, "association '%s' is not in the example",
		      c->associations[i].name);
		free(header);
	}
	for (size_t i = 0; i < c->n_meetings; i++) {
		char *header = xasprintf("[meeting %s]\n", c->meetings[i].date);
		CHECK(strstr(text, header) != NULL, "meeting '%s' is not in the example",
		      c->meetings[i].date);
		free(header);
	}
	config_free(&c);
	free(text);
	free(path);
	assert_int_equal(failures, 0);
}

/* An association with many addresses on one line, far past libinih's
 * default line length of 200 bytes. */
static const size_t long_line_counts[] = {1, 10, 200, 2000};

static void test_long_line(void **state)
{
	struct dir d;
	int failures = 0;

	(void)state;
	dir_make(&d);
	for (size_t i = 0; i < N_ELEMENTS(long_line_counts); i++) {
		struct buf b = {0};
		struct config *c = NULL;
		struct error error = {0};
		char *text, *path;

		buf_append_str(&b, MINIMAL "[association Riksförbundet FUB]\naddresses = ");
		for (size_t j = 0; j < long_line_counts[i]; j++)
			buf_printf(&b, "%sMedlem%zu@FUB-Exempelstad.se", j ? ", " : "", j);
		buf_append_str(&b, "\n");
		text = buf_steal(&b);
		path = write_conf(&d, "agendad.conf", text);
		if (config_load(path, &c, &error) != 0) {
			CHECK(false, "%zu addresses: %s", long_line_counts[i], error.text);
		} else {
			CHECK(c->n_associations == 1 &&
				  c->associations[0].n_addresses == long_line_counts[i],
			      "%zu addresses: %zu parsed", long_line_counts[i],
			      c->n_associations ? c->associations[0].n_addresses : 0);
			if (c->n_associations == 1 &&
			    c->associations[0].n_addresses == long_line_counts[i]) {
				char *last = xasprintf("medlem%zu@fub-exempelstad.se",
						       long_line_counts[i] - 1);
				CHECK(strcmp(c->associations[0].addresses[long_line_counts[i] - 1],
					     last) == 0,
				      "%zu addresses: last is '%s'", long_line_counts[i],
				      c->associations[0].addresses[long_line_counts[i] - 1]);
				free(last);
			}
		}
		config_free(&c);
		free(path);
		free(text);
	}
	dir_remove(&d);
	assert_int_equal(failures, 0);
}

/* ------------------------------------------------------- values of keys */

static const struct {
	const char *value;
	bool expect;
} bool_cases[] = {
    {"yes", true}, {"YES", true}, {"true", true},   {"True", true}, {"1", true},    {"on", true},
    {"no", false}, {"No", false}, {"false", false}, {"0", false},   {"off", false}, {"OFF", false},
};

static const struct {
	const char *value;
	size_t expect;
} size_cases[] = {
    {"25M", 25 * 1024 * 1024},
    {"25m", 25 * 1024 * 1024},
    {"25MB", 25 * 1024 * 1024},
    {"512k", 512 * 1024},
    {"64KB", 64 * 1024},
    {"1048576", 1048576},
    {"4096", 4096},
    {"1G", 1073741824},
    {"1g", 1073741824},
};

static void test_values(void **state)
{
	struct dir d;
	int failures = 0;

	(void)state;
	dir_make(&d);
	for (size_t i = 0; i < N_ELEMENTS(bool_cases); i++) {
		char *text = xasprintf(MINIMAL "[imap]\nidle = %s\n", bool_cases[i].value);
		char *path = write_conf(&d, "agendad.conf", text);
		struct config *c = NULL;
		struct error error = {0};

		if (config_load(path, &c, &error) != 0)
			CHECK(false, "idle = %s: %s", bool_cases[i].value, error.text);
		else
			CHECK(c->imap.idle == bool_cases[i].expect, "idle = %s: %d",
			      bool_cases[i].value, c->imap.idle);
		config_free(&c);
		free(path);
		free(text);
	}
	for (size_t i = 0; i < N_ELEMENTS(size_cases); i++) {
		char *text =
		    xasprintf(MINIMAL "[limits]\nmax_message_bytes = %s\n", size_cases[i].value);
		char *path = write_conf(&d, "agendad.conf", text);
		struct config *c = NULL;
		struct error error = {0};

		if (config_load(path, &c, &error) != 0)
			CHECK(false, "max_message_bytes = %s: %s", size_cases[i].value, error.text);
		else
			CHECK(c->limits.max_message_bytes == size_cases[i].expect,
			      "max_message_bytes = %s: %zu, expected %zu", size_cases[i].value,
			      c->limits.max_message_bytes, size_cases[i].expect);
		config_free(&c);
		free(path);
		free(text);
	}
	dir_remove(&d);
	assert_int_equal(failures, 0);
}

/* token_url must be https://, or http:// to this machine only (the test
 * token server); a name that merely starts like a loopback one is not. */
static const struct {
	const char *url;
	bool ok;
} token_url_cases[] = {
    {"https://login.microsoftonline.com/tenant/oauth2/v2.0/token", true},
    {"HTTPS://login.microsoftonline.com/tenant/oauth2/v2.0/token", true},
    {"http://127.0.0.1:8080/token", true},
    {"http://127.0.0.2/token", true},
    {"http://localhost:8080/token", true},
    {"http://localhost/token", true},
    {"http://[::1]:8080/token", true},
    {"http://login.microsoftonline.com/tenant/oauth2/v2.0/token", false},
    {"http://localhost.example.org/token", false},
    {"http://localhostx.example.org/token", false},
    {"http://127.example.org/token", false},
    {"http://127.0.0.1.example.org/token", false},
    {"ftp://127.0.0.1/token", false},
    {"login.microsoftonline.com/token", false},
};

static void test_token_url(void **state)
{
	struct dir d;
	int failures = 0;

	(void)state;
	dir_make(&d);
	for (size_t i = 0; i < N_ELEMENTS(token_url_cases); i++) {
		/* the line is test_errors' business; here only the verdict */
		static const char expect[] =
		    ": 'token_url' in [oauth2] must be https:// (http only on loopback)";
		char *text = xasprintf(MINIMAL "[imap]\nauth = xoauth2\n[oauth2]\ntoken_url = %s\n"
					       "client_id = agendad\nscope = imap\n",
				       token_url_cases[i].url);
		char *path = write_conf(&d, "agendad.conf", text);
		struct config *c = NULL;
		struct error error = {0};
		int r = config_load(path, &c, &error);

		if (token_url_cases[i].ok)
			CHECK(r == 0, "token_url = %s: refused: %s", token_url_cases[i].url,
			      error.text);
		else
			CHECK(r == -1 && str_suffix_ci(error.text, expect),
			      "token_url = %s: %s, expected '...%s'", token_url_cases[i].url,
			      r == 0 ? "accepted" : error.text, expect);
		config_free(&c);
		free(path);
		free(text);
	}
	dir_remove(&d);
	assert_int_equal(failures, 0);
}

/* ---------------------------------------------------------------- errors */

static const struct {
	const char *what;
	const char *text;
	const char *expect; /* FILE is the config's path */
} error_cases[] = {
    /* keys and sections that do not exist */
    {"unknown key", MINIMAL "[imap]\nurll = imaps://x\n", "FILE:13: unknown key 'urll' in [imap]"},
    {"unknown key in [association]", MINIMAL "[association FUB]\naddress = a@fub.se\n",
     "FILE:13: unknown key 'address' in [association FUB]"},
    {"unknown key in [meeting]", MINIMAL "[meeting 2026-12-10]\ntime = 17:00\nlokal = A\n",
     "FILE:14: unknown key 'lokal' in [meeting 2026-12-10]"},
    {"unknown section", MINIMAL "[imapp]\nurl = imaps://x\n", "FILE:12: unknown section [imapp]"},
    {"unknown section without keys", MINIMAL "[smpt]\n", "FILE:12: unknown section [smpt]"},
    {"key outside any section", "loglevel = debug\n" MINIMAL,
     "FILE:1: key 'loglevel' outside any section"},
    {"duplicate key", MINIMAL "[imap]\nurl = imaps://other.example.org\n",
     "FILE:13: duplicate key 'url' in [imap]"},
    {"duplicate key in the same section", IMAP_OK "username = x@y.se\n" SMTP_OK COUNCIL_OK STORE_OK,
     "FILE:4: duplicate key 'username' in [imap]"},
    {"empty value", MINIMAL "[imap]\nmailbox =\n", "FILE:13: empty value for 'mailbox' in [imap]"},
    {"syntax error", MINIMAL "this is not a key\n",
     "FILE:12: syntax error (expected [section] or key = value)"},
    {"section not closed", MINIMAL "[meeting 2026-12-10\ntime = 17:00\n",
     "FILE:12: syntax error (expected [section] or key = value)"},

    /* required keys and sections */
    {"missing key",
     "[imap]\n# the mailbox of the council\nurl = imaps://imap.exempelstad.se\n" SMTP_OK COUNCIL_OK
	 STORE_OK,
     "FILE:1: missing key 'username' in [imap]"},
    {"missing key after others",
     IMAP_OK "[smtp]\n\nurl = smtp://smtp.exempelstad.se\n" COUNCIL_OK STORE_OK,
     "FILE:4: missing key 'from' in [smtp]"},
    {"missing key of an empty section", IMAP_OK SMTP_OK COUNCIL_OK "[store]\n",
     "FILE:10: missing key 'database' in [store]"},
    {"missing section", IMAP_OK SMTP_OK COUNCIL_OK,
     "FILE:0: missing section [store] (it needs 'database')"},
    {"missing section [council]", IMAP_OK SMTP_OK STORE_OK,
     "FILE:0: missing section [council] (it needs 'name')"},

    /* values */
    {"bad bool", MINIMAL "[imap]\nidle = kanske\n",
     "FILE:13: 'idle' in [imap] must be yes or no, not 'kanske'"},
    {"bad bool (ja)", MINIMAL "[council]\nacknowledge = ja\n",
     "FILE:13: 'acknowledge' in [council] must be yes or no, not 'ja'"},
    {"number below range", MINIMAL "[imap]\npoll_interval = 4\n",
     "FILE:13: 'poll_interval' in [imap] must be between 5 and 86400"},
    {"number above range", MINIMAL "[council]\ncutoff_days = 366\n",
     "FILE:13: 'cutoff_days' in [council] must be between 0 and 365"},
    {"negative number", MINIMAL "[council]\ncutoff_days = -1\n",
     "FILE:13: 'cutoff_days' in [council] must be between 0 and 365"},
    {"zero retention", MINIMAL "[council]\nretention_days = 0\n",
     "FILE:13: 'retention_days' in [council] must be between 1 and 36500"},
    {"mime depth", MINIMAL "[limits]\nmax_mime_depth = 101\n",
     "FILE:13: 'max_mime_depth' in [limits] must be between 1 and 100"},
    {"not a number", MINIMAL "[council]\ndraft_days = fem\n",
     "FILE:13: 'draft_days' in [council] must be a whole number, not 'fem'"},
    {"number with a unit", MINIMAL "[council]\ndraft_days = 5 dagar\n",
     "FILE:13: 'draft_days' in [council] must be a whole number, not '5 dagar'"},
    {"number overflowing long", MINIMAL "[imap]\npoll_interval = 99999999999999999999\n",
     "FILE:13: 'poll_interval' in [imap] must be a whole number, not '99999999999999999999'"},
    {"bad size", MINIMAL "[limits]\nmax_message_bytes = 25Q\n",
     "FILE:13: 'max_message_bytes' in [limits] must be a size such as 25M, not '25Q'"},
    {"size with a blank", MINIMAL "[limits]\nmax_message_bytes = 25 M\n",
     "FILE:13: 'max_message_bytes' in [limits] must be a size such as 25M, not '25 M'"},
    {"size without a number", MINIMAL "[limits]\nmax_message_bytes = M\n",
     "FILE:13: 'max_message_bytes' in [limits] must be a size such as 25M, not 'M'"},
    {"negative size", MINIMAL "[limits]\nmax_message_bytes = -25M\n",
     "FILE:13: 'max_message_bytes' in [limits] must be a size such as 25M, not '-25M'"},
    {"size below range", MINIMAL "[limits]\nmax_message_bytes = 1k\n",
     "FILE:13: 'max_message_bytes' in [limits] must be between 4096 and 1073741824"},
    {"size above range", MINIMAL "[limits]\nmax_message_bytes = 2G\n",
     "FILE:13: 'max_message_bytes' in [limits] must be between 4096 and 1073741824"},
    {"bad auth", MINIMAL "[imap]\nauth = plain\n",
     "FILE:13: 'auth' in [imap] must be password or xoauth2, not 'plain'"},

    /* URLs and addresses */
    {"bad imap URL scheme",
     "[imap]\nurl = https://imap.exempelstad.se\nusername = x\n" SMTP_OK COUNCIL_OK STORE_OK,
     "FILE:1: 'url' in [imap] must start with imaps:// or imap://"},
    {"imap URL without scheme",
     "[imap]\nusername = x\nurl = imap.exempelstad.se:993\n" SMTP_OK COUNCIL_OK STORE_OK,
     "FILE:1: 'url' in [imap] must start with imaps:// or imap://"},
    {"bad smtp URL scheme",
     IMAP_OK "[smtp]\nurl = smtp.exempelstad.se:587\nfrom = a@b.se\n" COUNCIL_OK STORE_OK,
     "FILE:4: 'url' in [smtp] must start with smtps:// or smtp://"},
    {"from without @",
     IMAP_OK "[smtp]\nurl = smtp://s\nfrom = lss.exempelstad.se\n" COUNCIL_OK STORE_OK,
     "FILE:4: 'from' in [smtp] is not a mail address: 'lss.exempelstad.se'"},
    {"from with a display name",
     IMAP_OK "[smtp]\nurl = smtp://s\nfrom = LSS <lss@exempelstad.se>\n" COUNCIL_OK STORE_OK,
     "FILE:4: 'from' in [smtp] is not a mail address: 'LSS <lss@exempelstad.se>'"},
    {"from a whole domain",
     IMAP_OK "[smtp]\nurl = smtp://s\nfrom = @exempelstad.se\n" COUNCIL_OK STORE_OK,
     "FILE:4: 'from' in [smtp] is not a mail address: '@exempelstad.se'"},
    {"secretary without domain",
     IMAP_OK SMTP_OK "[council]\nname = L\nsecretary = karin@\n" STORE_OK,
     "FILE:7: 'secretary' in [council] is not a mail address: 'karin@'"},
    {"secretary with two @",
     IMAP_OK SMTP_OK "[council]\nname = L\nsecretary = karin@kommun@se\n" STORE_OK,
     "FILE:7: 'secretary' in [council] is not a mail address: 'karin@kommun@se'"},
    {"association address with a blank",
     MINIMAL "[association FUB Exempelstad]\naddresses = kansli@fub.se, ordförande på fub\n",
     "FILE:13: 'ordförande' in [association FUB Exempelstad] is not an address or @domain"},
    {"association address in <>", MINIMAL "[association FUB]\naddresses = <kansli@fub.se>\n",
     "FILE:13: '<kansli@fub.se>' in [association FUB] is not an address or @domain"},
    {"association address with two @", MINIMAL "[association FUB]\naddresses = a@b@fub.se\n",
     "FILE:13: 'a@b@fub.se' in [association FUB] is not an address or @domain"},
    {"association address with ;", MINIMAL "[association FUB]\naddresses = a@fub.se;b@fub.se\n",
     "FILE:13: 'a@fub.se;b@fub.se' in [association FUB] is not an address or @domain"},

    /* the time zone */
    {"unknown time zone", MINIMAL "[council]\ntimezone = Europe/Stokholm\n",
     "FILE:7: unknown time zone 'Europe/Stokholm' in [council]"},
    {"time zone outside zoneinfo", MINIMAL "[council]\ntimezone = ../../../etc/passwd\n",
     "FILE:7: unknown time zone '../../../etc/passwd' in [council]"},
    {"time zone that is a directory", MINIMAL "[council]\ntimezone = Europe\n",
     "FILE:7: unknown time zone 'Europe' in [council]"},

    /* meetings and associations */
    {"meeting in month 13", MINIMAL "[meeting 2026-13-01]\ntime = 17:00\n",
     "FILE:12: [meeting 2026-13-01]: the date must be YYYY-MM-DD"},
    {"meeting on 2026-02-29", MINIMAL "[meeting 2026-02-29]\ntime = 17:00\n",
     "FILE:12: [meeting 2026-02-29]: the date must be YYYY-MM-DD"},
    {"meeting in words", MINIMAL "[meeting 10 december]\ntime = 17:00\n",
     "FILE:12: [meeting 10 december]: the date must be YYYY-MM-DD"},
    {"meeting without time", MINIMAL "[meeting 2026-12-10]\nplace = Stadshuset\n",
     "FILE:12: [meeting 2026-12-10] needs a time (HH:MM)"},
    {"meeting without keys", MINIMAL "[meeting 2026-12-10]\n",
     "FILE:12: [meeting 2026-12-10] needs a time (HH:MM)"},
    {"meeting time 17.00", MINIMAL "[meeting 2026-12-10]\ntime = 17.00\n",
     "FILE:13: 'time' in [meeting 2026-12-10] must be HH:MM, not '17.00'"},
    {"meeting end 25:00", MINIMAL "[meeting 2026-12-10]\ntime = 17:00\nend = 25:00\n",
     "FILE:14: 'end' in [meeting 2026-12-10] must be HH:MM, not '25:00'"},
    {"association without addresses", MINIMAL "[association FUB Exempelstad]\naddresses =\n",
     "FILE:12: [association FUB Exempelstad] needs addresses"},
    {"association with only commas", MINIMAL "[association FUB Exempelstad]\naddresses = , ,\n",
     "FILE:12: [association FUB Exempelstad] needs addresses"},
    {"association without keys", MINIMAL "[association RBU Exempelstad]\n",
     "FILE:12: [association RBU Exempelstad] needs addresses"},
    {"association without a name", MINIMAL "[association]\naddresses = a@fub.se\n",
     "FILE:12: [association] needs a name: [association FUB Exempelstad]"},

    /* xoauth2 */
    {"xoauth2 without [oauth2]", MINIMAL "[imap]\nauth = xoauth2\n",
     "FILE:0: auth = xoauth2 needs token_url, client_id and scope in [oauth2]"},
    {"xoauth2 for smtp without scope",
     MINIMAL "[smtp]\nauth = xoauth2\n[oauth2]\ntoken_url = "
	     "https://login.microsoftonline.com/t\nclient_id = c\n",
     "FILE:14: auth = xoauth2 needs token_url, client_id and scope in [oauth2]"},
    {"http token_url not on loopback",
     MINIMAL "[imap]\nauth = xoauth2\n[oauth2]\ntoken_url = "
	     "http://login.example.org/token\nclient_id = c\nscope = s\n",
     "FILE:14: 'token_url' in [oauth2] must be https:// (http only on loopback)"},
};

static void test_errors(void **state)
{
	struct dir d;
	int failures = 0;

	(void)state;
	dir_make(&d);
	for (size_t i = 0; i < N_ELEMENTS(error_cases); i++) {
		char *path = write_conf(&d, "agendad.conf", error_cases[i].text);
		char *expect = expand(error_cases[i].expect, d.path, path);
		struct config *c = NULL;
		struct error error = {0};
		int r = config_load(path, &c, &error);

		if (r == 0) {
			CHECK(false, "%s: accepted, expected '%s'", error_cases[i].what, expect);
			config_free(&c);
		} else {
			CHECK(c == NULL, "%s: config set on failure", error_cases[i].what);
			CHECK(error.kind == ERR_FATAL, "%s: kind %d", error_cases[i].what,
			      error.kind);
			CHECK(strcmp(error.text, expect) == 0,
			      "%s:\n   got    '%s'\n   expected '%s'", error_cases[i].what,
			      error.text, expect);
		}
		free(expect);
		free(path);
	}
	/* a file that is not there */
	{
		char *path = xasprintf("%s/nonexistent.conf", d.path);
		char *expect = xasprintf("%s: cannot open: No such file or directory", path);
		struct config *c = NULL;
		struct error error = {0};

		assert_int_equal(config_load(path, &c, &error), -1);
		assert_null(c);
		assert_int_equal(error.kind, ERR_FATAL);
		assert_string_equal(error.text, expect);
		free(expect);
		free(path);
	}
	dir_remove(&d);
	assert_int_equal(failures, 0);
}

/* A size whose multiplication overflows must be refused, not wrap around:
 * 17179869185G is 2^64 + 2^30 bytes, which wraps to exactly 1G. Kept apart
 * from test_errors because UBSan stops the process on the overflow. */
static void test_size_overflow(void **state)
{
	static const char *const values[] = {"17179869185G", "9223372036854775807k",
					     "18014398509481985M"};
	struct dir d;
	int failures = 0;

	(void)state;
	dir_make(&d);
	for (size_t i = 0; i < N_ELEMENTS(values); i++) {
		char *text = xasprintf(MINIMAL "[limits]\nmax_message_bytes = %s\n", values[i]);
		char *path = write_conf(&d, "agendad.conf", text);
		char *prefix = xasprintf("%s:13: 'max_message_bytes' in [limits] must be ", path);
		struct config *c = NULL;
		struct error error = {0};

		if (config_load(path, &c, &error) == 0) {
			CHECK(false, "max_message_bytes = %s: accepted as %zu", values[i],
			      c->limits.max_message_bytes);
			config_free(&c);
		} else {
			CHECK(strncmp(error.text, prefix, strlen(prefix)) == 0,
			      "max_message_bytes = %s: %s", values[i], error.text);
		}
		free(prefix);
		free(path);
		free(text);
	}
	dir_remove(&d);
	assert_int_equal(failures, 0);
}

/* --------------------------------------------------------------- secrets */

static const struct {
	const char *what;
	const char *name; /* as configured; DIR is the config's directory */
	const char *file; /* where the test puts it, under DIR; NULL: nowhere */
	const char *content;
	size_t len; /* 0: strlen(content) */
	mode_t mode;
	const char *creds;  /* $CREDENTIALS_DIRECTORY, or NULL for unset */
	const char *decoy;  /* a file (under DIR, mode 0600) that must not be read */
	const char *expect; /* the secret, or NULL */
	const char *error;  /* the error text when expect is NULL */
} secret_cases[] = {
    {"beside the config", "imap.pw", "imap.pw", "hemligt lösenord\n", 0, 0600, NULL, NULL,
     "hemligt lösenord", NULL},
    {"CRLF and several newlines dropped", "imap.pw", "imap.pw", "s3cret\r\n\r\n", 0, 0400, NULL,
     NULL, "s3cret", NULL},
    {"inner blanks kept", "imap.pw", "imap.pw", "  a b  \n", 0, 0600, NULL, NULL, "  a b  ", NULL},
    {"absolute path", "DIR/abs.pw", "abs.pw", "abs", 0, 0600, "DIR/creds", "creds/abs.pw", "abs",
     NULL},
    {"relative path from the config's directory", "secrets/smtp.pw", "secrets/smtp.pw",
     "smtp-hemlis\n", 0, 0600, NULL, NULL, "smtp-hemlis", NULL},
    {"a path is never a credential name", "secrets/smtp.pw", "secrets/smtp.pw", "från filen\n", 0,
     0600, "DIR/creds", "creds/secrets/smtp.pw", "från filen", NULL},
    {"credential first", "imap-password", "creds/imap-password", "från systemd\n", 0, 0400,
     "DIR/creds", "imap-password", "från systemd", NULL},
    {"bare name not among the credentials", "smtp-password", "smtp-password", "beside\n", 0, 0600,
     "DIR/creds", NULL, "beside", NULL},
    {"bare name, empty $CREDENTIALS_DIRECTORY", "smtp-password", "smtp-password", "beside\n", 0,
     0600, "", NULL, "beside", NULL},
    {"readable by others", "open.pw", "open.pw", "x\n", 0, 0644, NULL, NULL, NULL,
     "secret DIR/open.pw is readable by others (mode 644): chmod 0600 it"},
    {"credential readable by others", "imap-password", "creds/imap-password", "x\n", 0, 0604,
     "DIR/creds", NULL, NULL,
     "secret DIR/creds/imap-password is readable by others (mode 604): chmod 0600 it"},
    {"empty", "empty.pw", "empty.pw", "", 0, 0600, NULL, NULL, NULL,
     "secret 'empty.pw' is empty or not text"},
    {"only a newline", "nl.pw", "nl.pw", "\n", 0, 0600, NULL, NULL, NULL,
     "secret 'nl.pw' is empty or not text"},
    {"with a NUL byte", "nul.pw", "nul.pw", "ab\0cd", 5, 0600, NULL, NULL, NULL,
     "secret 'nul.pw' is empty or not text"},
    {"missing", "missing.pw", NULL, NULL, 0, 0, NULL, NULL, NULL,
     "secret DIR/missing.pw: No such file or directory"},
    {"no name", "", NULL, NULL, 0, 0, NULL, NULL, NULL, "no secret file configured"},
};

static void test_secrets(void **state)
{
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(secret_cases); i++) {
		struct dir d;
		struct config *c = NULL;
		struct error error = {0};
		char *conf, *name, *secret = NULL;
		int r;

		dir_make(&d);
		conf = write_conf(&d, "agendad.conf", MINIMAL);
		assert_int_equal(config_load(conf, &c, &error), 0);
		if (secret_cases[i].file != NULL) {
			char *path = xasprintf("%s/%s", d.path, secret_cases[i].file);
			size_t len = secret_cases[i].len ? secret_cases[i].len
							 : strlen(secret_cases[i].content);
			char *cmd = xasprintf("mkdir -p \"$(dirname '%s')\"", path);
			assert_int_equal(system(cmd), 0);
			write_file(path, secret_cases[i].content, len, secret_cases[i].mode);
			free(cmd);
			free(path);
		}
		if (secret_cases[i].decoy != NULL) {
			char *path = xasprintf("%s/%s", d.path, secret_cases[i].decoy);
			char *cmd = xasprintf("mkdir -p \"$(dirname '%s')\"", path);
			assert_int_equal(system(cmd), 0);
			write_file(path, "decoy\n", 6, 0600);
			free(cmd);
			free(path);
		}
		if (secret_cases[i].creds != NULL) {
			char *creds = expand(secret_cases[i].creds, d.path, conf);
			setenv("CREDENTIALS_DIRECTORY", creds, 1);
			free(creds);
		} else {
			unsetenv("CREDENTIALS_DIRECTORY");
		}
		name = expand(secret_cases[i].name, d.path, conf);
		r = config_read_secret(c, name, &secret, &error);
		if (secret_cases[i].expect != NULL) {
			CHECK(r == 0, "%s: %s", secret_cases[i].what, error.text);
			if (r == 0)
				CHECK(strcmp(secret, secret_cases[i].expect) == 0,
				      "%s: '%s', expected '%s'", secret_cases[i].what, secret,
				      secret_cases[i].expect);
		} else {
			char *expect = expand(secret_cases[i].error, d.path, conf);
			CHECK(r == -1, "%s: accepted", secret_cases[i].what);
			CHECK(error.kind == ERR_FATAL, "%s: kind %d", secret_cases[i].what,
			      error.kind);
			CHECK(strcmp(error.text, expect) == 0, "%s: '%s', expected '%s'",
			      secret_cases[i].what, error.text, expect);
			free(expect);
		}
		free(secret);
		free(name);
		config_free(&c);
		free(conf);
		dir_remove(&d);
	}
	unsetenv("CREDENTIALS_DIRECTORY");
	assert_int_equal(failures, 0);
}

/* ------------------------------------------------------------ data paths */

/* Files the test lays out under DIR (the config's directory). */
static const char *const data_files[] = {
    "categories.conf",   "a/training.tsv",         "b/training.tsv",
    "b/categories.conf", "b/templates/agenda.txt", "a/templates/minutes.txt",
};

static const struct {
	bool with_config;
	const char *env; /* $AGENDAD_DATADIR, or NULL for unset */
	const char *name;
	const char *expect; /* NULL: not found */
} data_path_cases[] = {
    /* beside the config first, whatever the list says */
    {true, "DIR/a:DIR/b", "categories.conf", "DIR/categories.conf"},
    {true, "DIR/b", "categories.conf", "DIR/categories.conf"},
    /* then the list, in its order */
    {true, "DIR/a:DIR/b", "training.tsv", "DIR/a/training.tsv"},
    {true, "DIR/b:DIR/a", "training.tsv", "DIR/b/training.tsv"},
    {true, "DIR/a:DIR/b", "templates/agenda.txt", "DIR/b/templates/agenda.txt"},
    {true, "DIR/b:DIR/a", "templates/minutes.txt", "DIR/a/templates/minutes.txt"},
    /* empty entries are skipped */
    {true, "::DIR/b:", "templates/agenda.txt", "DIR/b/templates/agenda.txt"},
    {true, "", "training.tsv", NULL},
    /* a directory not in the list is not searched */
    {true, "DIR/a", "templates/agenda.txt", NULL},
    {true, NULL, "training.tsv", NULL},
    {true, "DIR/a:DIR/b", "agendad-no-such-file.txt", NULL},
    /* without a config: only the list */
    {false, "DIR/b", "categories.conf", "DIR/b/categories.conf"},
    {false, "DIR/a", "categories.conf", NULL},
};

static void test_data_path(void **state)
{
	struct dir d;
	struct config *c = NULL;
	struct error error = {0};
	char *conf;
	int failures = 0;

	(void)state;
	dir_make(&d);
	conf = write_conf(&d, "agendad.conf", MINIMAL);
	assert_int_equal(config_load(conf, &c, &error), 0);
	for (size_t i = 0; i < N_ELEMENTS(data_files); i++) {
		char *path = xasprintf("%s/%s", d.path, data_files[i]);
		char *cmd = xasprintf("mkdir -p \"$(dirname '%s')\"", path);
		assert_int_equal(system(cmd), 0);
		write_file(path, data_files[i], strlen(data_files[i]), 0644);
		free(cmd);
		free(path);
	}
	for (size_t i = 0; i < N_ELEMENTS(data_path_cases); i++) {
		char *expect = NULL, *got;

		/* the installed data directory must not answer for the test */
		if (data_path_cases[i].expect == NULL) {
			char *installed =
			    xasprintf("%s/%s", AGENDAD_DATADIR, data_path_cases[i].name);
			bool there = access(installed, F_OK) == 0;
			free(installed);
			if (there)
				continue;
		}
		if (data_path_cases[i].env != NULL) {
			char *env = expand(data_path_cases[i].env, d.path, conf);
			setenv("AGENDAD_DATADIR", env, 1);
			free(env);
		} else {
			unsetenv("AGENDAD_DATADIR");
		}
		if (data_path_cases[i].expect != NULL)
			expect = expand(data_path_cases[i].expect, d.path, conf);
		got = config_data_path(data_path_cases[i].with_config ? c : NULL,
				       data_path_cases[i].name);
		if (expect == NULL)
			CHECK(got == NULL, "case %zu (%s): '%s', expected NULL", i,
			      data_path_cases[i].name, got);
		else
			CHECK(got != NULL && strcmp(got, expect) == 0,
			      "case %zu (%s): '%s', expected '%s'", i, data_path_cases[i].name,
			      got ? got : "(null)", expect);
		free(got);
		free(expect);
	}
	unsetenv("AGENDAD_DATADIR");
	config_free(&c);
	free(conf);
	dir_remove(&d);
	assert_int_equal(failures, 0);
}

/* An argument runs only the tests it matches (a cmocka pattern: "test_err*"). */
int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_full),      cmocka_unit_test(test_example),
	    cmocka_unit_test(test_long_line), cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_values),    cmocka_unit_test(test_token_url),
	    cmocka_unit_test(test_errors),    cmocka_unit_test(test_secrets),
	    cmocka_unit_test(test_data_path), cmocka_unit_test(test_size_overflow),
	};

	umask(022);
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
