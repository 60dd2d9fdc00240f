/* agendad.c - the daemon: a thin main over cycle.c.
 *
 *   agendad [-c FILE] [--once] [-n] [-v]   (see man/agendad.8)
 *
 * Runs the cycle until SIGTERM (the message in hand is finished first),
 * re-reads the config on SIGHUP (a bad new config is logged and the old one
 * kept), talks to systemd with sd_notify (READY, STATUS, WATCHDOG,
 * STOPPING). Exit codes from sysexits.h. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sysexits.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "agendad/config.h"
#include "agendad/cycle.h"
#include "agendad/log.h"
#include "agendad/store.h"
#include "agendad/util.h"

#ifndef AGENDAD_VERSION
#define AGENDAD_VERSION "0.1"
#endif

/* How long the daemon waits for mail before it looks at what is due (drafts,
 * retries) anyway. Well under the 29 minutes RFC 2177 allows an IDLE, and the
 * longest it goes without WATCHDOG=1 while waiting (the units' WatchdogSec
 * covers the slowest step of a cycle, not a wait). */
#define WAKE_INTERVAL 60
/* Reconnect backoff after server failures: doubles from 5 s to 10 min. */
#define BACKOFF_MIN 5
#define BACKOFF_MAX 600

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reload_requested;
/* Any signal ends a wait: SIGHUP also makes the daemon run a cycle at once. */
static volatile sig_atomic_t wake_requested;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reload_requested = 1;
	else
		stop_requested = 1;
	wake_requested = 1;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a blocking poll() or sleep() must return at once */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* a stop also cuts short a wait for a stalled server (imap, smtp) */
	util_set_stop_flag(&stop_requested);
}

static void usage(FILE *out)
{
	fprintf(out, "usage: agendad [-c FILE] [--once] [-n] [-v]\n"
		     "  -c, --config FILE  configuration (default " CONFIG_DEFAULT_PATH ")\n"
		     "      --once         one full cycle (fetch, process, queue, deliver), then exit\n"
		     "  -n, --check        check the configuration, secrets and database, then exit\n"
		     "  -f, --foreground   run in the foreground (the default; for systemd)\n"
		     "  -v, --verbose      debug logging\n"
		     "  -V, --version      print the version\n"
		     "  -h, --help         this text\n");
}

/* The secrets the config names: checked by -n and at every start, so that a
 * missing or unprotected secret stops agendad at once with exit 78 instead
 * of failing every cycle. */
static int check_secrets(const struct config *config, struct error *error_r)
{
	const char *names[3] = { NULL, NULL, NULL };
	char *secret = NULL;

	if (config->imap.auth == CONFIG_AUTH_PASSWORD)
		names[0] = config->imap.password_file ? config->imap.password_file : "imap-password";
	if (config->smtp.username != NULL && config->smtp.auth == CONFIG_AUTH_PASSWORD)
		names[1] = config->smtp.password_file ? config->smtp.password_file : "smtp-password";
	if (config->imap.auth == CONFIG_AUTH_XOAUTH2 || config->smtp.auth == CONFIG_AUTH_XOAUTH2)
		names[2] = config->oauth2.client_secret_file ? config->oauth2.client_secret_file
							      : "oauth2-client-secret";
	for (int i = 0; i < 3; i++) {
		if (names[i] == NULL)
			continue;
		if (config_read_secret(config, names[i], &secret, error_r) != 0) {
			/* the units' LoadCredential= names: say where the file goes */
			if (strcmp(names[i], "imap-password") == 0 ||
			    strcmp(names[i], "smtp-password") == 0 ||
			    strcmp(names[i], "oauth2-client-secret") == 0) {
				struct error cause = *error_r;
				err_set(error_r, cause.kind,
					"%s (under systemd agendad reads $CREDENTIALS_DIRECTORY/%s, which"
					" agendad.service loads from /etc/credstore/agendad.%s; see"
					" CREDENTIALS in agendad(8))",
					cause.text, names[i], names[i]);
			}
			return -1;
		}
		explicit_bzero(secret, strlen(secret));
		free(secret);
	}
	return 0;
}

/* Sleeps up to seconds, waking for a stop or reload request. */
static void nap(int seconds)
{
	for (int i = 0; i < seconds && !stop_requested && !reload_requested; i++) {
		if (i % WAKE_INTERVAL == 0)
			sd_notify(0, "WATCHDOG=1");
		sleep(1);
	}
}

/* Waits for new mail (IDLE) or the poll interval, in steps of at most
 * WAKE_INTERVAL with a watchdog ping after each; a signal ends it at once. */
static void wait_for_mail(struct cycle *cycle, const struct config *config)
{
	int left = config->imap.idle ? WAKE_INTERVAL : config->imap.poll_interval;

	wake_requested = 0;
	while (left > 0 && !stop_requested && !reload_requested) {
		int step = left > WAKE_INTERVAL ? WAKE_INTERVAL : left;
		cycle_wait(cycle, step, &wake_requested);
		sd_notify(0, "WATCHDOG=1");
		/* with IDLE, cycle_wait returns early for new mail: go and fetch it */
		if (config->imap.idle || wake_requested)
			break;
		left -= step;
	}
}

/* For agendactl status: the error of the last cycle, or NULL once one works. */
static void record_failing(struct cycle *cycle, const char *text)
{
	struct error err;

	if (store_state_set(cycle_store(cycle), "failing", text, &err) != 0)
		log_warn("store: cannot record the daemon's state: %s", err.text);
}

