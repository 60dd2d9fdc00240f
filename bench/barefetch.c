/* barefetch.c - the reference for `make bench`: the fastest plain libetpan
 * client we know how to write. It logs in over IMAPS, selects a mailbox and
 * downloads every message with hundreds of UIDs per UID FETCH BODY.PEEK[],
 * doing nothing with the bytes but counting them. agendad's whole pipeline
 * is measured against it (issue 4: within 3 times this).
 *
 * Stand-alone on purpose (links -letpan only):
 *     cc -O2 -o build/barefetch bench/barefetch.c -letpan
 *     barefetch HOST PORT USER PASSWORD_FILE [MAILBOX]
 * prints one line: "barefetch: N messages, B bytes, S.SSS s, M msg/s".
 *
 * It does not verify the server certificate (libetpan does not, and this is
 * a benchmark against a local test server, never a client for real mail). */
#define _GNU_SOURCE
#include <libetpan/libetpan.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define UIDS_PER_FETCH 500
#define PASSWORD_MAX   1024

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void check(int r, const char *what, mailimap *imap)
{
	if (r == MAILIMAP_NO_ERROR || r == MAILIMAP_NO_ERROR_AUTHENTICATED ||
	    r == MAILIMAP_NO_ERROR_NON_AUTHENTICATED)
		return;
	fprintf(stderr, "barefetch: %s failed (libetpan error %d)%s%s\n", what, r,
		imap->imap_response != NULL ? ": " : "",
		imap->imap_response != NULL ? imap->imap_response : "");
	exit(1);
}

static void read_password(const char *path, char *out, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t len;

	if (f == NULL) {
		perror(path);
		exit(1);
	}
	len = fread(out, 1, size - 1, f);
	fclose(f);
	out[len] = '\0';
	while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		out[--len] = '\0';
}

static int uid_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Every UID in the mailbox, sorted; the caller frees it. */
static uint32_t *all_uids(mailimap *imap, size_t *n_r)
{
	struct mailimap_search_key *key = mailimap_search_key_new_all();
	clist *result = NULL;
	uint32_t *uids;
	size_t n = 0;

	check(mailimap_uid_search(imap, NULL, key, &result), "UID SEARCH ALL", imap);
	mailimap_search_key_free(key);
	uids = malloc((clist_count(result) + 1) * sizeof(*uids));
	if (uids == NULL)
		abort();
	for (clistiter *it = clist_begin(result); it != NULL; it = clist_next(it))
		uids[n++] = *(uint32_t *)clist_content(it);
	mailimap_search_result_free(result);
	qsort(uids, n, sizeof(*uids), uid_cmp);
	*n_r = n;
	return uids;
}

/* One UID FETCH (UID BODY.PEEK[]) for uids[0..n), which are sorted: the set
 * is written with ranges. Adds the messages and their bytes to the totals. */
static void fetch_chunk(mailimap *imap, const uint32_t *uids, size_t n, size_t *count,
			size_t *bytes)
{
	struct mailimap_set *set = mailimap_set_new_empty();
	struct mailimap_fetch_type *type = mailimap_fetch_type_new_fetch_att_list_empty();
	clist *result = NULL;
	size_t i = 0;

	while (i < n) {
		size_t j = i;

		while (j + 1 < n && uids[j + 1] == uids[j] + 1)
			j++;
		mailimap_set_add_interval(set, uids[i], uids[j]);
		i = j + 1;
	}
	mailimap_fetch_type_new_fetch_att_list_add(type, mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(
	    type, mailimap_fetch_att_new_body_peek_section(mailimap_section_new(NULL)));
	check(mailimap_uid_fetch(imap, set, type, &result), "UID FETCH BODY.PEEK[]", imap);
	for (clistiter *it = clist_begin(result); it != NULL; it = clist_next(it)) {
		struct mailimap_msg_att *att = clist_content(it);

		for (clistiter *a = clist_begin(att->att_list); a != NULL; a = clist_next(a)) {
			struct mailimap_msg_att_item *item = clist_content(a);

			if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC ||
			    item->att_data.att_static->att_type != MAILIMAP_MSG_ATT_BODY_SECTION)
				continue;
			(*count)++;
			*bytes += item->att_data.att_static->att_data.att_body_section->sec_length;
		}
	}
	mailimap_fetch_list_free(result);
	mailimap_fetch_type_free(type);
	mailimap_set_free(set);
}

int main(int argc, char **argv)
{
	char password[PASSWORD_MAX];
	const char *mailbox = argc > 5 ? argv[5] : "INBOX";
	size_t n_uids, count = 0, bytes = 0;
	uint32_t *uids;
	mailimap *imap;
	double start, elapsed;

	if (argc < 5 || argc > 6) {
		fprintf(stderr, "usage: barefetch HOST PORT USER PASSWORD_FILE [MAILBOX]\n");
		return 64;
	}
	signal(SIGPIPE, SIG_IGN);
	read_password(argv[4], password, sizeof(password));
	imap = mailimap_new(0, NULL);
	if (imap == NULL)
		abort();
	mailimap_set_timeout(imap, 60);
	/* the clock covers everything a client does: connect, log in, fetch */
	start = now();
	check(mailimap_ssl_connect(imap, argv[1], (uint16_t)atoi(argv[2])), "connect", imap);
	check(mailimap_login(imap, argv[3], password), "LOGIN", imap);
	memset(password, 0, sizeof(password));
	check(mailimap_select(imap, mailbox), "SELECT", imap);
	uids = all_uids(imap, &n_uids);
	for (size_t i = 0; i < n_uids; i += UIDS_PER_FETCH)
		fetch_chunk(imap, uids + i,
			    n_uids - i < UIDS_PER_FETCH ? n_uids - i : UIDS_PER_FETCH, &count,
			    &bytes);
	mailimap_logout(imap);
	elapsed = now() - start;
	printf("barefetch: %zu messages, %zu bytes, %.3f s, %.0f msg/s\n", count, bytes, elapsed,
	       elapsed > 0 ? (double)count / elapsed : 0.0);
	free(uids);
	mailimap_free(imap);
	return count == n_uids ? 0 : 1;
}
