/* imap.c - the IMAP client on libetpan; see include/agendad/imap.h.
 *
 * Rules this file keeps:
 *  1. No credential leaves the process before the server's certificate has
 *     been verified for the host (imap_tls.c), and never over plaintext
 *     unless the configuration says starttls = no for an imap:// URL.
 *  2. Memory is bounded by one message, not by a command or a mailbox:
 *     FETCH responses go through libetpan's per-message handler
 *     (mailimap_set_msg_att_handler), which frees each message as soon as
 *     the callback has seen it; the listing asks for at most max_entries.
 *  3. Many UIDs per command (sets with ranges), because round trips, not
 *     bytes, dominate: one UID FETCH per message is five times slower.
 *  4. After a stream or protocol error the session is "broken": every call
 *     fails with ERR_TEMP and the caller reconnects. A NO to one command
 *     leaves the session usable.
 *  5. Nothing is logged and no secret is put in an error text; server texts
 *     are cut and stripped of control characters before they are quoted.
 *  6. What a server sends is bounded before libetpan sees it. libetpan 1.9.4
 *     (Debian 12) allocates a literal at its announced size ("{2000000000}"
 *     costs 2 GB as the bytes come; newer upstream caps it at 64 MB), reads
 *     a line of any length, and parses a whole answer into memory; and its
 *     60 s read timeout never fires while data keeps coming. So the stream
 *     under libetpan is wrapped in a filter of our own ("the watch", a
 *     mailstream_low driver that forwards everything to the real TLS or
 *     socket one) that runs every byte received through imap_guard_feed()
 *     and fails the read, before the bytes reach libetpan's buffer, at a
 *     literal announced larger than the rest of the budget, a line longer
 *     than IMAP_LINE_MAX, or more than the budget since the last command
 *     (each line counted LINE_COST bytes more): ANSWER_BUDGET, or for a UID
 *     FETCH of bodies twice the RFC822.SIZEs the caller expects plus room
 *     for headers and protocol (imap_fetch). The command then fails with
 *     ERR_TEMP naming the limit, and the session is broken (rule 4). The
 *     filter also ends the stream at the first failed read or end of file:
 *     libetpan retries a read that returned part of a literal (a server
 *     that stalled there cost two timeouts) and, without TLS, reads the end
 *     of file in the middle of a literal again and again for ever. It goes
 *     on reading when a signal interrupts a read (EINTR).
 *     Why a filter and not mailimap_set_logger(), which sees the same bytes
 *     first: a logger cannot stop them, so libetpan would still parse the
 *     line and allocate the literal, and shutting the socket down does not
 *     stop reads of what is already queued. Why not only
 *     mailimap_set_msg_body_handler(): it covers BODY[] literals only, not a
 *     literal in any other place or a line without end.
 *     The cost: a scan of every byte outside literals (literals are skipped
 *     in one step; no measurable time on a fetch), reliance on the layout of
 *     libetpan's public mailstream_low_driver (its own COMPRESS layer is
 *     built the same way), and two ways to refuse a legitimate server: an
 *     answer over ANSWER_BUDGET (untagged news of some 50,000 flag changes
 *     or expunges in answer to one command; the next cycle reconnects and
 *     goes on) and a "{N}" larger than the budget inside quoted text. A server
 *     that bends the syntax so that the scanner and libetpan disagree on
 *     where a literal is can still make libetpan reserve (not fill) the
 *     memory for an announced literal; what it can send stays bounded by
 *     the budget. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agendad/imap.h"
#include "agendad/util.h"
#include "imap_p.h"

#define IMAP_TIMEOUT_S         60 /* one connect, handshake, read or write; not a whole command */
#define LOGOUT_TIMEOUT_S       5
#define FETCH_UIDS_PER_COMMAND 500
#define MARK_UIDS_PER_COMMAND  1000
#define LIST_PER_COMMAND       2000      /* about 100 bytes of response text each */
#define IDLE_TICK_MS           1000      /* how late a stop request may be noticed */
#define IDLE_MAX_S             (29 * 60) /* RFC 2177: re-issue before the server's 30 minutes */
#define SERVER_TEXT_MAX        200
/* rule 6: the longest line (legitimate ones stay far below 64 kB); what a
 * line costs beyond its bytes (libetpan keeps every response of an answer
 * parsed until the tagged one: "* 1 EXPUNGE" becomes some 150 bytes); the
 * answer to a command that fetches no bodies; per message fetched, its FETCH
 * line, UID and INTERNALDATE; per message whose header only is fetched */
#define IMAP_LINE_MAX (1u << 20)
#define LINE_COST     128u
#define ANSWER_BUDGET (8u << 20)
#define BODY_OVERHEAD 4096u
#define HEADER_BUDGET (256u << 10)

/* How the stream under libetpan ended, as the watch saw it (rule 6). */
enum stream_end {
	STREAM_OPEN,
	STREAM_CLOSED,    /* end of file or a read error */
	STREAM_TIMED_OUT, /* nothing for timeout_s */
	STREAM_REFUSED,   /* the guard's verdict */
	STREAM_STOPPED,   /* the process is stopping (util_stopping()) */
};

struct stream_watch {
	struct imap_guard guard;
	enum stream_end end;
	int timeout_s;
};

struct imap_session {
	mailimap *imap;
	struct stream_watch watch; /* outlives the stream, which points to it */
	struct imap_url url;
	bool use_idle; /* the server offers IDLE and cfg->idle is on */
	bool has_move;
	bool has_uidplus;
	bool broken;        /* see rule 4 */
	char *mailbox;      /* selected, modified UTF-7; NULL before imap_select() */
	char *processed_ok; /* processed mailbox (modified UTF-7) known to exist */
};

/* What one FETCH response carried for one message. */
struct msg_fields {
	uint32_t uid;
	uint32_t size;
	time_t internaldate;
	const char *body;
	size_t body_len;
	bool has_body;
};

/* Context of the per-message handler during one listing or fetch command. */
struct fetch_ctx {
	struct imap_session *session;
	/* listing */
	struct imap_entry *entries;
	size_t n_entries;
	size_t max_entries;
	uint32_t after_uid;
	/* fetching */
	const uint32_t *want; /* sorted UIDs of the current command */
	size_t n_want;
	bool header_only;
	uint32_t last_uid;  /* last one delivered: keeps the callback order strict */
	size_t budget_left; /* of what the server may send for the whole imap_fetch() */
	imap_message_cb *cb;
	void *cb_ctx;
	bool cb_failed;
	struct error cb_error;
};

/* libetpan allocates with malloc; out of memory is fatal everywhere (util.h). */
static void *etpan_alloc(void *p)
{
	if (p == NULL)
		abort();
	return p;
}

/* ------------------------------------------------------------------ errors */

/* The server's text of the last tagged response, fit to quote: with its
 * response code ("[AUTHENTICATIONFAILED] ..."), printable, cut. */
static const char *server_text(const struct imap_session *s, char *buf, size_t size)
{
	const mailimap *imap = s->imap;
	const char *atom = NULL, *text = imap->imap_response;
	size_t used = 0;

	if (imap->imap_response_info != NULL)
		atom = imap->imap_response_info->rsp_atom;
	if (text == NULL)
		text = "";
	if (atom != NULL)
		used = (size_t)snprintf(buf, size, "[%.40s] ", atom);
	for (const char *p = text; *p != '\0' && used + 1 < size && used < SERVER_TEXT_MAX; p++)
		buf[used++] = ((unsigned char)*p < 0x20 || *p == 0x7f) ? ' ' : *p;
	buf[used] = '\0';
	if (used == 0)
		snprintf(buf, size, "no reason given");
	return buf;
}

/* RFC 5530 response codes that say "try again later". */
static bool server_says_temporary(const struct imap_session *s)
{
	static const char *const temporary[] = {"UNAVAILABLE", "SERVERBUG", "INUSE",
						"LIMIT",       "OVERQUOTA", "EXPUNGEISSUED"};
	const char *atom = NULL;

	if (s->imap->imap_response_info != NULL)
		atom = s->imap->imap_response_info->rsp_atom;
	if (atom == NULL)
		return false;
	for (size_t i = 0; i < sizeof(temporary) / sizeof(temporary[0]); i++)
		if (str_eq_ci(atom, temporary[i]))
			return true;
	return false;
}

/* Whether r means the conversation itself failed (rule 4), as opposed to
 * a NO to one command. */
