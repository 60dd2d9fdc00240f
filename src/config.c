/* config.c - agendad.conf: INI through libinih, validated against one table of
 * keys; see config.h and config/agendad.conf.example.
 *
 * Every problem is reported as "FILE:LINE: what is wrong" (the first one
 * found); libinih is driven through ini_parse_stream() with a reader that
 * counts lines, because Debian builds it without INI_HANDLER_LINENO. */
#include <errno.h>
#include <stdarg.h>
#include <ini.h>
#include <libgen.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agendad/config.h"
#include "agendad/util.h"

#ifndef AGENDAD_DATADIR
#define AGENDAD_DATADIR "/usr/local/share/agendad"
#endif

/* Limits on the secret files themselves. */
#define SECRET_MAX_BYTES 65536

enum key_type {
	KEY_STRING,
	KEY_BOOL,
	KEY_INT,
	KEY_SIZE,
	KEY_AUTH,
};

struct key_def {
	const char *section;
	const char *name;
	enum key_type type;
	size_t offset; /* into struct config */
	bool required;
	long min, max; /* KEY_INT, KEY_SIZE */
};

#define S(sec, key, field, req) { sec, key, KEY_STRING, offsetof(struct config, field), req, 0, 0 }
#define B(sec, key, field) { sec, key, KEY_BOOL, offsetof(struct config, field), false, 0, 0 }
#define I(sec, key, field, lo, hi) { sec, key, KEY_INT, offsetof(struct config, field), false, lo, hi }
#define Z(sec, key, field, lo, hi) { sec, key, KEY_SIZE, offsetof(struct config, field), false, lo, hi }
#define A(sec, key, field) { sec, key, KEY_AUTH, offsetof(struct config, field), false, 0, 0 }

static const struct key_def keys[] = {
	S("imap", "url", imap.url, true),
	B("imap", "starttls", imap.starttls),
	S("imap", "username", imap.username, true),
	A("imap", "auth", imap.auth),
	S("imap", "password_file", imap.password_file, false),
	S("imap", "mailbox", imap.mailbox, false),
	S("imap", "processed_mailbox", imap.processed_mailbox, false),
	S("imap", "ca_file", imap.ca_file, false),
	I("imap", "poll_interval", imap.poll_interval, 5, 86400),
	B("imap", "idle", imap.idle),

	S("smtp", "url", smtp.url, true),
	B("smtp", "starttls", smtp.starttls),
	S("smtp", "username", smtp.username, false),
	A("smtp", "auth", smtp.auth),
	S("smtp", "password_file", smtp.password_file, false),
	S("smtp", "from", smtp.from, true),
	S("smtp", "ca_file", smtp.ca_file, false),

	S("oauth2", "token_url", oauth2.token_url, false),
	S("oauth2", "client_id", oauth2.client_id, false),
	S("oauth2", "client_secret_file", oauth2.client_secret_file, false),
	S("oauth2", "scope", oauth2.scope, false),

	S("council", "name", council.name, true),
	S("council", "organisation", council.organisation, false),
	S("council", "secretary", council.secretary, true),
	S("council", "secretary_name", council.secretary_name, false),
	S("council", "chair", council.chair, false),
	I("council", "cutoff_days", council.cutoff_days, 0, 365),
	I("council", "draft_days", council.draft_days, 0, 365),
	B("council", "acknowledge", council.acknowledge),
	S("council", "timezone", council.timezone, false),
	I("council", "retention_days", council.retention_days, 1, 36500),

	S("store", "database", store.database, true),

	Z("limits", "max_message_bytes", limits.max_message_bytes, 4096, 1L << 30),
	I("limits", "max_mime_depth", limits.max_mime_depth, 1, 100),
	I("limits", "max_mime_parts", limits.max_mime_parts, 1, 10000),
	I("limits", "max_questions_per_mail", limits.max_questions_per_mail, 1, 1000),
	Z("limits", "max_line_length", limits.max_line_length, 78, 1L << 20),
};

#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