static void reload(const char *path, struct config **config, struct cycle *cycle)
{
	struct config *fresh = NULL;
	struct error err;

	sd_notify(0, "RELOADING=1");
	if (config_load(path, &fresh, &err) != 0) {
		log_err("config: reload failed, keeping the running configuration: %s", err.text);
	} else if (cycle_reload(cycle, fresh, &err) != 0) {
		log_err("config: reload failed, keeping the running configuration: %s", err.text);
		config_free(&fresh);
	} else {
		config_free(config);
		*config = fresh;
		log_notice("config: reloaded %s", path);
	}
	sd_notify(0, "READY=1");
}

static int run_daemon(const char *path, struct config **config, struct cycle *cycle)
{
	struct cycle_stats stats;
	struct error err;
	int backoff = 0;
	bool failing = false;
	bool recorded_ok = false; /* "failing" cleared in the store since start */
	unsigned int jitter;

	sd_notify(0, "READY=1\nSTATUS=starting");
	log_notice("agendad %s: running for %s", AGENDAD_VERSION, (*config)->council.name);
	while (!stop_requested) {
		if (reload_requested) {
			reload_requested = 0;
			reload(path, config, cycle);
		}
		sd_notify(0, "WATCHDOG=1");
		if (cycle_run(cycle, &stop_requested, &stats, &err) != 0) {
			/* a stop cut a command short: no failure of the server's */
			if (stop_requested) {
				log_info("%s", err.text);
				continue;
			}
			/* logged once per change of state, then only at debug level */
			if (!failing)
				log_err("%s", err.text);
			else
				log_debug("still failing: %s", err.text);
			failing = true;
			recorded_ok = false;
			record_failing(cycle, err.text);
			backoff = backoff == 0 ? BACKOFF_MIN : backoff * 2;
			if (backoff > BACKOFF_MAX)
				backoff = BACKOFF_MAX;
			if (getrandom(&jitter, sizeof(jitter), 0) != sizeof(jitter))
				jitter = (unsigned int)getpid();
			sd_notifyf(0, "STATUS=failing, retrying in %d s: %s", backoff, err.text);
			nap(backoff + (int)(jitter % (unsigned int)(backoff / 4 + 1)));
			continue;
		}
		if (failing)
			log_notice("agendad: working again");
		/* also a failure that an earlier run left recorded */
		if (!recorded_ok)
			record_failing(cycle, NULL);
		recorded_ok = true;
		failing = false;
		backoff = 0;
		if (stats.fetched + stats.processed + stats.queued + stats.sent > 0)
			log_info("cycle: fetched %zu, processed %zu, queued %zu, sent %zu, deferred %zu",
				 stats.fetched, stats.processed, stats.queued, stats.sent,
				 stats.deferred);
		if (stop_requested || reload_requested)
			continue;
		wait_for_mail(cycle, *config);
	}
	sd_notify(0, "STOPPING=1\nSTATUS=stopping");
	log_notice("agendad: stopping");
	return EX_OK;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "once", no_argument, NULL, 'o' },
		{ "check", no_argument, NULL, 'n' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = CONFIG_DEFAULT_PATH;
	bool once = false, check = false;
	struct config *config = NULL;
	struct store *store = NULL;
	struct cycle *cycle = NULL;
	struct error err;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "c:nfvVh", options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			path = optarg;
			break;
		case 'o':
			once = true;
			break;
		case 'n':
			check = true;
			break;
		case 'f':
			break;
		case 'v':
			log_set_debug(true);
			break;
		case 'V':
			printf("agendad %s\n", AGENDAD_VERSION);
			return EX_OK;
		case 'h':
			usage(stdout);
			return EX_OK;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "agendad: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return EX_USAGE;
	}
	install_signals();
	if (config_load(path, &config, &err) != 0) {
		log_err("config: %s", err.text);
		return EX_CONFIG;
	}
	if (check_secrets(config, &err) != 0) {
		log_err("config: %s", err.text);
		config_free(&config);
		return EX_CONFIG;
	}
	if (store_open(config->store.database, &store, &err) != 0) {
		log_err("store: %s", err.text);
		config_free(&config);
		return err.kind == ERR_TEMP ? EX_TEMPFAIL : EX_IOERR;
	}
	if (cycle_open(config, store, &cycle, &err) != 0) {
		log_err("%s", err.text);
		config_free(&config);
		return err.kind == ERR_TEMP ? EX_TEMPFAIL : store_error(&err) ? EX_IOERR : EX_CONFIG;
	}
	if (check) {
		printf("configuration OK\n");
		rc = EX_OK;
	} else if (cycle_start_daemon(cycle, &err) != 0) {
		log_err("%s", err.text);
		rc = err.kind == ERR_TEMP ? EX_TEMPFAIL : EX_IOERR;
	} else if (once) {
		struct cycle_stats stats;
		if (cycle_run(cycle, &stop_requested, &stats, &err) != 0) {
			log_err("%s", err.text);
			record_failing(cycle, err.text);
			rc = store_error(&err) ? EX_IOERR : EX_TEMPFAIL;
		} else {
			record_failing(cycle, NULL);
			log_info("cycle: fetched %zu, processed %zu, queued %zu, sent %zu, deferred %zu",
				 stats.fetched, stats.processed, stats.queued, stats.sent,
				 stats.deferred);
			rc = EX_OK;
		}
	} else {
		rc = run_daemon(path, &config, cycle);
	}
	cycle_close(&cycle);
	config_free(&config);
	return rc;
}
