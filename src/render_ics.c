/* render_ics.c - the meeting as an iCalendar object (RFC 5545) attached to the
 * draft agenda, so that the secretary can put it in Outlook with one click.
 *
 * METHOD:PUBLISH, not REQUEST: the file goes to the secretary only, as an
 * entry to add to a calendar, not an invitation. RFC 5546 requires REQUEST to
 * carry an ORGANIZER and ATTENDEEs and makes the receiver answer the
 * organizer; Outlook then shows accept/decline buttons and sends replies to
 * whatever ORGANIZER says. PUBLISH is imported as is by Outlook, Google
 * Calendar and Apple Calendar, and a later draft with the same UID and a
 * higher SEQUENCE updates the entry instead of adding a second one.
 *
 * Times are local wall-clock times with TZID and a VTIMEZONE (Outlook needs
 * the VTIMEZONE; it does not know IANA names by themselves). The rules are
 * written out for the EU zones the councils use; for any other zone the
 * event is written in floating time (RFC 5545 3.3.5), which every client
 * shows at the given wall-clock time in its own zone - right for a meeting
 * that people attend where they live. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render_p.h"

#define ICS_FOLD 75 /* octets per line, CRLF not counted (RFC 5545 3.1) */

/* The EU rules (since 1996): summer time from the last Sunday of March to
 * the last Sunday of October, switching at 01:00 UTC. */
struct tz_rules {
	const char *tzid;
	const char *std_name, *dst_name;
	const char *std_offset, *dst_offset;
	const char *dst_start; /* local standard time of the March switch */
	const char *std_start; /* local summer time of the October switch */
};

static const struct tz_rules cet = {NULL, "CET", "CEST", "+0100", "+0200", "020000", "030000"};
static const struct tz_rules eet = {NULL, "EET", "EEST", "+0200", "+0300", "030000", "040000"};
static const struct tz_rules wet = {NULL, "WET", "WEST", "+0000", "+0100", "010000", "020000"};
static const struct tz_rules gmt = {NULL, "GMT", "BST", "+0000", "+0100", "010000", "020000"};

static const struct {
	const char *tzid;
	const struct tz_rules *rules;
} zones[] = {
    {"Europe/Stockholm", &cet},    {"Europe/Oslo", &cet},     {"Europe/Copenhagen", &cet},
    {"Arctic/Longyearbyen", &cet}, {"Europe/Berlin", &cet},   {"Europe/Amsterdam", &cet},
    {"Europe/Brussels", &cet},     {"Europe/Paris", &cet},    {"Europe/Vienna", &cet},
    {"Europe/Zurich", &cet},       {"Europe/Madrid", &cet},   {"Europe/Rome", &cet},
    {"Europe/Warsaw", &cet},       {"Europe/Prague", &cet},   {"Europe/Budapest", &cet},
    {"Europe/Luxembourg", &cet},   {"Europe/Helsinki", &eet}, {"Europe/Mariehamn", &eet},
    {"Europe/Tallinn", &eet},      {"Europe/Riga", &eet},     {"Europe/Vilnius", &eet},
    {"Europe/Athens", &eet},       {"Europe/Lisbon", &wet},   {"Atlantic/Faroe", &wet},
    {"Europe/London", &gmt},
};

static const struct tz_rules *find_zone(const char *tzid)
{
	for (size_t i = 0; tzid != NULL && i < sizeof(zones) / sizeof(zones[0]); i++)
		if (strcmp(zones[i].tzid, tzid) == 0)
			return zones[i].rules;
	return NULL;
}

static size_t utf8_seq_len(unsigned char c)
{
	if (c >= 0xf0)
		return 4;
	if (c >= 0xe0)
		return 3;
	if (c >= 0xc0)
		return 2;
	return 1;
}

/* Appends one content line folded at ICS_FOLD octets, never inside a UTF-8
 * character, with CRLF. */
static void ics_line(struct buf *out, const char *line)
{
	size_t len = strlen(line), col = 0;

	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq_len((unsigned char)line[i]);

		if (i + n > len)
			n = len - i;
		if (col + n > ICS_FOLD) {
			buf_append_str(out, "\r\n ");
			col = 1;
		}
		buf_append(out, line + i, n);
		col += n;
		i += n;
	}
	buf_append_str(out, "\r\n");
}

