/* render_p.h - what the files of the render module share: the template
 * engine (render_tmpl.c) and the data model that render.c builds from the
 * store records and that every document is made from (render_docx.c,
 * render_ics.c). Not a public API: only src/render*.c and the template
 * fuzzer include it. */
#ifndef AGENDAD_RENDER_P_H
#define AGENDAD_RENDER_P_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "agendad/err.h"
#include "agendad/render.h"
#include "agendad/util.h"

/* ---- the template engine (render_tmpl.c) ----------------------------------
 *
 * A Mustache subset: {{name}} and {{a.b.c}} (escaped when rendering HTML),
 * {{{name}}} and {{&name}} (raw), {{#name}}...{{/name}} (loops over a list,
 * enters an object, or shows its body when the value is true, a non-empty
 * string or a non-zero number), {{^name}}...{{/name}} (shows its body when the
 * value is missing, null, false, "", 0 or an empty list), {{! comment }} and
 * {{.}} (the current element of a loop). A section, inverted section or
 * comment tag alone on its line takes the whole line with it, so text
 * templates can be laid out with one tag per line.
 *
 * Strict where Mustache is lenient, because the people who edit templates
 * cannot read C: a name that the model does not have is an error naming the
 * file and line, and so is printing a list or an object. Partials and
 * delimiter changes are not supported (no recursion to bound). */

#define TMPL_MAX_SOURCE (256 * 1024)      /* bytes of one template file */
#define TMPL_MAX_DEPTH  32                /* nested sections */
#define TMPL_MAX_NAME   128               /* bytes of one tag name */
#define TMPL_MAX_OUTPUT (8 * 1024 * 1024) /* bytes of one rendered document */
/* Node visits per rendering: nested loops over the same list multiply, and a
 * body that prints nothing would never reach the output cap. */
#define TMPL_MAX_STEPS 2000000

struct tmpl;

/* Parses source (len bytes, need not be NUL-terminated) of the template
 * called name (used in error texts: "agenda.html:12: unclosed section
 * 'items'"). Errors are ERR_FATAL: a template is configuration. The caller
 * owns *tmpl_r. */
int tmpl_parse(const char *name, const char *source, size_t len, struct tmpl **tmpl_r,
	       struct error *error_r);
void tmpl_free(struct tmpl **tmpl);
const char *tmpl_name(const struct tmpl *tmpl);

/* Appends the template rendered against model to out; html escapes {{name}}
 * values for HTML. On error out may hold partial output. */
int tmpl_render(const struct tmpl *tmpl, const json_t *model, bool html, struct buf *out,
		struct error *error_r);

/* Appends s to out with & < > " ' escaped for HTML and XML text and
 * attributes. */
void render_escape_xml(struct buf *out, const char *s);

/* ---- the data model (render.c) --------------------------------------------
 *
 * One JSON tree per document, built from the store records; it is what the
 * templates see and what `agendactl agenda --format json` prints. Every string
 * in it is valid UTF-8 without control characters other than newline and
 * tab, whatever the store held. */

/* The agenda's model; the caller owns the reference. */
json_t *render_agenda_model(const struct render_context *ctx, const struct store_agenda *agenda);

/* Copies s (may be NULL: "") with invalid UTF-8 replaced by U+FFFD, CR LF
 * and CR turned into LF and other control characters dropped. The caller
 * frees the result. */
char *render_clean_text(const char *s);

/* json_object_get() that returns "" for a missing, null or non-string
 * member: the model is built here, so a miss is a bug, not input. */
const char *render_model_str(const json_t *object, const char *key);

/* "17:00" -> "17.00" (the Swedish way), anything else copied; out has room
 * for 16 bytes. */
void render_swedish_time(const char *hhmm, char out[16]);

#endif