struct parse_state {
	struct config *config;
	FILE *file;
	int line; /* of the line the reader returned last */
	int section_line[16]; /* where each fixed section was first seen, for missing keys */
	bool seen[N_KEYS];
	struct error *error;
	bool failed;
	struct strlist section_names; /* see reader() */
	int *header_lines; /* the line of each of section_names */
};

static const char *const fixed_sections[] = { "imap",	 "smtp",   "oauth2",
					      "council", "store",  "limits" };

static int fixed_section_index(const char *section)
{
	for (size_t i = 0; i < sizeof(fixed_sections) / sizeof(fixed_sections[0]); i++)
		if (strcmp(section, fixed_sections[i]) == 0)
			return (int)i;
	return -1;
}

static int fail(struct parse_state *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A section header is judged on its own line, before any key in it. */
static void check_header(struct parse_state *ps, const char *s)
{
	const char *name;

	if (strncmp(s, "association", 11) == 0 && (s[11] == ' ' || s[11] == '\0')) {
		for (name = s + 11; *name == ' '; name++)
			;
		if (*name == '\0')
			fail(ps, "[association] needs a name: [association FUB Exempelstad]");
	} else if (strncmp(s, "meeting", 7) == 0 && (s[7] == ' ' || s[7] == '\0')) {
		for (name = s + 7; *name == ' '; name++)
			;
		if (!util_valid_date(name))
			fail(ps, "[meeting %s]: the date must be YYYY-MM-DD", name);
	} else if (fixed_section_index(s) < 0) {
		fail(ps, "unknown section [%s]", s);
	}
}

/* Debian's libinih cuts section names at 49 bytes, and association names are
 * often longer ("Autism- och Aspergerföreningen Exempelstad"): the reader
 * keeps each section header's full name and hands libinih a short stand-in,
 * "[@N]", that handler() maps back. */
static char *reader(char *str, int num, void *stream)
{
	struct parse_state *ps = stream;
	char *line = fgets(str, num, ps->file), *p, *end;

	if (line == NULL)
		return NULL;
	ps->line++;
	for (p = line; *p == ' ' || *p == '\t'; p++)
		;
	if (*p == '[') {
		char *name;
		int idx;
		if ((end = strrchr(p, ']')) == NULL) {
			fail(ps, "syntax error (expected [section] or key = value)");
			return line;
		}
		name = xstrndup(p + 1, (size_t)(end - p - 1));
		strlist_push(&ps->section_names, xstrdup(str_trim(name)));
		free(name);
		ps->header_lines = xreallocarray(ps->header_lines, ps->section_names.n,
						 sizeof(*ps->header_lines));
		ps->header_lines[ps->section_names.n - 1] = ps->line;
		idx = fixed_section_index(ps->section_names.v[ps->section_names.n - 1]);
		if (idx >= 0 && ps->section_line[idx] == 0)
			ps->section_line[idx] = ps->line;
		check_header(ps, ps->section_names.v[ps->section_names.n - 1]);
		snprintf(str, (size_t)num, "[@%zu]\n", ps->section_names.n - 1);
	}
	return line;
}

/* The line of the header of section name, or 0. */
static int header_line(const struct parse_state *ps, const char *prefix, const char *name)
{
	size_t plen = strlen(prefix);

	for (size_t i = 0; i < ps->section_names.n; i++) {
		const char *s = ps->section_names.v[i];
		if (strncmp(s, prefix, plen) != 0)
			continue;
		s += plen;
		while (*s == ' ')
			s++;
		if (strcmp(s, name) == 0)
			return ps->header_lines[i];
	}
	return 0;
}

/* Sections that libinih never reported because they hold no key. */
static int check_headers(struct parse_state *ps)
{
	for (size_t i = 0; i < ps->section_names.n; i++) {
		const char *s = ps->section_names.v[i], *name;
		ps->line = ps->header_lines[i];
		if (strncmp(s, "association", 11) == 0 && (s[11] == ' ' || s[11] == '\0')) {
			for (name = s + 11; *name == ' '; name++)
				;
			if (*name == '\0')
				return fail(ps, "[association] needs a name: [association FUB Exempelstad]");
			bool found = false;
			for (size_t k = 0; k < ps->config->n_associations && !found; k++)
				found = strcmp(ps->config->associations[k].name, name) == 0;
			if (!found)
				return fail(ps, "[association %s] needs addresses", name);
		} else if (strncmp(s, "meeting", 7) == 0 && (s[7] == ' ' || s[7] == '\0')) {
			for (name = s + 7; *name == ' '; name++)
				;
			if (!util_valid_date(name))
				return fail(ps, "[meeting %s]: the date must be YYYY-MM-DD", name);
			bool found = false;
			for (size_t k = 0; k < ps->config->n_meetings && !found; k++)
				found = strcmp(ps->config->meetings[k].date, name) == 0;
			if (!found)
				return fail(ps, "[meeting %s] needs a time (HH:MM)", name);
		} else if (fixed_section_index(s) < 0) {
			return fail(ps, "unknown section [%s]", s);
		}
	}
	return 1;
}

static int fail(struct parse_state *ps, const char *fmt, ...)
{
	char what[400];
	va_list ap;

	if (!ps->failed) {
		va_start(ap, fmt);
		vsnprintf(what, sizeof(what), fmt, ap);
		va_end(ap);
		/* a binary file's bytes must not reach the log as they are */
		for (char *p = what; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
		err_set(ps->error, ERR_FATAL, "%s:%d: %s", ps->config->path, ps->line, what);
		ps->failed = true;
	}
	return 0;
}

static bool parse_bool(const char *value, bool *out)
{
	if (str_eq_ci(value, "yes") || str_eq_ci(value, "true") || strcmp(value, "1") == 0 ||
	    str_eq_ci(value, "on")) {
		*out = true;
		return true;
	}
	if (str_eq_ci(value, "no") || str_eq_ci(value, "false") || strcmp(value, "0") == 0 ||
	    str_eq_ci(value, "off")) {
		*out = false;
		return true;
	}
	return false;
}

/* "25M", "512k", "1048576" */
static bool parse_size(const char *value, long *out)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(value, &end, 10);
	if (errno != 0 || end == value || n < 0)
		return false;
	long long unit = 1;
	if (*end == 'k' || *end == 'K')
		unit = 1024, end++;
	else if (*end == 'm' || *end == 'M')
		unit = 1024 * 1024, end++;
	else if (*end == 'g' || *end == 'G')
		unit = 1024LL * 1024 * 1024, end++;
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end != '\0' || n > LONG_MAX / unit)
		return false;
	n *= unit;
	*out = (long)n;
	return true;
}