/* TEXT value escaping (RFC 5545 3.3.11); s is clean model text. */
static void ics_escape(struct buf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '\\':
		case ';':
		case ',':
			buf_append_char(out, '\\');
			buf_append_char(out, *s);
			break;
		case '\n':
			buf_append_str(out, "\\n");
			break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\t')
				buf_append_char(out, *s);
			break;
		}
	}
}

static void ics_text_line(struct buf *out, const char *name, const char *value)
{
	struct buf line = {0};

	buf_append_str(&line, name);
	buf_append_char(&line, ':');
	ics_escape(&line, value);
	ics_line(out, line.data);
	buf_free(&line);
}

/* "lss-samverkan" from "LSS-samverkan": ASCII letters and digits, the rest
 * one '-'. */
static void slug(struct buf *out, const char *s)
{
	bool dash = false;
	size_t start = out->len;

	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		char c = (char)*p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && out->len > start)
				buf_append_char(out, '-');
			buf_append_char(out, c);
			dash = false;
		} else if (*p < 0x80 || (*p & 0xc0) == 0xc0) {
			dash = true;
		}
	}
	if (out->len == start)
		buf_append_str(out, "council");
}

static void vtimezone(struct buf *out, const char *tzid, const struct tz_rules *z)
{
	char line[128];

	ics_line(out, "BEGIN:VTIMEZONE");
	snprintf(line, sizeof(line), "TZID:%s", tzid);
	ics_line(out, line);
	ics_line(out, "BEGIN:STANDARD");
	snprintf(line, sizeof(line), "DTSTART:19701025T%s", z->std_start);
	ics_line(out, line);
	snprintf(line, sizeof(line), "TZOFFSETFROM:%s", z->dst_offset);
	ics_line(out, line);
	snprintf(line, sizeof(line), "TZOFFSETTO:%s", z->std_offset);
	ics_line(out, line);
	snprintf(line, sizeof(line), "TZNAME:%s", z->std_name);
	ics_line(out, line);
	ics_line(out, "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU");
	ics_line(out, "END:STANDARD");
	ics_line(out, "BEGIN:DAYLIGHT");
	snprintf(line, sizeof(line), "DTSTART:19700329T%s", z->dst_start);
	ics_line(out, line);
	snprintf(line, sizeof(line), "TZOFFSETFROM:%s", z->std_offset);
	ics_line(out, line);
	snprintf(line, sizeof(line), "TZOFFSETTO:%s", z->dst_offset);
	ics_line(out, line);
	snprintf(line, sizeof(line), "TZNAME:%s", z->dst_name);
	ics_line(out, line);
	ics_line(out, "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU");
	ics_line(out, "END:DAYLIGHT");
	ics_line(out, "END:VTIMEZONE");
}

/* The agenda in brief, for the event's description. */
static void description(struct buf *out, const json_t *model)
{
	const json_t *council = json_object_get(model, "council");
	const json_t *item;
	size_t i;

	buf_printf(out, "%s", render_model_str(council, "name"));
	if (*render_model_str(council, "organisation") != '\0')
		buf_printf(out, ", %s", render_model_str(council, "organisation"));
	buf_append_str(out, "\n\nDagordning");
	if (json_is_true(json_object_get(model, "updated")))
		buf_append_str(out, " (uppdaterad)");
	buf_append_str(out, "\n1. Inledning\n2. Föregående mötesanteckningar\n"
			    "3. Punkter från föregående möte\n");
	for (i = 0; (item = json_array_get(json_object_get(model, "carried"), i)) != NULL; i++) {
		buf_printf(out, "   %s %s\n", render_model_str(item, "number"),
			   render_model_str(item, "title"));
	}
	buf_append_str(out, "4. Inkomna frågor från föreningar\n");
	for (i = 0; (item = json_array_get(json_object_get(model, "items"), i)) != NULL; i++) {
		buf_printf(out, "   %s %s\n", render_model_str(item, "number"),
			   render_model_str(item, "title"));
	}
	buf_append_str(out, "5. Övriga frågor\n6. Inför nästa möte och avslutning");
}

