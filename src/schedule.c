/* schedule.c - meetings, cutoffs, items and draft timing; see schedule.h.
 *
 * Dates are compared as "YYYY-MM-DD" strings, which order like the days
 * they name. */
#include <string.h>

#include "agendad/schedule.h"
#include "agendad/util.h"

void schedule_cutoff(const char *meeting_date, int cutoff_days, char out[11])
{
	util_date_add(meeting_date, -cutoff_days, out);
}

int schedule_pick_meeting(const char *arrival_day, const char *const *dates, size_t n_dates,
			  int cutoff_days)
{
	for (size_t i = 0; i < n_dates; i++) {
		char cutoff[11];

		schedule_cutoff(dates[i], cutoff_days, cutoff);
		if (strcmp(cutoff, arrival_day) >= 0)
			return (int)i;
	}
	return -1;
}

int schedule_next_meeting(const char *today, const char *const *dates, size_t n_dates)
{
	for (size_t i = 0; i < n_dates; i++)
		if (strcmp(dates[i], today) >= 0)
			return (int)i;
	return -1;
}

bool schedule_draft_due(const char *meeting_date, int draft_days, const char *today)
{
	char from[11];

	util_date_add(meeting_date, -draft_days, from);
	return strcmp(today, from) >= 0 && strcmp(today, meeting_date) <= 0;
}

bool schedule_update_due(time_t draft_sent, time_t draft_updated, time_t newest_question,
			 time_t now)
{
	char last_day[11], today[11];
	time_t last = draft_updated > draft_sent ? draft_updated : draft_sent;

	if (draft_sent == 0 || newest_question <= last)
		return false;
	/* at most one update per local day */
	util_local_day(last, last_day);
	util_local_day(now, today);
	return strcmp(today, last_day) > 0;
}

int64_t schedule_join_item(const struct store_question *existing, const double *similarity,
			   size_t n_existing)
{
	double best = SCHEDULE_NEAR_DUPLICATE;
	int64_t item = 0;

	for (size_t i = 0; i < n_existing; i++) {
		if (existing[i].item == 0 || existing[i].status == NULL ||
		    strcmp(existing[i].status, "queued") != 0)
			continue;
		if (similarity[i] >= best) {
			best = similarity[i];
			item = existing[i].item;
		}
	}
	return item;
}
