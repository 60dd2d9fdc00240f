/* test_schedule.c - cutoffs, which meeting a question goes to, the next
 * meeting, when drafts and updated drafts are due, and which item a question
 * joins. Days are local days in Europe/Stockholm. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"
#include "agendad/schedule.h"
#include "agendad/util.h"

/* Seconds since the epoch of a Stockholm wall-clock time. */
static time_t local(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {0};

	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* --------------------------------------------------------------- cutoff */

static const struct {
	const char *meeting;
	int cutoff_days;
	const char *expect;
} cutoff_cases[] = {
    {"2026-12-10", 7, "2026-12-03"},
    {"2026-12-10", 0, "2026-12-10"},
    {"2026-03-02", 7, "2026-02-23"},
    {"2028-03-02", 7, "2028-02-24"}, /* leap year */
    {"2027-01-05", 7, "2026-12-29"},
    {"2026-04-02", 7, "2026-03-26"}, /* across the start of DST */
    {"2026-10-30", 7, "2026-10-23"}, /* across its end */
    {"2026-12-10", 365, "2025-12-10"},
};

static void test_cutoff(void **state)
{
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(cutoff_cases); i++) {
		char out[11];

		schedule_cutoff(cutoff_cases[i].meeting, cutoff_cases[i].cutoff_days, out);
		CHECK(strcmp(out, cutoff_cases[i].expect) == 0, "cutoff(%s, %d) = %s, expected %s",
		      cutoff_cases[i].meeting, cutoff_cases[i].cutoff_days, out,
		      cutoff_cases[i].expect);
	}
	assert_int_equal(failures, 0);
}

/* ---------------------------------------------------------- pick meeting */

static const char *const year_2026[] = {"2026-03-12", "2026-06-04", "2026-09-17", "2026-12-10"};
static const char *const around_new_year[] = {"2026-12-10", "2027-01-05", "2027-03-01"};

static const struct {
	const char *const *dates;
	size_t n_dates;
	const char *arrival;
	int cutoff_days;
	int expect;
} pick_cases[] = {
    {year_2026, 4, "2025-12-31", 7, 0},
    {year_2026, 4, "2026-03-04", 7, 0},
    /* on the cutoff day itself: still that meeting */
    {year_2026, 4, "2026-03-05", 7, 0},
    /* the day after: the next one */
    {year_2026, 4, "2026-03-06", 7, 1},
    {year_2026, 4, "2026-03-12", 7, 1},
    {year_2026, 4, "2026-05-28", 7, 1},
    {year_2026, 4, "2026-05-29", 7, 2},
    {year_2026, 4, "2026-12-03", 7, 3},
    /* none planned yet */
    {year_2026, 4, "2026-12-04", 7, -1},
    {year_2026, 4, "2027-01-01", 7, -1},
    {year_2026, 0, "2026-01-01", 7, -1},
    /* cutoff 0: up to and including the meeting day */
    {year_2026, 4, "2026-03-12", 0, 0},
    {year_2026, 4, "2026-03-13", 0, 1},
    /* a cutoff across the turn of the year and of a month */
    {around_new_year, 3, "2026-12-29", 7, 1},
    {around_new_year, 3, "2026-12-30", 7, 2},
    {around_new_year, 3, "2027-02-22", 7, 2},
    {around_new_year, 3, "2027-02-23", 7, -1},
    /* a long cutoff that skips a close meeting */
    {around_new_year, 3, "2026-11-20", 30, 1},
};

static void test_pick_meeting(void **state)
{
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(pick_cases); i++) {
		int got = schedule_pick_meeting(pick_cases[i].arrival, pick_cases[i].dates,
						pick_cases[i].n_dates, pick_cases[i].cutoff_days);
		CHECK(got == pick_cases[i].expect,
		      "row %zu: arrival %s, cutoff %d: %d, expected %d", i, pick_cases[i].arrival,
		      pick_cases[i].cutoff_days, got, pick_cases[i].expect);
	}
	assert_int_equal(failures, 0);
}