static bool is_stream_error(int r)
{
	switch (r) {
	case MAILIMAP_ERROR_STREAM:
	case MAILIMAP_ERROR_PARSE:
	case MAILIMAP_ERROR_FATAL:
	case MAILIMAP_ERROR_PROTOCOL:
	case MAILIMAP_ERROR_BAD_STATE:
	case MAILIMAP_ERROR_CONNECTION_REFUSED:
	case MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION:
	case MAILIMAP_ERROR_SSL:
	case MAILIMAP_ERROR_MEMORY:
	case MAILIMAP_ERROR_NEEDS_MORE_DATA:
		return true;
	default:
		return false;
	}
}

static bool watch_error(const struct imap_session *s, const char *what, struct error *error_r);

/* Turns a libetpan result into error_r: ERR_TEMP for the connection, and for
 * a NO the server's text with kind no_kind (unless its code says temporary). */
static int fail(struct imap_session *s, int r, enum err_kind no_kind, const char *what,
		struct error *error_r)
{
	char text[SERVER_TEXT_MAX + 48];

	if (is_stream_error(r)) {
		s->broken = true;
		if (watch_error(s, what, error_r))
			return -1;
		switch (r) {
		case MAILIMAP_ERROR_FATAL:
		case MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION:
			return err_set(error_r, ERR_TEMP, "%s: %s closed the connection (BYE %s)",
				       what, s->url.host, server_text(s, text, sizeof(text)));
		case MAILIMAP_ERROR_PROTOCOL:
			return err_set(error_r, ERR_TEMP, "%s: %s answered BAD: %s", what,
				       s->url.host, server_text(s, text, sizeof(text)));
		case MAILIMAP_ERROR_PARSE:
			return err_set(error_r, ERR_TEMP, "%s: unreadable response from %s", what,
				       s->url.host);
		default:
			if (s->watch.end == STREAM_CLOSED)
				return err_set(error_r, ERR_TEMP,
					       "%s: the connection to %s was closed or broken",
					       what, s->url.host);
			return err_set(error_r, ERR_TEMP,
				       "%s: connection to %s failed or timed out", what,
				       s->url.host);
		}
	}
	if (server_says_temporary(s))
		no_kind = ERR_TEMP;
	return err_set(error_r, no_kind, "%s: %s says %s", what, s->url.host,
		       server_text(s, text, sizeof(text)));
}

static int check_usable(const struct imap_session *s, bool need_mailbox, struct error *error_r)
{
	if (s->broken)
		return err_set(error_r, ERR_TEMP, "connection to %s was lost; reconnect",
			       s->url.host);
	if (need_mailbox && s->mailbox == NULL)
		return err_set(error_r, ERR_FATAL, "no mailbox selected (a bug)");
	return 0;
}

/* ---------------------------------------------------------- pure helpers */

static bool host_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_';
}

int imap_url_parse(const char *url, struct imap_url *url_r, struct error *error_r)
{
	const char *p, *host, *host_end, *end;
	unsigned char addr[16];
	size_t len;

	memset(url_r, 0, sizeof(*url_r));
	if (url == NULL || *url == '\0')
		return err_set(error_r, ERR_FATAL, "imap url is empty");
	if (str_prefix_ci(url, "imaps://")) {
		url_r->tls = true;
		url_r->port = 993;
		p = url + 8;
	} else if (str_prefix_ci(url, "imap://")) {
		url_r->port = 143;
		p = url + 7;
	} else {
		return err_set(error_r, ERR_FATAL,
			       "imap url '%.100s' must start with imaps:// or imap://", url);
	}
	end = p + strcspn(p, "/?#");
	if (memchr(p, '@', (size_t)(end - p)) != NULL)
		return err_set(error_r, ERR_FATAL,
			       "imap url '%.100s' has a user name in it; use username = instead",
			       url);
	if (*end == '/' && end[1] != '\0')
		return err_set(error_r, ERR_FATAL,
			       "imap url '%.100s' has a path; the mailbox goes in mailbox =", url);
	if (*end == '?' || *end == '#')
		return err_set(error_r, ERR_FATAL, "imap url '%.100s' has a query or fragment",
			       url);
	if (*p == '[') {
		host = p + 1;
		host_end = memchr(host, ']', (size_t)(end - host));
		if (host_end == NULL)
			return err_set(error_r, ERR_FATAL, "imap url '%.100s' lacks the closing ]",
				       url);
		p = host_end + 1;
		len = (size_t)(host_end - host);
		if (len == 0 || len >= INET6_ADDRSTRLEN)
			return err_set(error_r, ERR_FATAL,
				       "imap url '%.100s' has no valid IPv6 address in brackets",
				       url);
		memcpy(url_r->host, host, len);
		url_r->host[len] = '\0';
		if (inet_pton(AF_INET6, url_r->host, addr) != 1)
			return err_set(error_r, ERR_FATAL,
				       "imap url '%.100s' has no valid IPv6 address in brackets",
				       url);
		url_r->host_is_ip = true;
	} else {
		host = p;
		while (p < end && *p != ':')
			p++;
		len = (size_t)(p - host);
		if (p < end && memchr(p + 1, ':', (size_t)(end - p - 1)) != NULL)
			return err_set(error_r, ERR_FATAL,
				       "imap url '%.100s': an IPv6 address goes in brackets", url);
		if (len == 0)
			return err_set(error_r, ERR_FATAL, "imap url '%.100s' has no host", url);
		if (len > IMAP_HOST_MAX)
			return err_set(error_r, ERR_FATAL, "imap url '%.100s': host name too long",
				       url);
		for (size_t i = 0; i < len; i++)
			if (!host_char_ok(host[i]))
				return err_set(error_r, ERR_FATAL,
					       "imap url '%.100s': bad character in the host name",
					       url);
		memcpy(url_r->host, host, len);
		url_r->host[len] = '\0';
		if (inet_pton(AF_INET, url_r->host, addr) == 1)
			url_r->host_is_ip = true;
	}
	if (p < end && *p == ':') {
		unsigned long port = 0;

		p++;
		if (p == end)
			return err_set(error_r, ERR_FATAL, "imap url '%.100s' has an empty port",
				       url);
		for (; p < end; p++) {
			if (*p < '0' || *p > '9')
				return err_set(error_r, ERR_FATAL,
					       "imap url '%.100s' has a bad port", url);
			port = port * 10 + (unsigned long)(*p - '0');
			if (port > 65535)
				break;
		}
		if (port == 0 || port > 65535)
			return err_set(error_r, ERR_FATAL,
				       "imap url '%.100s': port must be 1-65535", url);
		url_r->port = (uint16_t)port;
	}
	if (p != end)
		return err_set(error_r, ERR_FATAL, "imap url '%.100s' is malformed after the host",
			       url);
	return 0;
}

static int uid_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

size_t imap_uids_normalize(uint32_t *uids, size_t n)
{
	size_t out = 0;

	if (n == 0)
		return 0;
	qsort(uids, n, sizeof(*uids), uid_cmp);
	for (size_t i = 0; i < n; i++) {
		if (uids[i] == 0 || (out > 0 && uids[out - 1] == uids[i]))
			continue;
		uids[out++] = uids[i];
	}
	return out;
}

size_t imap_uid_ranges(const uint32_t *uids, size_t n, struct imap_uid_range *ranges_r)
{
	size_t n_ranges = 0;

	for (size_t i = 0; i < n; i++) {
		if (n_ranges > 0 && ranges_r[n_ranges - 1].last != UINT32_MAX &&
		    uids[i] == ranges_r[n_ranges - 1].last + 1) {
			ranges_r[n_ranges - 1].last = uids[i];
			continue;
		}
		ranges_r[n_ranges].first = uids[i];
		ranges_r[n_ranges].last = uids[i];
		n_ranges++;
	}
	return n_ranges;
}

/* One code point from UTF-8 at *p, advancing it; -1 when invalid (overlong,
 * surrogate, beyond U+10FFFF, truncated). */