/* A plain addr-spec check: one @, something on both sides, no blanks or
 * control characters (the value goes into SMTP commands and headers). */
static bool valid_address(const char *s, bool allow_domain_only)
{
	const char *at = strchr(s, '@');

	if (at == NULL || strchr(at + 1, '@') != NULL || at[1] == '\0')
		return false;
	if (at == s && !allow_domain_only)
		return false;
	for (const char *p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == ',' || *p == ';' ||
		    *p == 0x7f)
			return false;
	return true;
}

/* Whether the host part of "host[:port][/path]" is loopback: localhost,
 * 127.0.0.0/8 or [::1]. The client secret may travel in clear only there. */
static bool loopback_host(const char *hostport)
{
	size_t len = strcspn(hostport, "/?#");
	char *host = xstrndup(hostport, len), *colon;
	bool loopback = false;

	if (host[0] == '[') {
		loopback = strncmp(host, "[::1]", 5) == 0 && (host[5] == '\0' || host[5] == ':');
	} else {
		if ((colon = strchr(host, ':')) != NULL)
			*colon = '\0';
		if (str_eq_ci(host, "localhost")) {
			loopback = true;
		} else {
			unsigned a, b, c, d;
			char tail;
			loopback = sscanf(host, "%3u.%3u.%3u.%3u%c", &a, &b, &c, &d, &tail) == 4 &&
				   a == 127 && b < 256 && c < 256 && d < 256 &&
				   strspn(host, "0123456789.") == strlen(host);
		}
	}
	free(host);
	return loopback;
}