static const struct {
	const char *today;
	size_t n_dates;
	int expect;
} next_cases[] = {
    {"2026-01-01", 4, 0}, {"2026-03-11", 4, 0}, {"2026-03-12", 4, 0}, /* the meeting day itself */
    {"2026-03-13", 4, 1}, {"2026-12-10", 4, 3}, {"2026-12-11", 4, -1}, {"2026-01-01", 0, -1},
};

static void test_next_meeting(void **state)
{
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(next_cases); i++) {
		int got =
		    schedule_next_meeting(next_cases[i].today, year_2026, next_cases[i].n_dates);
		CHECK(got == next_cases[i].expect, "today %s: %d, expected %d", next_cases[i].today,
		      got, next_cases[i].expect);
	}
	assert_int_equal(failures, 0);
}

/* ------------------------------------------------------------ draft due */

static const struct {
	const char *meeting;
	int draft_days;
	const char *today;
	bool expect;
} draft_cases[] = {
    {"2026-12-10", 5, "2026-12-01", false}, {"2026-12-10", 5, "2026-12-04", false},
    {"2026-12-10", 5, "2026-12-05", true},  {"2026-12-10", 5, "2026-12-09", true},
    {"2026-12-10", 5, "2026-12-10", true},  {"2026-12-10", 5, "2026-12-11", false},
    {"2026-12-10", 5, "2027-01-01", false}, {"2026-12-10", 0, "2026-12-09", false},
    {"2026-12-10", 0, "2026-12-10", true},  {"2026-03-02", 5, "2026-02-24", false},
    {"2026-03-02", 5, "2026-02-25", true},  {"2027-01-03", 5, "2026-12-29", true},
    {"2027-01-03", 5, "2026-12-28", false},
};

static void test_draft_due(void **state)
{
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(draft_cases); i++) {
		bool got = schedule_draft_due(draft_cases[i].meeting, draft_cases[i].draft_days,
					      draft_cases[i].today);
		CHECK(got == draft_cases[i].expect, "meeting %s, %d days, today %s: %d",
		      draft_cases[i].meeting, draft_cases[i].draft_days, draft_cases[i].today, got);
	}
	assert_int_equal(failures, 0);
}

/* ----------------------------------------------------------- update due */

/* Times as Stockholm wall clock; {0} is "never". */
struct wall {
	int y, mo, d, h, mi;
};

static time_t wall_time(struct wall w)
{
	return w.y == 0 ? 0 : local(w.y, w.mo, w.d, w.h, w.mi);
}

static const struct {
	const char *what;
	struct wall sent, updated, newest, now;
	bool expect;
} update_cases[] = {
    {"no draft yet", {0}, {0}, {2026, 12, 6, 9, 0}, {2026, 12, 7, 9, 0}, false},
    {"nothing newer than the draft",
     {2026, 12, 5, 8, 0},
     {0},
     {2026, 12, 5, 7, 0},
     {2026, 12, 6, 9, 0},
     false},
    {"a question processed with the draft",
     {2026, 12, 5, 8, 0},
     {0},
     {2026, 12, 5, 8, 0},
     {2026, 12, 6, 9, 0},
     false},
    {"newer, next day", {2026, 12, 5, 8, 0}, {0}, {2026, 12, 5, 15, 0}, {2026, 12, 6, 9, 0}, true},
    {"newer, same day",
     {2026, 12, 5, 8, 0},
     {0},
     {2026, 12, 5, 15, 0},
     {2026, 12, 5, 23, 59},
     false},
    {"newer, just after local midnight",
     {2026, 12, 5, 23, 30},
     {0},
     {2026, 12, 5, 23, 45},
     {2026, 12, 6, 0, 10},
     true},
    /* 00:10 in Stockholm is 23:10 UTC the day before: the local day counts */
    {"same local day, different UTC days",
     {2026, 12, 6, 0, 10},
     {0},
     {2026, 12, 6, 12, 0},
     {2026, 12, 6, 23, 50},
     false},
    {"updated today already",
     {2026, 12, 4, 8, 0},
     {2026, 12, 6, 8, 0},
     {2026, 12, 6, 10, 0},
     {2026, 12, 6, 18, 0},
     false},
    {"updated yesterday, newer since",
     {2026, 12, 4, 8, 0},
     {2026, 12, 5, 8, 0},
     {2026, 12, 5, 10, 0},
     {2026, 12, 6, 8, 0},
     true},
    {"updated yesterday, nothing since",
     {2026, 12, 4, 8, 0},
     {2026, 12, 5, 8, 0},
     {2026, 12, 5, 7, 0},
     {2026, 12, 6, 8, 0},
     false},
    {"several days later",
     {2026, 12, 1, 8, 0},
     {0},
     {2026, 12, 2, 8, 0},
     {2026, 12, 9, 8, 0},
     true},
};