static long utf8_next(const unsigned char **p)
{
	const unsigned char *s = *p;
	long cp;
	int extra;

	if (s[0] < 0x80) {
		*p = s + 1;
		return s[0];
	} else if ((s[0] & 0xe0) == 0xc0) {
		cp = s[0] & 0x1f;
		extra = 1;
	} else if ((s[0] & 0xf0) == 0xe0) {
		cp = s[0] & 0x0f;
		extra = 2;
	} else if ((s[0] & 0xf8) == 0xf0) {
		cp = s[0] & 0x07;
		extra = 3;
	} else {
		return -1;
	}
	for (int i = 1; i <= extra; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
	    (extra == 3 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*p = s + extra + 1;
	return cp;
}

static void mutf7_flush(struct buf *out, const uint16_t *units, size_t n)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
	uint32_t bits = 0;
	int n_bits = 0;

	buf_append_char(out, '&');
	for (size_t i = 0; i < n; i++) {
		bits = (bits << 16) | units[i];
		n_bits += 16;
		while (n_bits >= 6) {
			n_bits -= 6;
			buf_append_char(out, alphabet[(bits >> n_bits) & 0x3f]);
		}
	}
	if (n_bits > 0)
		buf_append_char(out, alphabet[(bits << (6 - n_bits)) & 0x3f]);
	buf_append_char(out, '-');
}

char *imap_mutf7_encode(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	struct buf out = {0};
	uint16_t *units = xmalloc((strlen(name) + 1) * 2 * sizeof(*units));
	size_t n_units = 0;

	while (*p != '\0') {
		long cp = utf8_next(&p);

		if (cp < 0) {
			free(units);
			buf_free(&out);
			return NULL;
		}
		if (cp >= 0x20 && cp <= 0x7e) {
			if (n_units > 0) {
				mutf7_flush(&out, units, n_units);
				n_units = 0;
			}
			if (cp == '&')
				buf_append_str(&out, "&-");
			else
				buf_append_char(&out, (char)cp);
		} else if (cp >= 0x10000) {
			cp -= 0x10000;
			units[n_units++] = (uint16_t)(0xd800 + (cp >> 10));
			units[n_units++] = (uint16_t)(0xdc00 + (cp & 0x3ff));
		} else {
			units[n_units++] = (uint16_t)cp;
		}
	}
	if (n_units > 0)
		mutf7_flush(&out, units, n_units);
	free(units);
	return buf_steal(&out);
}

time_t imap_date_time_utc(const struct mailimap_date_time *dt)
{
	struct tm tm = {0};
	int zone = dt->dt_zone, sign = 1;
	time_t t;

	if (dt->dt_year < 1970 || dt->dt_year > 9999 || dt->dt_month < 1 || dt->dt_month > 12 ||
	    dt->dt_day < 1 || dt->dt_day > 31 || dt->dt_hour < 0 || dt->dt_hour > 23 ||
	    dt->dt_min < 0 || dt->dt_min > 59 || dt->dt_sec < 0 || dt->dt_sec > 60)
		return (time_t)-1;
	/* libetpan keeps the zone as the digits read: +0130 is 130 */
	if (zone < 0) {
		sign = -1;
		zone = -zone;
	}
	if (zone > 2400 || zone % 100 > 59)
		return (time_t)-1;
	tm.tm_year = dt->dt_year - 1900;
	tm.tm_mon = dt->dt_month - 1;
	tm.tm_mday = dt->dt_day;
	tm.tm_hour = dt->dt_hour;
	tm.tm_min = dt->dt_min;
	tm.tm_sec = dt->dt_sec;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return t;
	return t - sign * ((zone / 100) * 3600 + (zone % 100) * 60);
}

/* Where the scanner is in a literal announcement: "{", digits, "}", spaces,
 * CR, then LF starts the literal. */
enum { GUARD_TEXT, GUARD_OPEN, GUARD_DIGITS, GUARD_CLOSE, GUARD_CR };

void imap_guard_init(struct imap_guard *g, size_t line_max, size_t line_cost, size_t budget)
{
	memset(g, 0, sizeof(*g));
	g->line_max = line_max;
	g->line_cost = line_cost;
	g->budget = budget;
	g->state = GUARD_TEXT;
	g->verdict = IMAP_GUARD_OK;
}

static bool guard_refuse(struct imap_guard *g, enum imap_guard_verdict verdict)
{
	g->verdict = verdict;
	if (verdict == IMAP_GUARD_BUDGET)
		g->left = g->budget;
	return false;
}

/* Byte by byte outside literals, in one step through a literal, so that a
 * fetch costs next to nothing; the budget is charged in byte order, so the
 * verdict does not depend on how reads split the stream. */
bool imap_guard_feed(struct imap_guard *g, const unsigned char *data, size_t len)
{
	const unsigned char *p = data, *end = data + len;

	if (g->verdict != IMAP_GUARD_OK)
		return false;
	while (p < end) {
		unsigned char c;
		size_t cost;

		if (g->literal_left > 0) {
			size_t take = (size_t)(end - p);

			if (take > g->literal_left)
				take = (size_t)g->literal_left;
			if (g->used >= g->budget || take > g->budget - g->used)
				return guard_refuse(g, IMAP_GUARD_BUDGET);
			g->used += take;
			g->literal_left -= take;
			p += take;
			continue;
		}
		c = *p++;
		cost = c == '\n' ? 1 + g->line_cost : 1;
		if (g->used >= g->budget || cost > g->budget - g->used)
			return guard_refuse(g, IMAP_GUARD_BUDGET);
		g->used += cost;
		if (c == '\n') {
			if (g->state == GUARD_CLOSE || g->state == GUARD_CR)
				g->literal_left = g->number;
			g->state = GUARD_TEXT;
			g->line_len = 0;
			continue;
		}
		if (++g->line_len > g->line_max)
			return guard_refuse(g, IMAP_GUARD_LINE);
		switch (g->state) {
		case GUARD_OPEN:
		case GUARD_DIGITS:
			if (c >= '0' && c <= '9') {
				/* saturates: past any budget anyway */
				if (g->number > (UINT64_MAX - 9) / 10)
					g->number = UINT64_MAX;
				else
					g->number = g->number * 10 + (uint64_t)(c - '0');
				g->state = GUARD_DIGITS;
				continue;
			}
			if (c == '}' && g->state == GUARD_DIGITS) {
				size_t left = g->budget - g->used;

				if (g->number > left) {
					g->announced = g->number;
					g->left = left;
					return guard_refuse(g, IMAP_GUARD_LITERAL);
				}
				g->state = GUARD_CLOSE;
				continue;
			}
			break;
		case GUARD_CLOSE:
			if (c == ' ')
				continue;
			if (c == '\r') {
				g->state = GUARD_CR;
				continue;
			}
			break;
		default:
			break;
		}
		g->state = c == '{' ? GUARD_OPEN : GUARD_TEXT;
		g->number = 0;
	}
	return true;
}

/* --------------------------------------------------------------- connect */

/* IMAP_TIMEOUT_S, or less for tests (AGENDAD_TEST_IMAP_TIMEOUT=seconds), so
 * that a test of a stalling server costs seconds, not minutes. */
static int io_timeout(void)
{
	const char *v = getenv("AGENDAD_TEST_IMAP_TIMEOUT");
	int n = v != NULL ? atoi(v) : 0;

	return n > 0 && n < IMAP_TIMEOUT_S ? n : IMAP_TIMEOUT_S;
}

static double now_s(void)
{
	return (double)util_now_ms() / 1e3;
}

/* A connected, blocking TCP socket: libetpan's TLS handshake spins on a
 * non-blocking one, and its reads and writes poll with their own timeout. */
static int tcp_connect(const struct imap_url *url, int *fd_r, struct error *error_r)
{
	struct addrinfo hints = {0}, *res = NULL;
	char port[8];
	int r, saved = ETIMEDOUT;

	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%u", (unsigned int)url->port);
	r = getaddrinfo(url->host, port, &hints, &res);
	if (r != 0)
		return err_set(error_r, ERR_TEMP, "cannot resolve %s: %s", url->host,
			       r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r));
	for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		struct pollfd pfd;
		socklen_t len = sizeof(saved);

		if (fd < 0) {
			saved = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
			if (errno != EINPROGRESS) {
				saved = errno;
				close(fd);
				continue;
			}
			pfd.fd = fd;
			pfd.events = POLLOUT;
			do
				r = poll(&pfd, 1, io_timeout() * 1000);
			while (r < 0 && errno == EINTR && !util_stopping());
			if (r <= 0) {
				saved = r == 0 ? ETIMEDOUT : errno;
				close(fd);
				continue;
			}
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &saved, &len) < 0 || saved != 0) {
				if (saved == 0)
					saved = errno;
				close(fd);
				continue;
			}
		}
		if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
			saved = errno;
			close(fd);
			continue;
		}
		freeaddrinfo(res);
		*fd_r = fd;
		return 0;
	}
	freeaddrinfo(res);
	return err_set(error_r, ERR_TEMP, "cannot connect to %s port %u: %s", url->host,
		       (unsigned int)url->port, strerror(saved));
}

/* ------------------------------------------------------------- the watch */

/* A mailstream_low that forwards to the real one (TLS or socket) and runs
 * what it reads through the session's guard (rule 6). */