static int set_key(struct parse_state *ps, const struct key_def *k, const char *value)
{
	char *base = (char *)ps->config;
	long n;

	switch (k->type) {
	case KEY_STRING: {
		char **field = (char **)(base + k->offset);
		free(*field);
		*field = xstrdup(value);
		return 1;
	}
	case KEY_BOOL:
		if (!parse_bool(value, (bool *)(base + k->offset)))
			return fail(ps, "'%s' in [%s] must be yes or no, not '%s'", k->name,
				    k->section, value);
		return 1;
	case KEY_INT:
	case KEY_SIZE: {
		char *end;
		if (k->type == KEY_SIZE) {
			if (!parse_size(value, &n))
				return fail(ps, "'%s' in [%s] must be a size such as 25M, not '%s'",
					    k->name, k->section, value);
		} else {
			errno = 0;
			n = strtol(value, &end, 10);
			if (errno != 0 || end == value || *end != '\0')
				return fail(ps, "'%s' in [%s] must be a whole number, not '%s'",
					    k->name, k->section, value);
		}
		if (n < k->min || n > k->max)
			return fail(ps, "'%s' in [%s] must be between %ld and %ld", k->name,
				    k->section, k->min, k->max);
		if (k->type == KEY_SIZE)
			*(size_t *)(base + k->offset) = (size_t)n;
		else
			*(int *)(base + k->offset) = (int)n;
		return 1;
	}
	case KEY_AUTH: {
		enum config_auth *field = (enum config_auth *)(base + k->offset);
		if (strcmp(value, "password") == 0)
			*field = CONFIG_AUTH_PASSWORD;
		else if (strcmp(value, "xoauth2") == 0)
			*field = CONFIG_AUTH_XOAUTH2;
		else
			return fail(ps, "'auth' in [%s] must be password or xoauth2, not '%s'",
				    k->section, value);
		return 1;
	}
	}
	return fail(ps, "internal: bad key type");
}

static struct config_association *find_association(struct config *c, const char *name)
{
	for (size_t i = 0; i < c->n_associations; i++)
		if (strcmp(c->associations[i].name, name) == 0)
			return &c->associations[i];
	return NULL;
}

static struct config_meeting *find_meeting(struct config *c, const char *date)
{
	for (size_t i = 0; i < c->n_meetings; i++)
		if (strcmp(c->meetings[i].date, date) == 0)
			return &c->meetings[i];
	return NULL;
}

static int handle_association(struct parse_state *ps, const char *name, const char *key,
			      const char *value)
{
	struct config *c = ps->config;
	struct config_association *a;
	char *list, *tok, *save;

	while (*name == ' ')
		name++;
	if (*name == '\0')
		return fail(ps, "[association] needs a name: [association FUB Exempelstad]");
	if (strcmp(key, "addresses") != 0)
		return fail(ps, "unknown key '%s' in [association %s]", key, name);
	a = find_association(c, name);
	if (a == NULL) {
		c->associations = xreallocarray(c->associations, c->n_associations + 1,
						sizeof(*c->associations));
		a = &c->associations[c->n_associations++];
		memset(a, 0, sizeof(*a));
		a->name = xstrdup(name);
	}
	/* repeated and continuation lines add to the list */
	list = xstrdup(value);
	for (tok = strtok_r(list, ", \t", &save); tok != NULL; tok = strtok_r(NULL, ", \t", &save)) {
		str_lower_ascii(tok);
		if (!valid_address(tok, true)) {
			fail(ps, "'%s' in [association %s] is not an address or @domain", tok, name);
			free(list);
			return 0;
		}
		a->addresses = xreallocarray(a->addresses, a->n_addresses + 1,
					     sizeof(*a->addresses));
		a->addresses[a->n_addresses++] = xstrdup(tok);
	}
	free(list);
	return 1;
}

