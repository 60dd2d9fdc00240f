/* render.h - the secretary's documents and the acknowledgements, from
 * templates in config/templates/ that a municipality can edit.
 *
 * Pure stage except render_templates_load(), which reads the template files
 * once at start-up (and on SIGHUP) so that rendering itself does no I/O. All
 * text for people is Swedish. */
#ifndef AGENDAD_RENDER_H
#define AGENDAD_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "agendad/config.h"
#include "agendad/err.h"
#include "agendad/store.h"

struct render_templates;

enum render_format {
	RENDER_TEXT = 0,
	RENDER_HTML,
	RENDER_JSON,
};

/* What every document needs besides the agenda itself; borrowed. */
struct render_context {
	const struct config_council *council;
	int cutoff_days;
	time_t now;
	bool updated; /* an updated draft: marked "Uppdaterad" */
	/* Every planned meeting in date order, or NULL: render_ack() uses them
	 * to tell an association that its question missed the cutoff of a
	 * nearer meeting. */
	const struct store_meeting *meetings;
	size_t n_meetings;
};

/* Reads the templates under dir (agenda.txt, agenda.html, minutes.txt,
 * minutes.html, ack.txt) and checks each by rendering a built-in sample, so
 * that an error in an edited template shows now, naming the file and line
 * ("agenda.html:12: unclosed section 'items'"); a missing file is an error
 * naming it. ERR_FATAL. The caller owns *templates_r. */
int render_templates_load(const char *dir, struct render_templates **templates_r,
			  struct error *error_r);
void render_templates_free(struct render_templates **templates);

/* The draft agenda (dagordning). The caller frees *out_r. */
int render_agenda(const struct render_templates *templates, const struct render_context *ctx,
		  const struct store_agenda *agenda, enum render_format format, char **out_r,
		  struct error *error_r);

/* The minutes skeleton (mötesanteckning), text or HTML. */
int render_minutes(const struct render_templates *templates, const struct render_context *ctx,
		   const struct store_agenda *agenda, enum render_format format, char **out_r,
		   struct error *error_r);

/* The minutes skeleton as a .docx (WordprocessingML in a zip, built in
 * memory). The caller frees *out_r. */
int render_minutes_docx(const struct render_context *ctx, const struct store_agenda *agenda,
			void **out_r, size_t *size_r, struct error *error_r);

/* The meeting as an iCalendar event (RFC 5545, with VTIMEZONE). */
int render_meeting_ics(const struct render_context *ctx, const struct store_agenda *agenda,
		       const char *uid_domain, char **out_r, struct error *error_r);

/* An acknowledgement to an association for one mail. questions are that
 * mail's questions (with meeting and item numbers; meeting NULL when none is
 * planned yet); ctx->meetings tells which nearer meeting's cutoff a late
 * question missed. *subject_r ("SV: " + the mail's subject) and *text_r are
 * UTF-8; the caller frees them. */
int render_ack(const struct render_templates *templates, const struct render_context *ctx,
	       const struct store_message *message, const struct store_question *questions,
	       size_t n_questions, char **subject_r, char **text_r, struct error *error_r);

/* Swedish long date: "2026-12-03" -> "torsdag 3 december 2026". out has room
 * for 64 bytes. */
void render_swedish_date(const char *date, char out[64]);

#endif