struct watched_low {
	mailstream_low *inner;
	struct stream_watch *watch;
};

static ssize_t watched_read(mailstream_low *low, void *buf, size_t count)
{
	struct watched_low *w = low->data;
	struct stream_watch *watch = w->watch;
	time_t timeout = mailstream_low_get_timeout(w->inner);
	double start = now_s();
	ssize_t r;

	/* libetpan reads again after a failed read that still returned part
	 * of a literal: without this, a stalled server costs two timeouts */
	if (watch->end != STREAM_OPEN)
		return -1;
	/* A signal (SIGTERM, SIGHUP; agendad sets no SA_RESTART) cuts the
	 * driver's poll() short with EINTR, which it reports like a dead
	 * connection. A SIGHUP is acted on after the command, so the read goes
	 * on (each retry may wait a whole timeout again); a stop ends the
	 * command at once, as a lost connection would, rather than after a
	 * stalled server's timeout. errno is cleared first because the drivers
	 * return -1 for a timeout without setting it. */
	do {
		errno = 0;
		r = mailstream_low_read(w->inner, buf, count);
	} while (r < 0 && errno == EINTR && !util_stopping() && now_s() - start < (double)timeout);
	if (r < 0 && errno == EINTR && util_stopping()) {
		watch->end = STREAM_STOPPED;
		return -1;
	}
	if (r <= 0) {
		/* the drivers say -1 for a timeout and an error, 0 (or -1) for
		 * the end of the stream, which libetpan would read again and
		 * again in the middle of a literal; a read that took its whole
		 * timeout timed out */
		if (r < 0 && timeout > 0 && now_s() - start >= (double)timeout - 0.5) {
			watch->end = STREAM_TIMED_OUT;
			watch->timeout_s = (int)timeout;
		} else {
			watch->end = STREAM_CLOSED;
		}
		return -1;
	}
	if (!imap_guard_feed(&watch->guard, buf, (size_t)r)) {
		watch->end = STREAM_REFUSED;
		/* tells the server at once; the socket is closed with the session */
		shutdown(mailstream_low_get_fd(w->inner), SHUT_RDWR);
		return -1;
	}
	return r;
}

static ssize_t watched_write(mailstream_low *low, const void *buf, size_t count)
{
	struct watched_low *w = low->data;
	time_t timeout = mailstream_low_get_timeout(w->inner);
	double start = now_s();
	ssize_t r;

	if (w->watch->end != STREAM_OPEN)
		return -1;
	/* a command (or the rest of one) goes out: the budget is for its answer */
	w->watch->guard.used = 0;
	/* as in watched_read; -1 means nothing was written */
	do {
		errno = 0;
		r = mailstream_low_write(w->inner, buf, count);
	} while (r == -1 && errno == EINTR && !util_stopping() && now_s() - start < (double)timeout);
	if (r == -1 && errno == EINTR && util_stopping())
		w->watch->end = STREAM_STOPPED;
	return r;
}

static int watched_close(mailstream_low *low)
{
	return mailstream_low_close(((struct watched_low *)low->data)->inner);
}

static int watched_get_fd(mailstream_low *low)
{
	return mailstream_low_get_fd(((struct watched_low *)low->data)->inner);
}

/* Like the other drivers, frees low itself; mailstream_low_free() has freed
 * its identifier. */
static void watched_free(mailstream_low *low)
{
	struct watched_low *w = low->data;

	mailstream_low_free(w->inner);
	free(w);
	free(low);
}

static void watched_cancel(mailstream_low *low)
{
	mailstream_low_cancel(((struct watched_low *)low->data)->inner);
}

static struct mailstream_cancel *watched_get_cancel(mailstream_low *low)
{
	return mailstream_low_get_cancel(((struct watched_low *)low->data)->inner);
}

static carray *watched_get_certificate_chain(mailstream_low *low)
{
	return mailstream_low_get_certificate_chain(((struct watched_low *)low->data)->inner);
}

static int watched_setup_idle(mailstream_low *low)
{
	return mailstream_low_setup_idle(((struct watched_low *)low->data)->inner);
}

static int watched_unsetup_idle(mailstream_low *low)
{
	return mailstream_low_unsetup_idle(((struct watched_low *)low->data)->inner);
}

static int watched_interrupt_idle(mailstream_low *low)
{
	return mailstream_low_interrupt_idle(((struct watched_low *)low->data)->inner);
}

static mailstream_low_driver watched_driver = {
    .mailstream_read = watched_read,
    .mailstream_write = watched_write,
    .mailstream_close = watched_close,
    .mailstream_get_fd = watched_get_fd,
    .mailstream_free = watched_free,
    .mailstream_cancel = watched_cancel,
    .mailstream_get_cancel = watched_get_cancel,
    .mailstream_get_certificate_chain = watched_get_certificate_chain,
    .mailstream_setup_idle = watched_setup_idle,
    .mailstream_unsetup_idle = watched_unsetup_idle,
    .mailstream_interrupt_idle = watched_interrupt_idle,
};

/* Puts the watch under stream, once: at connect, and again after STARTTLS,
 * which replaces the stream's low layer with a new one. */
static void watch_stream(struct imap_session *s, mailstream *stream)
{
	mailstream_low *low = mailstream_get_low(stream);
	struct watched_low *w;

	if (low->driver == &watched_driver)
		return;
	w = xmalloc(sizeof(*w));
	w->inner = low;
	w->watch = &s->watch;
	mailstream_set_low(stream, etpan_alloc(mailstream_low_new(w, &watched_driver)));
}

/* The read timeout lives in the real low layer, under the watch. */
static void stream_set_timeout(mailstream *stream, time_t timeout_s)
{
	mailstream_low *low = mailstream_get_low(stream);

	if (low->driver == &watched_driver)
		low = ((struct watched_low *)low->data)->inner;
	mailstream_low_set_timeout(low, timeout_s);
}

/* The watch's account of why the stream failed, when it has a better one
 * than libetpan's error code: a limit passed, or a timeout. */
static bool watch_error(const struct imap_session *s, const char *what, struct error *error_r)
{
	const struct imap_guard *g = &s->watch.guard;

	switch (s->watch.end) {
	case STREAM_REFUSED:
		switch (g->verdict) {
		case IMAP_GUARD_LITERAL:
			err_set(error_r, ERR_TEMP,
				"%s: %s announced a %llu-byte literal, more than the %zu bytes "
				"left for this answer; connection dropped",
				what, s->url.host, (unsigned long long)g->announced, g->left);
			break;
		case IMAP_GUARD_LINE:
			err_set(error_r, ERR_TEMP,
				"%s: %s sent a line longer than %zu bytes; connection dropped",
				what, s->url.host, g->line_max);
			break;
		default:
			err_set(error_r, ERR_TEMP,
				"%s: %s sent more than one answer may hold (%zu bytes, each line "
				"counted %zu more); connection dropped",
				what, s->url.host, g->left, g->line_cost);
			break;
		}
		return true;
	case STREAM_TIMED_OUT:
		err_set(error_r, ERR_TEMP, "%s: %s sent nothing for %d s (timed out)", what,
			s->url.host, s->watch.timeout_s);
		return true;
	case STREAM_STOPPED:
		err_set(error_r, ERR_TEMP, "%s: interrupted, agendad is stopping", what);
		return true;
	default:
		return false;
	}
}

static int open_stream(struct imap_session *s, int fd, struct error *error_r)
{
	mailstream *stream;
	char text[SERVER_TEXT_MAX + 48];
	int r;

	if (s->url.tls)
		stream = mailstream_ssl_open_with_callback_timeout(
		    fd, io_timeout(), imap_tls_set_sni, s->url.host_is_ip ? NULL : s->url.host);
	else
		stream = mailstream_socket_open_timeout(fd, io_timeout());
	if (stream == NULL) {
		close(fd);
		if (s->url.tls)
			return err_set(error_r, ERR_TEMP,
				       "TLS handshake with %s port %u failed or timed out (is it "
				       "an imaps port?)",
				       s->url.host, (unsigned int)s->url.port);
		return err_set(error_r, ERR_TEMP, "cannot set up a stream to %s", s->url.host);
	}
	watch_stream(s, stream);
	r = mailimap_connect(s->imap, stream);
	if (r == MAILIMAP_NO_ERROR_AUTHENTICATED || r == MAILIMAP_NO_ERROR_NON_AUTHENTICATED)
		return r;
	s->broken = true;
	if (r == MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION)
		return err_set(error_r, ERR_TEMP, "%s refuses the connection: %s", s->url.host,
			       server_text(s, text, sizeof(text)));
	if (watch_error(s, "greeting", error_r))
		return -1;
	return err_set(error_r, ERR_TEMP, "no IMAP greeting from %s port %u", s->url.host,
		       (unsigned int)s->url.port);
}