static int handle_meeting(struct parse_state *ps, const char *date, const char *key,
			  const char *value)
{
	struct config *c = ps->config;
	struct config_meeting *m;

	while (*date == ' ')
		date++;
	if (!util_valid_date(date))
		return fail(ps, "[meeting %s]: the date must be YYYY-MM-DD", date);
	m = find_meeting(c, date);
	if (m == NULL) {
		c->meetings = xreallocarray(c->meetings, c->n_meetings + 1, sizeof(*c->meetings));
		m = &c->meetings[c->n_meetings++];
		memset(m, 0, sizeof(*m));
		snprintf(m->date, sizeof(m->date), "%s", date);
	}
	if (strcmp(key, "time") == 0 || strcmp(key, "end") == 0) {
		if (!util_valid_time(value))
			return fail(ps, "'%s' in [meeting %s] must be HH:MM, not '%s'", key, date,
				    value);
		char **field = strcmp(key, "time") == 0 ? &m->time : &m->end;
		free(*field);
		*field = xstrdup(value);
		return 1;
	}
	if (strcmp(key, "place") == 0) {
		free(m->place);
		m->place = xstrdup(value);
		return 1;
	}
	return fail(ps, "unknown key '%s' in [meeting %s]", key, date);
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse_state *ps = user;
	int idx;

	if (ps->failed)
		return 0;
	if (section[0] == '@') {
		size_t i = (size_t)strtoul(section + 1, NULL, 10);
		if (i < ps->section_names.n)
			section = ps->section_names.v[i];
	}
	if (strncmp(section, "association", 11) == 0 && (section[11] == ' ' || section[11] == '\0'))
		return handle_association(ps, section + 11, name, value);
	if (strncmp(section, "meeting", 7) == 0 && (section[7] == ' ' || section[7] == '\0'))
		return handle_meeting(ps, section + 7, name, value);
	idx = fixed_section_index(section);
	if (idx < 0) {
		if (*section == '\0')
			return fail(ps, "key '%s' outside any section", name);
		return fail(ps, "unknown section [%s]", section);
	}
	for (size_t i = 0; i < N_KEYS; i++) {
		if (strcmp(keys[i].section, section) != 0 || strcmp(keys[i].name, name) != 0)
			continue;
		if (ps->seen[i])
			return fail(ps, "duplicate key '%s' in [%s]", name, section);
		ps->seen[i] = true;
		if (*value == '\0')
			return fail(ps, "empty value for '%s' in [%s]", name, section);
		return set_key(ps, &keys[i], value);
	}
	return fail(ps, "unknown key '%s' in [%s]", name, section);
}

static void set_defaults(struct config *c)
{
	c->imap.starttls = true;
	c->imap.mailbox = xstrdup("INBOX");
	c->imap.poll_interval = 60;
	c->imap.idle = true;
	c->smtp.starttls = true;
	c->council.cutoff_days = 7;
	c->council.draft_days = 5;
	c->council.acknowledge = true;
	c->council.timezone = xstrdup("Europe/Stockholm");
	c->council.retention_days = 365;
	c->limits.max_message_bytes = 25 * 1024 * 1024;
	c->limits.max_mime_depth = 10;
	c->limits.max_mime_parts = 100;
	c->limits.max_questions_per_mail = 20;
	c->limits.max_line_length = 10000;
}

/* Checks that need the whole file: required keys, and keys that depend on
 * each other. Reported at the line of the section (or line 0: the file). */