static void test_update_due(void **state)
{
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(update_cases); i++) {
		bool got = schedule_update_due(
		    wall_time(update_cases[i].sent), wall_time(update_cases[i].updated),
		    wall_time(update_cases[i].newest), wall_time(update_cases[i].now));
		CHECK(got == update_cases[i].expect, "%s: %d", update_cases[i].what, got);
	}
	assert_int_equal(failures, 0);
}

/* ------------------------------------------------------------- join item */

struct existing {
	int64_t item;
	const char *status;
	double similarity;
};

static const struct {
	const char *what;
	struct existing existing[5];
	size_t n;
	int64_t expect;
} join_cases[] = {
    {"no questions yet", {{0}}, 0, 0},
    {"below the threshold", {{11, "queued", 0.54}}, 1, 0},
    {"at the threshold", {{11, "queued", SCHEDULE_NEAR_DUPLICATE}}, 1, 11},
    {"the best match wins",
     {{11, "queued", 0.60}, {12, "queued", 0.90}, {13, "queued", 0.70}},
     3,
     12},
    {"the best match wins, first in the list",
     {{12, "queued", 0.95}, {11, "queued", 0.60}, {13, "queued", 0.56}},
     3,
     12},
    {"held questions are not joined", {{11, "held", 0.99}, {12, "queued", 0.60}}, 2, 12},
    {"duplicates are not joined", {{11, "duplicate", 0.99}}, 1, 0},
    {"questions without an item are not joined",
     {{0, "queued", 0.99}, {12, "queued", 0.58}},
     2,
     12},
    {"a status that is not set", {{11, NULL, 0.99}}, 1, 0},
    {"all below", {{11, "queued", 0.1}, {12, "queued", 0.5}, {13, "queued", 0.0}}, 3, 0},
};

static void test_join_item(void **state)
{
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(join_cases); i++) {
		struct store_question questions[5];
		double similarity[5];
		int64_t got;

		memset(questions, 0, sizeof(questions));
		for (size_t j = 0; j < join_cases[i].n; j++) {
			questions[j].id = (int64_t)j + 100;
			questions[j].item = join_cases[i].existing[j].item;
			questions[j].status = (char *)(uintptr_t)join_cases[i].existing[j].status;
			similarity[j] = join_cases[i].existing[j].similarity;
		}
		got = schedule_join_item(questions, similarity, join_cases[i].n);
		CHECK(got == join_cases[i].expect, "%s: item %lld, expected %lld",
		      join_cases[i].what, (long long)got, (long long)join_cases[i].expect);
	}
	assert_int_equal(failures, 0);
}

/* An argument runs only the tests it matches (a cmocka pattern: "test_err*"). */
int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cutoff),       cmocka_unit_test(test_pick_meeting),
	    cmocka_unit_test(test_next_meeting), cmocka_unit_test(test_draft_due),
	    cmocka_unit_test(test_update_due),   cmocka_unit_test(test_join_item),
	};

	setenv("TZ", "Europe/Stockholm", 1);
	tzset();
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