static int start_tls(struct imap_session *s, struct error *error_r)
{
	char text[SERVER_TEXT_MAX + 48];
	int r;

	r = mailimap_socket_starttls_with_callback(s->imap, imap_tls_set_sni,
						   s->url.host_is_ip ? NULL : s->url.host);
	/* Bytes after the STARTTLS response and before the handshake were sent
	 * in plaintext by whoever sits in the path (CVE-2020-15953). Debian's
	 * libetpan refuses them with MAILIMAP_ERROR_STARTTLS, upstream 1.9.4
	 * does not notice: check either way. */
	if ((r == MAILIMAP_NO_ERROR || r == MAILIMAP_ERROR_STARTTLS) &&
	    s->imap->imap_stream->read_buffer_len != 0) {
		s->broken = true;
		return err_set(error_r, ERR_FATAL,
			       "%s sent data in plaintext right after agreeing to STARTTLS; "
			       "refusing (a sign of tampering)",
			       s->url.host);
	}
	if (r == MAILIMAP_ERROR_STARTTLS) {
		s->broken = true;
		return err_set(error_r, ERR_FATAL,
			       "%s refuses STARTTLS (%s); use imaps:// or fix the server",
			       s->url.host, server_text(s, text, sizeof(text)));
	}
	if (r != MAILIMAP_NO_ERROR) {
		s->broken = true;
		if (watch_error(s, "STARTTLS", error_r))
			return -1;
		return err_set(error_r, ERR_TEMP, "STARTTLS with %s failed", s->url.host);
	}
	watch_stream(s, s->imap->imap_stream);
	return 0;
}

static int authenticate(struct imap_session *s, const struct imap_credentials *cred,
			struct error *error_r)
{
	char what[300];
	int r;

	if (cred->username == NULL || *cred->username == '\0')
		return err_set(error_r, ERR_FATAL, "no IMAP user name configured");
	if (cred->access_token != NULL) {
		if (!mailimap_has_authentication(s->imap, "XOAUTH2"))
			return err_set(error_r, ERR_FATAL,
				       "%s does not offer AUTH=XOAUTH2 (auth = xoauth2)",
				       s->url.host);
		snprintf(what, sizeof(what), "XOAUTH2 login as %.200s", cred->username);
		r = mailimap_oauth2_authenticate(s->imap, cred->username, cred->access_token);
	} else if (cred->password != NULL) {
		if (mailimap_has_extension(s->imap, "LOGINDISABLED"))
			return err_set(error_r, ERR_FATAL,
				       "%s does not allow LOGIN on this connection "
				       "(LOGINDISABLED); use imaps:// or STARTTLS",
				       s->url.host);
		snprintf(what, sizeof(what), "login as %.200s", cred->username);
		r = mailimap_login(s->imap, cred->username, cred->password);
	} else {
		return err_set(error_r, ERR_FATAL, "no IMAP password or access token");
	}
	if (r != MAILIMAP_NO_ERROR)
		return fail(s, r, ERR_FATAL, what, error_r);
	return 0;
}

static int read_capabilities(struct imap_session *s, struct error *error_r)
{
	struct mailimap_capability_data *caps = NULL;
	int r = mailimap_capability(s->imap, &caps);

	if (r != MAILIMAP_NO_ERROR)
		return fail(s, r, ERR_TEMP, "CAPABILITY", error_r);
	mailimap_capability_data_free(caps);
	return 0;
}

int imap_open(const struct config_imap *cfg, const struct imap_credentials *cred,
	      struct imap_session **session_r, struct error *error_r)
{
	struct imap_session *s = xcalloc(1, sizeof(*s));
	int fd = -1, r;

	*session_r = NULL;
	if (imap_url_parse(cfg->url, &s->url, error_r) < 0)
		goto fail;
	imap_guard_init(&s->watch.guard, IMAP_LINE_MAX, LINE_COST, ANSWER_BUDGET);
	s->imap = etpan_alloc(mailimap_new(0, NULL));
	mailimap_set_timeout(s->imap, io_timeout());
	if (tcp_connect(&s->url, &fd, error_r) < 0)
		goto fail;
	r = open_stream(s, fd, error_r);
	if (r < 0)
		goto fail;
	if (!s->url.tls && cfg->starttls) {
		/* PREAUTH before STARTTLS would leave the session in plaintext */
		if (r == MAILIMAP_NO_ERROR_AUTHENTICATED) {
			s->broken = true;
			err_set(error_r, ERR_FATAL,
				"%s sent PREAUTH before STARTTLS; refusing a plaintext session",
				s->url.host);
			goto fail;
		}
		if (start_tls(s, error_r) < 0)
			goto fail;
	}
	if (s->url.tls || cfg->starttls) {
		if (imap_tls_verify_stream(s->imap->imap_stream, s->url.host, cfg->ca_file,
					   error_r) < 0) {
			s->broken = true;
			goto fail;
		}
		/* capabilities seen before TLS may have been forged */
		if (read_capabilities(s, error_r) < 0)
			goto fail;
	} else if (s->imap->imap_connection_info == NULL ||
		   s->imap->imap_connection_info->imap_capability == NULL) {
		if (read_capabilities(s, error_r) < 0)
			goto fail;
	}
	if (r == MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
		if (authenticate(s, cred, error_r) < 0)
			goto fail;
		/* the login response may or may not have carried them */
		if (read_capabilities(s, error_r) < 0)
			goto fail;
	}
	s->use_idle = cfg->idle && mailimap_has_idle(s->imap);
	s->has_move = mailimap_has_extension(s->imap, "MOVE");
	s->has_uidplus = mailimap_has_uidplus(s->imap);
	*session_r = s;
	return 0;
fail:
	imap_close(&s);
	return -1;
}

void imap_close(struct imap_session **session)
{
	struct imap_session *s = *session;

	if (s == NULL)
		return;
	if (s->imap != NULL) {
		mailstream *stream = s->imap->imap_stream;

		if (stream != NULL && s->broken) {
			mailstream_close(stream);
			s->imap->imap_stream = NULL;
		} else if (stream != NULL) {
			/* best effort: a dead server must not hold up a shutdown */
			stream_set_timeout(stream, LOGOUT_TIMEOUT_S);
			mailimap_logout(s->imap);
		}
		mailimap_free(s->imap);
	}
	free(s->mailbox);
	free(s->processed_ok);
	free(s);
	*session = NULL;
}

/* ---------------------------------------------------------------- select */

static char *mailbox_name(const char *name, const char *key, struct error *error_r)
{
	char *encoded;

	if (name == NULL || *name == '\0') {
		err_set(error_r, ERR_FATAL, "%s is empty", key);
		return NULL;
	}
	encoded = imap_mutf7_encode(name);
	if (encoded == NULL)
		err_set(error_r, ERR_FATAL, "%s '%.100s' is not valid UTF-8", key, name);
	return encoded;
}

int imap_select(struct imap_session *s, const char *mailbox, uint32_t *uidvalidity_r,
		struct error *error_r)
{
	struct mailimap_selection_info *sel;
	char what[300];
	char *name;
	int r;

	if (check_usable(s, false, error_r) < 0)
		return -1;
	name = mailbox_name(mailbox, "mailbox", error_r);
	if (name == NULL)
		return -1;
	free(s->mailbox);
	s->mailbox = NULL;
	snprintf(what, sizeof(what), "SELECT %.200s", mailbox);
	r = mailimap_select(s->imap, name);
	if (r != MAILIMAP_NO_ERROR) {
		free(name);
		/* a mailbox that does not exist or may not be opened is configuration */
		return fail(s, r, ERR_FATAL, what, error_r);
	}
	sel = s->imap->imap_selection_info;
	if (sel == NULL || sel->sel_uidvalidity == 0) {
		free(name);
		s->broken = true;
		return err_set(error_r, ERR_TEMP, "%s: %s sent no UIDVALIDITY", what, s->url.host);
	}
	if (sel->sel_perm == MAILIMAP_MAILBOX_READONLY) {
		free(name);
		return err_set(error_r, ERR_FATAL,
			       "%s: %s opened it read-only; imported mail could not be marked",
			       what, s->url.host);
	}
	s->mailbox = name;
	*uidvalidity_r = sel->sel_uidvalidity;
	return 0;
}