static int validate(struct parse_state *ps)
{
	struct config *c = ps->config;

	for (size_t i = 0; i < N_KEYS; i++) {
		if (!keys[i].required || ps->seen[i])
			continue;
		int idx = fixed_section_index(keys[i].section);
		ps->line = ps->section_line[idx];
		if (ps->line == 0)
			return fail(ps, "missing section [%s] (it needs '%s')", keys[i].section,
				    keys[i].name);
		return fail(ps, "missing key '%s' in [%s]", keys[i].name, keys[i].section);
	}
	ps->line = ps->section_line[fixed_section_index("imap")];
	if (!str_prefix_ci(c->imap.url, "imap://") && !str_prefix_ci(c->imap.url, "imaps://"))
		return fail(ps, "'url' in [imap] must start with imaps:// or imap://");
	if (c->imap.auth == CONFIG_AUTH_XOAUTH2 || c->smtp.auth == CONFIG_AUTH_XOAUTH2) {
		ps->line = ps->section_line[fixed_section_index("oauth2")];
		if (c->oauth2.token_url == NULL || c->oauth2.client_id == NULL ||
		    c->oauth2.scope == NULL)
			return fail(ps, "auth = xoauth2 needs token_url, client_id and scope in [oauth2]");
		if (!str_prefix_ci(c->oauth2.token_url, "https://") &&
		    !(str_prefix_ci(c->oauth2.token_url, "http://") &&
		      loopback_host(c->oauth2.token_url + 7)))
			return fail(ps, "'token_url' in [oauth2] must be https:// (http only on loopback)");
	}
	ps->line = ps->section_line[fixed_section_index("smtp")];
	if (!str_prefix_ci(c->smtp.url, "smtp://") && !str_prefix_ci(c->smtp.url, "smtps://"))
		return fail(ps, "'url' in [smtp] must start with smtps:// or smtp://");
	if (!valid_address(c->smtp.from, false))
		return fail(ps, "'from' in [smtp] is not a mail address: '%s'", c->smtp.from);
	ps->line = ps->section_line[fixed_section_index("council")];
	if (!valid_address(c->council.secretary, false))
		return fail(ps, "'secretary' in [council] is not a mail address: '%s'",
			    c->council.secretary);
	{
		char zone[PATH_MAX];
		struct stat st;
		if (strstr(c->council.timezone, "..") != NULL ||
		    snprintf(zone, sizeof(zone), "/usr/share/zoneinfo/%s", c->council.timezone) >=
			    (int)sizeof(zone) ||
		    stat(zone, &st) != 0 || !S_ISREG(st.st_mode))
			return fail(ps, "unknown time zone '%s' in [council]", c->council.timezone);
	}
	for (size_t i = 0; i < c->n_meetings; i++) {
		if (c->meetings[i].time == NULL) {
			ps->line = header_line(ps, "meeting", c->meetings[i].date);
			return fail(ps, "[meeting %s] needs a time (HH:MM)", c->meetings[i].date);
		}
	}
	for (size_t i = 0; i < c->n_associations; i++) {
		if (c->associations[i].n_addresses == 0) {
			ps->line = header_line(ps, "association", c->associations[i].name);
			return fail(ps, "[association %s] needs addresses", c->associations[i].name);
		}
	}
	return check_headers(ps);
}

int config_load(const char *path, struct config **config_r, struct error *error_r)
{
	struct parse_state ps = { 0 };
	struct config *c = xcalloc(1, sizeof(*c));
	char real[PATH_MAX], *dir_copy;
	int rc;

	c->path = xstrdup(path);
	dir_copy = xstrdup(realpath(path, real) != NULL ? real : path);
	c->dir = xstrdup(dirname(dir_copy));
	free(dir_copy);
	set_defaults(c);

	ps.config = c;
	ps.error = error_r;
	ps.file = fopen(path, "re");
	if (ps.file == NULL) {
		err_set(error_r, ERR_FATAL, "%s: cannot open: %s", path, strerror(errno));
		config_free(&c);
		return -1;
	}
	{
		struct stat st;
		if (fstat(fileno(ps.file), &st) != 0 || !S_ISREG(st.st_mode)) {
			err_set(error_r, ERR_FATAL, "%s: not a regular file", path);
			fclose(ps.file);
			config_free(&c);
			return -1;
		}
	}
	/* long address lists must not hit libinih's default 200-byte lines */
	ini_use_stack = false;
	ini_allow_realloc = true;
	ini_max_line = 65536;
	ini_allow_multiline = true;
	ini_allow_inline_comments = false; /* ';' may be part of a place or a name */
	rc = ini_parse_stream(reader, &ps, handler, &ps);
	fclose(ps.file);
	if (!ps.failed && rc > 0) {
		ps.line = rc;
		fail(&ps, "syntax error (expected [section] or key = value)");
	} else if (!ps.failed && rc < 0) {
		err_set(error_r, ERR_FATAL, "%s: cannot parse (out of memory or unreadable)", path);
		ps.failed = true;
	}
	if (!ps.failed)
		validate(&ps);
	strlist_free(&ps.section_names);
	free(ps.header_lines);
	if (ps.failed) {
		config_free(&c);
		return -1;
	}
	*config_r = c;
	return 0;
}

