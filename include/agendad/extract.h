/* extract.h - split a decoded mail into the questions it asks.
 *
 * Pure stage. Drops quoted replies (Outlook's "Från:/Skickat:" block and the
 * English forms, "Den ... skrev ...:", "> " quoting, keeping new lines between
 * quotes), greetings, signatures and association footers, and splits numbered,
 * bulleted or "Punkt 1:" lists into one question each. A forwarded member
 * question becomes the question. A mail with only a subject becomes one
 * question. */
#ifndef AGENDAD_EXTRACT_H
#define AGENDAD_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>

#include "agendad/config.h"
#include "agendad/err.h"
#include "agendad/mime.h"

struct extract_limits {
	int max_questions; /* more than this: the rest are joined into the last one; 0: 50 */
	size_t max_question_bytes; /* text and title cut here, at a character; 0: 8192 */
};

struct question_draft {
	/* short, for the agenda line, never empty: the writer's own heading
	 * over the question ("Fråga 1. Avgiften för lunch" or a short line of
	 * its own above it); else the cleaned subject when the mail has one
	 * question and the subject names something; else the first clause of
	 * the question (about 8 words) */
	char *title;
	char *text; /* the question, one paragraph, markers removed */
};

struct extraction {
	struct question_draft *questions;
	size_t n_questions;
	/* the body had no question (empty after cleaning, or it only says the
	 * questions are attached) but the mail has attachments: the questions are
	 * probably in the attachment, the secretary must look. A specific subject
	 * still gives one question. */
	bool attachment_only;
	/* more questions than max_questions: the tail was joined */
	bool truncated;
	/* the subject with SV:/VB:/Re:/Fwd:/AW:/Fråga: removed */
	char *clean_subject;
	/* lowercased address on the "Från:"/"From:" line of a forwarded block, or
	 * NULL: lets triage attribute a mail the secretary forwarded */
	char *forwarded_from;
	/* what the writer said for the secretary rather than the agenda, and
	 * which is therefore no question: who attends and what they need at
	 * the meeting ("Per behöver skrivtolk"), the meeting's practicalities,
	 * a question withdrawn or standing, a correction of the agenda or the
	 * minutes, the mailing list or new contact details. The sentences as
	 * written (cleaned, without quotes or signature), a paragraph a line;
	 * NULL when there are none. Greetings, thanks and see-you are not
	 * notes. */
	char *notes;
};

/* The limits of [limits] in agendad.conf; a question is cut at 16 kB (a long
 * letter's worth). */
struct extract_limits extract_limits_of(const struct config_limits *limits);

/* Always succeeds for valid input (a mail may yield zero questions); returns
 * -1 only for an internal limit. The caller owns *extraction_r. */
int extract_questions(const struct mail_text *mail, const struct extract_limits *limits,
		      struct extraction **extraction_r, struct error *error_r);
void extract_free(struct extraction **extraction);

/* The subject without reply/forward prefixes ("SV: VB: Re: Fråga: x" -> "x").
 * The caller frees the result. */
char *extract_clean_subject(const char *subject);

#endif