/* ------------------------------------------------------ list and fetch */

static void msg_fields(const struct mailimap_msg_att *att, struct msg_fields *f)
{
	memset(f, 0, sizeof(*f));
	f->internaldate = (time_t)-1;
	for (clistiter *it = clist_begin(att->att_list); it != NULL; it = clist_next(it)) {
		const struct mailimap_msg_att_item *item = clist_content(it);
		const struct mailimap_msg_att_static *st;

		if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC ||
		    item->att_data.att_static == NULL)
			continue;
		st = item->att_data.att_static;
		switch (st->att_type) {
		case MAILIMAP_MSG_ATT_UID:
			f->uid = st->att_data.att_uid;
			break;
		case MAILIMAP_MSG_ATT_RFC822_SIZE:
			f->size = st->att_data.att_rfc822_size;
			break;
		case MAILIMAP_MSG_ATT_INTERNALDATE:
			if (st->att_data.att_internal_date != NULL)
				f->internaldate =
				    imap_date_time_utc(st->att_data.att_internal_date);
			break;
		case MAILIMAP_MSG_ATT_BODY_SECTION:
			if (st->att_data.att_body_section != NULL) {
				f->body = st->att_data.att_body_section->sec_body_part;
				f->body_len = st->att_data.att_body_section->sec_length;
				f->has_body = f->body != NULL;
			}
			break;
		default:
			break;
		}
	}
}

static void no_progress(size_t current, size_t maximum, void *ctx)
{
	(void)current;
	(void)maximum;
	(void)ctx;
}

/* libetpan calls the message handler only when a progress function is set. */
static void set_handler(struct imap_session *s, mailimap_msg_att_handler *handler, void *ctx)
{
	mailimap_set_msg_att_handler(s->imap, handler, ctx);
	mailimap_set_progress_callback(s->imap, NULL, handler != NULL ? no_progress : NULL, NULL);
}

static void list_handler(struct mailimap_msg_att *att, void *context)
{
	struct fetch_ctx *ctx = context;
	struct msg_fields f;

	msg_fields(att, &f);
	/* unsolicited FETCH (another client's flag change) carries no UID */
	if (f.uid == 0 || f.uid <= ctx->after_uid || ctx->n_entries == ctx->max_entries)
		return;
	ctx->entries[ctx->n_entries].uid = f.uid;
	ctx->entries[ctx->n_entries].size = f.size;
	ctx->entries[ctx->n_entries].internaldate =
	    f.internaldate == (time_t)-1 ? 0 : f.internaldate;
	ctx->n_entries++;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct imap_entry *x = a, *y = b;

	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

static struct mailimap_fetch_type *fetch_type(struct mailimap_fetch_att *const *atts, size_t n)
{
	struct mailimap_fetch_type *type =
	    etpan_alloc(mailimap_fetch_type_new_fetch_att_list_empty());

	for (size_t i = 0; i < n; i++)
		if (mailimap_fetch_type_new_fetch_att_list_add(type, atts[i]) != MAILIMAP_NO_ERROR)
			abort();
	return type;
}

/* The UIDs of messages first..last (sequence numbers, at most a few). A
 * non-UID FETCH is used on purpose: the server may not send EXPUNGE during
 * it (RFC 3501 7.4.1), so sequence numbers hold still for the whole search. */
static int uids_by_seq(struct imap_session *s, uint32_t first, uint32_t last, uint32_t *uids_r,
		       struct error *error_r)
{
	struct mailimap_fetch_att *att = etpan_alloc(mailimap_fetch_att_new_uid());
	struct mailimap_fetch_type *type = fetch_type(&att, 1);
	struct mailimap_set *set = etpan_alloc(mailimap_set_new_interval(first, last));
	clist *result = NULL;
	int r;

	memset(uids_r, 0, (last - first + 1) * sizeof(*uids_r));
	r = mailimap_fetch(s->imap, set, type, &result);
	mailimap_fetch_type_free(type);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		return fail(s, r, ERR_TEMP, "FETCH (UID)", error_r);
	for (clistiter *it = clist_begin(result); it != NULL; it = clist_next(it)) {
		const struct mailimap_msg_att *msg = clist_content(it);
		struct msg_fields f;

		msg_fields(msg, &f);
		if (msg->att_number >= first && msg->att_number <= last && f.uid != 0)
			uids_r[msg->att_number - first] = f.uid;
	}
	mailimap_fetch_list_free(result);
	for (uint32_t seq = first; seq <= last; seq++)
		if (uids_r[seq - first] == 0) {
			s->broken = true;
			return err_set(error_r, ERR_TEMP, "%s did not report the UID of message %u",
				       s->url.host, seq);
		}
	return 0;
}

/* The sequence number of the first message with a UID above after_uid, given
 * that message number exists has max_uid > after_uid. The first probe assumes
 * the UIDs above after_uid have no gaps, which is what a fresh mailbox and
 * the steady state look like: one round trip. Otherwise a binary search. */
static int first_seq_above(struct imap_session *s, uint32_t exists, uint32_t max_uid,
			   uint32_t after_uid, uint32_t *seq_r, struct error *error_r)
{
	uint32_t lo = 1, hi = exists, pair[2], guess;

	if (max_uid - after_uid >= exists)
		guess = 1;
	else
		guess = exists - (max_uid - after_uid) + 1;
	if (guess == 1) {
		if (uids_by_seq(s, 1, 1, pair, error_r) < 0)
			return -1;
		if (pair[0] > after_uid) {
			*seq_r = 1;
			return 0;
		}
		lo = 2;
	} else {
		if (uids_by_seq(s, guess - 1, guess, pair, error_r) < 0)
			return -1;
		if (pair[0] <= after_uid && pair[1] > after_uid) {
			*seq_r = guess;
			return 0;
		}
		if (pair[1] <= after_uid)
			lo = guess + 1;
		else
			hi = guess - 1;
	}
	/* invariant: the answer is in [lo, hi] */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (uids_by_seq(s, mid, mid, pair, error_r) < 0)
			return -1;
		if (pair[0] > after_uid)
			hi = mid;
		else
			lo = mid + 1;
	}
	*seq_r = lo;
	return 0;
}

int imap_list_new(struct imap_session *s, uint32_t after_uid, size_t max_entries,
		  struct imap_entry **entries_r, size_t *n_r, struct error *error_r)
{
	struct mailimap_selection_info *sel;
	struct fetch_ctx ctx = {.session = s, .after_uid = after_uid};
	uint32_t exists, max_uid, seq;
	int r;

	*entries_r = NULL;
	*n_r = 0;
	if (check_usable(s, true, error_r) < 0)
		return -1;
	/* NOOP brings in EXISTS and EXPUNGE news; after it the numbering holds
	 * still until our next UID command (see uids_by_seq) */
	r = mailimap_noop(s->imap);
	if (r != MAILIMAP_NO_ERROR)
		return fail(s, r, ERR_TEMP, "NOOP", error_r);
	sel = s->imap->imap_selection_info;
	/* news from here on is for imap_wait() to report */
	sel->sel_has_exists = 0;
	sel->sel_has_recent = 0;
	exists = sel->sel_exists;
	if (exists == 0 || max_entries == 0 || after_uid == UINT32_MAX)
		return 0;
	if (uids_by_seq(s, exists, exists, &max_uid, error_r) < 0)
		return -1;
	if (max_uid <= after_uid)
		return 0;
	if (first_seq_above(s, exists, max_uid, after_uid, &seq, error_r) < 0)
		return -1;
	if (max_entries > exists - seq + 1)
		max_entries = exists - seq + 1;
	ctx.entries = xcalloc(max_entries, sizeof(*ctx.entries));
	ctx.max_entries = max_entries;
	set_handler(s, list_handler, &ctx);
	while (ctx.n_entries < max_entries && seq <= exists) {
		struct mailimap_fetch_att *atts[3] = {
		    etpan_alloc(mailimap_fetch_att_new_uid()),
		    etpan_alloc(mailimap_fetch_att_new_rfc822_size()),
		    etpan_alloc(mailimap_fetch_att_new_internaldate()),
		};
		struct mailimap_fetch_type *type = fetch_type(atts, 3);
		size_t want = max_entries - ctx.n_entries;
		uint32_t last;
		struct mailimap_set *set;
		clist *result = NULL;

		if (want > LIST_PER_COMMAND)
			want = LIST_PER_COMMAND;
		last = exists - seq + 1 > want ? seq + (uint32_t)want - 1 : exists;
		set = etpan_alloc(mailimap_set_new_interval(seq, last));
		r = mailimap_fetch(s->imap, set, type, &result);
		mailimap_fetch_type_free(type);
		mailimap_set_free(set);
		if (result != NULL)
			mailimap_fetch_list_free(result);
		if (r != MAILIMAP_NO_ERROR) {
			set_handler(s, NULL, NULL);
			free(ctx.entries);
			return fail(s, r, ERR_TEMP, "FETCH (UID RFC822.SIZE INTERNALDATE)",
				    error_r);
		}
		if (last == exists)
			break;
		seq = last + 1;
	}
	set_handler(s, NULL, NULL);
	/* sequence order is UID order; sort anyway, a server owes us nothing */
	qsort(ctx.entries, ctx.n_entries, sizeof(*ctx.entries), entry_cmp);
	*n_r = 0;
	for (size_t i = 0; i < ctx.n_entries; i++)
		if (*n_r == 0 || ctx.entries[*n_r - 1].uid != ctx.entries[i].uid)
			ctx.entries[(*n_r)++] = ctx.entries[i];
	if (*n_r == 0) {
		free(ctx.entries);
		return 0;
	}
	*entries_r = ctx.entries;
	return 0;
}