int render_meeting_ics(const struct render_context *ctx, const struct store_agenda *agenda,
		       const char *uid_domain, char **out_r, struct error *error_r)
{
	const char *tzid = ctx->council != NULL && ctx->council->timezone != NULL
			       ? ctx->council->timezone
			       : "Europe/Stockholm";
	const struct tz_rules *zone = find_zone(tzid);
	json_t *model;
	const json_t *meeting, *council;
	struct buf out = {0}, line = {0}, text = {0};
	const char *date, *time, *end;
	char day[9], stamp[17];
	struct tm tm;
	long sequence;

	*out_r = NULL;
	if (!util_valid_date(agenda->meeting.date))
		return err_set(error_r, ERR_FATAL, "render: invalid meeting date '%.20s'",
			       agenda->meeting.date);
	model = render_agenda_model(ctx, agenda);
	meeting = json_object_get(model, "meeting");
	council = json_object_get(model, "council");
	date = render_model_str(meeting, "date");
	time = render_model_str(meeting, "time");
	end = render_model_str(meeting, "end");
	snprintf(day, sizeof(day), "%.4s%.2s%.2s", date, date + 5, date + 8);
	gmtime_r(&ctx->now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	/* A later draft must win over an earlier one in the calendar: minutes
	 * since 2020 grow with every send and fit an int for 4000 years. */
	sequence = ctx->now > 1577836800 ? (long)((ctx->now - 1577836800) / 60) : 0;

	ics_line(&out, "BEGIN:VCALENDAR");
	ics_line(&out, "VERSION:2.0");
	ics_line(&out, "PRODID:-//agendad//agendad//SV");
	ics_line(&out, "CALSCALE:GREGORIAN");
	ics_line(&out, "METHOD:PUBLISH");
	if (zone != NULL)
		vtimezone(&out, tzid, zone);
	ics_line(&out, "BEGIN:VEVENT");
	buf_printf(&line, "UID:%s-", day);
	slug(&line, render_model_str(council, "name"));
	buf_printf(&line, "@%s",
		   uid_domain != NULL && *uid_domain != '\0' ? uid_domain : "agendad.invalid");
	ics_line(&out, line.data);
	buf_reset(&line);
	buf_printf(&line, "SEQUENCE:%ld", sequence);
	ics_line(&out, line.data);
	buf_reset(&line);
	buf_printf(&line, "DTSTAMP:%s", stamp);
	ics_line(&out, line.data);
	buf_reset(&line);

	if (util_valid_time(time)) {
		char tzparam[128] = "";
		if (zone != NULL)
			snprintf(tzparam, sizeof(tzparam), ";TZID=%s", tzid);
		buf_printf(&line, "DTSTART%s:%sT%.2s%.2s00", tzparam, day, time, time + 3);
		ics_line(&out, line.data);
		buf_reset(&line);
		if (util_valid_time(end) && strcmp(end, time) > 0)
			buf_printf(&line, "DTEND%s:%sT%.2s%.2s00", tzparam, day, end, end + 3);
		else /* no end given: a council meeting usually lasts two hours */
			buf_append_str(&line, "DURATION:PT2H");
		ics_line(&out, line.data);
		buf_reset(&line);
	} else {
		char next[11];
		util_date_add(date, 1, next);
		buf_printf(&line, "DTSTART;VALUE=DATE:%s", day);
		ics_line(&out, line.data);
		buf_reset(&line);
		buf_printf(&line, "DTEND;VALUE=DATE:%.4s%.2s%.2s", next, next + 5, next + 8);
		ics_line(&out, line.data);
		buf_reset(&line);
	}
	ics_text_line(&out, "SUMMARY", render_model_str(council, "name"));
	if (*render_model_str(meeting, "place") != '\0')
		ics_text_line(&out, "LOCATION", render_model_str(meeting, "place"));
	description(&text, model);
	ics_text_line(&out, "DESCRIPTION", text.data);
	ics_line(&out, "STATUS:CONFIRMED");
	ics_line(&out, "TRANSP:OPAQUE");
	ics_line(&out, "END:VEVENT");
	ics_line(&out, "END:VCALENDAR");

	buf_free(&line);
	buf_free(&text);
	json_decref(model);
	*out_r = buf_steal(&out);
	return 0;
}