void config_free(struct config **config)
{
	struct config *c = *config;

	if (c == NULL)
		return;
	for (size_t i = 0; i < N_KEYS; i++)
		if (keys[i].type == KEY_STRING)
			free(*(char **)((char *)c + keys[i].offset));
	for (size_t i = 0; i < c->n_associations; i++) {
		free(c->associations[i].name);
		for (size_t j = 0; j < c->associations[i].n_addresses; j++)
			free(c->associations[i].addresses[j]);
		free(c->associations[i].addresses);
	}
	free(c->associations);
	for (size_t i = 0; i < c->n_meetings; i++) {
		free(c->meetings[i].time);
		free(c->meetings[i].end);
		free(c->meetings[i].place);
	}
	free(c->meetings);
	free(c->path);
	free(c->dir);
	free(c);
	*config = NULL;
}

int config_read_secret(const struct config *config, const char *name, char **secret_r,
		       struct error *error_r)
{
	const char *creds = getenv("CREDENTIALS_DIRECTORY");
	char *path = NULL, *data;
	struct stat st;
	size_t size;

	if (name == NULL || *name == '\0')
		return err_set(error_r, ERR_FATAL, "no secret file configured");
	if (strchr(name, '/') == NULL && creds != NULL && *creds != '\0') {
		path = xasprintf("%s/%s", creds, name);
		if (access(path, F_OK) != 0) {
			free(path);
			path = NULL;
		}
	}
	if (path == NULL)
		path = name[0] == '/' ? xstrdup(name) : xasprintf("%s/%s", config->dir, name);
	if (stat(path, &st) != 0) {
		err_set(error_r, ERR_FATAL, "secret %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	if ((st.st_mode & S_IROTH) != 0) {
		err_set(error_r, ERR_FATAL,
			"secret %s is readable by others (mode %03o): chmod 0600 it", path,
			(unsigned)(st.st_mode & 0777));
		free(path);
		return -1;
	}
	if (util_read_file(path, SECRET_MAX_BYTES, &data, &size) != 0) {
		err_set(error_r, ERR_FATAL, "secret %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	free(path);
	while (size > 0 && (data[size - 1] == '\n' || data[size - 1] == '\r'))
		data[--size] = '\0';
	if (size == 0 || strlen(data) != size) {
		free(data);
		return err_set(error_r, ERR_FATAL, "secret '%s' is empty or not text", name);
	}
	*secret_r = data;
	return 0;
}

static char *data_path_in(const char *dir, size_t len, const char *name)
{
	char *path;

	if (len == 0)
		return NULL;
	path = xasprintf("%.*s/%s", (int)len, dir, name);
	if (access(path, R_OK) == 0)
		return path;
	free(path);
	return NULL;
}

char *config_data_path(const struct config *config, const char *name)
{
	/* AGENDAD_DATADIR is a colon-separated list, for running from a source
	 * tree (make demo, make test) without installing */
	const char *env = getenv("AGENDAD_DATADIR");
	char *path;

	if (config != NULL && (path = data_path_in(config->dir, strlen(config->dir), name)) != NULL)
		return path;
	for (const char *p = env; p != NULL && *p != '\0';) {
		const char *colon = strchr(p, ':');
		size_t len = colon != NULL ? (size_t)(colon - p) : strlen(p);
		if ((path = data_path_in(p, len, name)) != NULL)
			return path;
		p = colon != NULL ? colon + 1 : NULL;
	}
	return data_path_in(AGENDAD_DATADIR, strlen(AGENDAD_DATADIR), name);
}