static bool uid_wanted(const struct fetch_ctx *ctx, uint32_t uid)
{
	const uint32_t *found = bsearch(&uid, ctx->want, ctx->n_want, sizeof(uid), uid_cmp);

	return found != NULL;
}

static void body_handler(struct mailimap_msg_att *att, void *context)
{
	struct fetch_ctx *ctx = context;
	struct imap_message message;
	struct msg_fields f;

	if (ctx->cb_failed)
		return;
	msg_fields(att, &f);
	if (f.uid == 0 || !f.has_body || f.uid <= ctx->last_uid || !uid_wanted(ctx, f.uid))
		return;
	ctx->last_uid = f.uid;
	message.uid = f.uid;
	message.internaldate = f.internaldate == (time_t)-1 ? 0 : f.internaldate;
	message.raw = (const unsigned char *)f.body;
	message.size = f.body_len;
	message.header_only = ctx->header_only;
	err_clear(&ctx->cb_error);
	if (ctx->cb(ctx->cb_ctx, &message, &ctx->cb_error) < 0)
		ctx->cb_failed = true;
}

static struct mailimap_set *uid_set(const uint32_t *uids, size_t n)
{
	struct imap_uid_range *ranges = xcalloc(n, sizeof(*ranges));
	size_t n_ranges = imap_uid_ranges(uids, n, ranges);
	struct mailimap_set *set = etpan_alloc(mailimap_set_new_empty());

	for (size_t i = 0; i < n_ranges; i++)
		if (mailimap_set_add_interval(set, ranges[i].first, ranges[i].last) !=
		    MAILIMAP_NO_ERROR)
			abort();
	free(ranges);
	return set;
}

/* One UID FETCH of BODY.PEEK[] (or [HEADER]) for sorted uids. */
static int fetch_run(struct fetch_ctx *ctx, const uint32_t *uids, size_t n, bool header_only,
		     struct error *error_r)
{
	struct imap_session *s = ctx->session;
	struct mailimap_section *section =
	    etpan_alloc(header_only ? mailimap_section_new_header() : mailimap_section_new(NULL));
	struct mailimap_fetch_att *atts[3] = {
	    etpan_alloc(mailimap_fetch_att_new_uid()),
	    etpan_alloc(mailimap_fetch_att_new_internaldate()),
	    etpan_alloc(mailimap_fetch_att_new_body_peek_section(section)),
	};
	struct mailimap_fetch_type *type = fetch_type(atts, 3);
	struct mailimap_set *set = uid_set(uids, n);
	clist *result = NULL;
	size_t used;
	int r;

	ctx->want = uids;
	ctx->n_want = n;
	ctx->header_only = header_only;
	set_handler(s, body_handler, ctx);
	s->watch.guard.budget = ctx->budget_left;
	r = mailimap_uid_fetch(s->imap, set, type, &result);
	used = s->watch.guard.used;
	ctx->budget_left -= used < ctx->budget_left ? used : ctx->budget_left;
	s->watch.guard.budget = ANSWER_BUDGET;
	set_handler(s, NULL, NULL);
	mailimap_fetch_type_free(type);
	mailimap_set_free(set);
	if (result != NULL)
		mailimap_fetch_list_free(result);
	if (ctx->cb_failed) {
		*error_r = ctx->cb_error;
		if (r != MAILIMAP_NO_ERROR && is_stream_error(r))
			s->broken = true;
		return -1;
	}
	if (r != MAILIMAP_NO_ERROR)
		return fail(s, r, ERR_TEMP,
			    header_only ? "UID FETCH BODY.PEEK[HEADER]" : "UID FETCH BODY.PEEK[]",
			    error_r);
	return 0;
}

int imap_fetch(struct imap_session *s, const uint32_t *uids, size_t n_uids,
	       const uint32_t *header_only, size_t n_header_only, size_t expected_bytes,
	       imap_message_cb *cb, void *ctx, struct error *error_r)
{
	struct fetch_ctx fctx = {.session = s, .cb = cb, .cb_ctx = ctx};
	uint32_t *all, *heads;
	size_t n_all, n_heads, start = 0;
	uint64_t budget;
	int ret = 0;

	if (check_usable(s, true, error_r) < 0)
		return -1;
	if (n_uids + n_header_only == 0)
		return 0;
	all = xmalloc((n_uids + n_header_only) * sizeof(*all));
	if (n_uids > 0)
		memcpy(all, uids, n_uids * sizeof(*all));
	if (n_header_only > 0)
		memcpy(all + n_uids, header_only, n_header_only * sizeof(*all));
	n_all = imap_uids_normalize(all, n_uids + n_header_only);
	heads = xmalloc((n_header_only + 1) * sizeof(*heads));
	if (n_header_only > 0)
		memcpy(heads, header_only, n_header_only * sizeof(*heads));
	n_heads = imap_uids_normalize(heads, n_header_only);
	/* rule 6: twice RFC822.SIZE, since some servers (Exchange) report an
	 * estimate and the body comes larger, and ANSWER_BUDGET for untagged
	 * news; for all commands of this call together */
	budget = ANSWER_BUDGET + 2 * (uint64_t)expected_bytes +
		 (uint64_t)(n_all - n_heads) * BODY_OVERHEAD + (uint64_t)n_heads * HEADER_BUDGET;
	fctx.budget_left = budget > SIZE_MAX ? SIZE_MAX : (size_t)budget;
	/* Runs of the same kind, in UID order, so that the callback sees UID
	 * order across BODY[] and BODY[HEADER] commands alike. */
	while (start < n_all) {
		bool head = bsearch(&all[start], heads, n_heads, sizeof(*heads), uid_cmp) != NULL;
		size_t end = start + 1;

		while (end < n_all && end - start < FETCH_UIDS_PER_COMMAND &&
		       (bsearch(&all[end], heads, n_heads, sizeof(*heads), uid_cmp) != NULL) ==
			   head)
			end++;
		if (fetch_run(&fctx, all + start, end - start, head, error_r) < 0) {
			ret = -1;
			break;
		}
		start = end;
	}
	free(all);
	free(heads);
	return ret;
}

/* ------------------------------------------------------------------ mark */

/* Creates the processed mailbox unless it exists; once per session. */
static int ensure_mailbox(struct imap_session *s, const char *name, const char *shown,
			  struct error *error_r)
{
	clist *list = NULL;
	bool found = false;
	char what[300];
	int r;

	if (s->processed_ok != NULL && strcmp(s->processed_ok, name) == 0)
		return 0;
	snprintf(what, sizeof(what), "LIST %.200s", shown);
	r = mailimap_list(s->imap, "", name, &list);
	if (r != MAILIMAP_NO_ERROR)
		return fail(s, r, ERR_TEMP, what, error_r);
	for (clistiter *it = clist_begin(list); it != NULL; it = clist_next(it)) {
		const struct mailimap_mailbox_list *mb = clist_content(it);

		if (strcmp(mb->mb_name, name) == 0)
			found = true;
	}
	mailimap_list_result_free(list);
	if (!found) {
		snprintf(what, sizeof(what), "CREATE %.200s", shown);
		r = mailimap_create(s->imap, name);
		if (r != MAILIMAP_NO_ERROR) {
			const char *atom = s->imap->imap_response_info != NULL
					       ? s->imap->imap_response_info->rsp_atom
					       : NULL;

			/* someone else created it meanwhile */
			if (is_stream_error(r) || atom == NULL || !str_eq_ci(atom, "ALREADYEXISTS"))
				return fail(s, r, ERR_FATAL, what, error_r);
		} else {
			/* so that clients showing subscribed folders only show it;
			 * failing that is harmless */
			r = mailimap_subscribe(s->imap, name);
			if (r != MAILIMAP_NO_ERROR && is_stream_error(r))
				return fail(s, r, ERR_TEMP, "SUBSCRIBE", error_r);
		}
	}
	free(s->processed_ok);
	s->processed_ok = xstrdup(name);
	return 0;
}

