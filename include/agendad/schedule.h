/* schedule.h - which meeting a question belongs to, which agenda item it
 * joins, and when drafts are due.
 *
 * Pure stage; dates are local calendar days "YYYY-MM-DD" in the council's
 * time zone (the caller converts INTERNALDATE with util_local_day()). */
#ifndef AGENDAD_SCHEDULE_H
#define AGENDAD_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "agendad/store.h"

/* Two questions at least this similar (classify_similarity) for the same
 * meeting are one agenda item. */
#define SCHEDULE_NEAR_DUPLICATE 0.55

/* The cutoff of a meeting: its date minus cutoff_days. */
void schedule_cutoff(const char *meeting_date, int cutoff_days, char out[11]);

/* The index of the first meeting (dates sorted ascending) whose cutoff is on
 * or after arrival_day, or -1 when none is planned yet. */
int schedule_pick_meeting(const char *arrival_day, const char *const *dates, size_t n_dates,
			  int cutoff_days);

/* The first meeting on or after today, or -1. */
int schedule_next_meeting(const char *today, const char *const *dates, size_t n_dates);

/* Whether the draft for a meeting should go out today: from draft_days before
 * the meeting until the meeting day itself. */
bool schedule_draft_due(const char *meeting_date, int draft_days, const char *today);

/* Whether questions that arrived after the draft went out call for an
 * updated draft now: at most one update per local day. */
bool schedule_update_due(time_t draft_sent, time_t draft_updated, time_t newest_question,
			 time_t now);

/* The item a new question joins: the item of the most similar existing
 * question of the meeting (similarity[i] belongs to existing[i]) when it is
 * at least SCHEDULE_NEAR_DUPLICATE, else 0 (a new item). */
int64_t schedule_join_item(const struct store_question *existing, const double *similarity,
			   size_t n_existing);

#endif