static int store_flag(struct imap_session *s, struct mailimap_set *set, bool deleted,
		      struct error *error_r)
{
	struct mailimap_flag_list *flags = etpan_alloc(mailimap_flag_list_new_empty());
	struct mailimap_store_att_flags *store;
	int r;

	if (mailimap_flag_list_add(flags, etpan_alloc(deleted ? mailimap_flag_new_deleted()
							      : mailimap_flag_new_seen())) !=
	    MAILIMAP_NO_ERROR)
		abort();
	store = etpan_alloc(mailimap_store_att_flags_new_add_flags_silent(flags));
	r = mailimap_uid_store(s->imap, set, store);
	mailimap_store_att_flags_free(store);
	if (r != MAILIMAP_NO_ERROR)
		return fail(s, r, ERR_TEMP,
			    deleted ? "UID STORE +FLAGS.SILENT (\\Deleted)"
				    : "UID STORE +FLAGS.SILENT (\\Seen)",
			    error_r);
	return 0;
}

static int move_chunk(struct imap_session *s, struct mailimap_set *set, const char *name,
		      const char *shown, struct error *error_r)
{
	char what[300];
	int r;

	if (s->has_move) {
		snprintf(what, sizeof(what), "UID MOVE to %.200s", shown);
		r = mailimap_uid_move(s->imap, set, name);
		return r == MAILIMAP_NO_ERROR ? 0 : fail(s, r, ERR_TEMP, what, error_r);
	}
	/* COPY first and \Deleted second: a crash between them leaves a copy
	 * too many in the processed mailbox, never a message lost. */
	snprintf(what, sizeof(what), "UID COPY to %.200s", shown);
	r = mailimap_uid_copy(s->imap, set, name);
	if (r != MAILIMAP_NO_ERROR)
		return fail(s, r, ERR_TEMP, what, error_r);
	if (store_flag(s, set, true, error_r) < 0)
		return -1;
	/* Without UIDPLUS only a plain EXPUNGE exists, and it would also remove
	 * what the user marked \Deleted and meant to keep until later: leave
	 * our \Deleted messages to the user's client or the server's expunge.
	 * The UID watermark keeps them from being imported again. */
	if (!s->has_uidplus)
		return 0;
	r = mailimap_uid_expunge(s->imap, set);
	return r == MAILIMAP_NO_ERROR ? 0 : fail(s, r, ERR_TEMP, "UID EXPUNGE", error_r);
}

int imap_mark_imported(struct imap_session *s, const uint32_t *uids, size_t n_uids,
		       const char *processed_mailbox, struct error *error_r)
{
	char *name = NULL;
	uint32_t *sorted;
	size_t n;
	int ret = 0;

	if (check_usable(s, true, error_r) < 0)
		return -1;
	if (n_uids == 0)
		return 0;
	if (processed_mailbox != NULL) {
		name = mailbox_name(processed_mailbox, "processed_mailbox", error_r);
		if (name == NULL)
			return -1;
		if (strcmp(name, s->mailbox) == 0 ||
		    (str_eq_ci(name, "INBOX") && str_eq_ci(s->mailbox, "INBOX"))) {
			free(name);
			return err_set(error_r, ERR_FATAL,
				       "processed_mailbox is the mailbox being read");
		}
		if (ensure_mailbox(s, name, processed_mailbox, error_r) < 0) {
			free(name);
			return -1;
		}
	}
	sorted = xmalloc(n_uids * sizeof(*sorted));
	memcpy(sorted, uids, n_uids * sizeof(*sorted));
	n = imap_uids_normalize(sorted, n_uids);
	for (size_t start = 0; start < n && ret == 0; start += MARK_UIDS_PER_COMMAND) {
		size_t count =
		    n - start < MARK_UIDS_PER_COMMAND ? n - start : MARK_UIDS_PER_COMMAND;
		struct mailimap_set *set = uid_set(sorted + start, count);

		if (name != NULL)
			ret = move_chunk(s, set, name, processed_mailbox, error_r);
		else
			ret = store_flag(s, set, false, error_r);
		mailimap_set_free(set);
	}
	free(sorted);
	free(name);
	return ret;
}

/* ------------------------------------------------------------------ wait */

bool imap_has_idle(const struct imap_session *s)
{
	return s != NULL && s->use_idle;
}

/* Sleeps until timeout_s or *stop, in ticks. */
static void sleep_ticks(int timeout_s, volatile sig_atomic_t *stop)
{
	double deadline = now_s() + timeout_s;

	while (stop == NULL || !*stop) {
		double left = deadline - now_s();
		struct timespec ts;

		if (left <= 0)
			break;
		if (left > IDLE_TICK_MS / 1000.0)
			left = IDLE_TICK_MS / 1000.0;
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		nanosleep(&ts, NULL);
	}
}

/* One IDLE command, until data arrives, segment_end, or *stop; then DONE. */
static int idle_once(struct imap_session *s, double segment_end, volatile sig_atomic_t *stop,
		     struct error *error_r)
{
	struct pollfd pfd;
	int r;

	r = mailimap_idle(s->imap);
	if (r != MAILIMAP_NO_ERROR)
		return fail(s, r, ERR_TEMP, "IDLE", error_r);
	pfd.fd = mailimap_idle_get_fd(s->imap);
	pfd.events = POLLIN;
	while (stop == NULL || !*stop) {
		double left = segment_end - now_s();
		int ms;

		/* a notification that came with the continuation is already in
		 * libetpan's buffer, where poll() cannot see it. (GnuTLS could hold
		 * back the rest of a record bigger than that buffer, but IDLE news
		 * comes a short line at a time.) */
		if (s->imap->imap_stream->read_buffer_len > 0 || left <= 0)
			break;
		ms = left * 1000 < IDLE_TICK_MS ? (int)(left * 1000) + 1 : IDLE_TICK_MS;
		pfd.revents = 0;
		r = poll(&pfd, 1, ms);
		if (r < 0 && errno != EINTR) {
			s->broken = true;
			return err_set(error_r, ERR_TEMP, "IDLE: poll: %s", strerror(errno));
		}
		/* data, hangup or error: DONE reads whichever it is */
		if (r > 0)
			break;
	}
	r = mailimap_idle_done(s->imap);
	if (r != MAILIMAP_NO_ERROR)
		return fail(s, r, ERR_TEMP, "IDLE DONE", error_r);
	return 0;
}

int imap_wait(struct imap_session *s, int timeout_s, volatile sig_atomic_t *stop, bool *changed_r,
	      struct error *error_r)
{
	struct mailimap_selection_info *sel;
	double deadline;

	*changed_r = false;
	if (check_usable(s, true, error_r) < 0)
		return -1;
	if (timeout_s < 0)
		timeout_s = 0;
	if (!s->use_idle) {
		sleep_ticks(timeout_s, stop);
		*changed_r = true;
		return 0;
	}
	sel = s->imap->imap_selection_info;
	/* EXISTS that came with FETCH or STORE after the last listing: IDLE
	 * would start by forgetting it (mailimap_idle clears the flag, and it
	 * also drops untagged responses sent before its "+ idling"; Dovecot
	 * sends its news after that line, other servers may send it before,
	 * costing at most one IDLE period) */
	if (sel->sel_has_exists || sel->sel_has_recent) {
		sel->sel_has_exists = 0;
		sel->sel_has_recent = 0;
		*changed_r = true;
		return 0;
	}
	deadline = now_s() + timeout_s;
	while ((stop == NULL || !*stop) && now_s() < deadline) {
		double segment_end = deadline;

		if (segment_end - now_s() > IDLE_MAX_S)
			segment_end = now_s() + IDLE_MAX_S;
		if (idle_once(s, segment_end, stop, error_r) < 0)
			return -1;
		if (sel->sel_has_exists || sel->sel_has_recent) {
			sel->sel_has_exists = 0;
			sel->sel_has_recent = 0;
			*changed_r = true;
			break;
		}
	}
	return 0;
}
