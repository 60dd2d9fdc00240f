/* smtp.c - one SMTP transaction with libcurl; see smtp.h.
 *
 * The whole module is one curl_easy_perform(): connect (implicit TLS or
 * STARTTLS, required), EHLO, AUTH, MAIL FROM, one RCPT, DATA from memory.
 * What this file adds to libcurl is the verdict: which outcome keeps a mail
 * for another try (OUTBOX_TEMPFAIL), which gives it up (OUTBOX_PERMFAIL), and
 * a reply line that tells the secretary why, without any secret in it.
 *
 * The verdict needs to know which command a reply answered (a 5xx to RCPT is
 * about this mail, a 5xx to EHLO or MAIL FROM is about our configuration), and
 * curl reports only the last code; so the debug callback follows the dialogue.
 * It reads the first word of each command we send and the server's reply
 * lines, and never copies a command's arguments (AUTH carries the secret). */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agendad/smtp.h"
#include "agendad/util.h"

/* RFC 5321 4.5.3.2 lets a relay wait up to 10 minutes for the reply to the
 * end of data; a submission server answers in seconds. A limit that is too
 * short widens the at-least-once window of outbox.c rule 4 (a mail given up
 * while the server still decides is sent again), one that is too long stalls
 * the daemon's loop: 5 minutes in all, and 2 minutes without a byte either
 * way means the connection is dead. */
#define CONNECT_TIMEOUT 30L
#define TRANSFER_TIMEOUT 300L
#define LOW_SPEED_BYTES 1L
#define LOW_SPEED_SECONDS 120L

/* libcurl's progress callback, called at least once a second even while the
 * server says nothing: non-zero gives the transfer up. *stop_seen_ms is when
 * it first saw the stop flag set. */
static int progress(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		    curl_off_t ulnow)
{
	int64_t *stop_seen_ms = clientp;

	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	if (!util_stopping())
		return 0;
	if (*stop_seen_ms == 0)
		*stop_seen_ms = util_now_ms();
	return util_now_ms() - *stop_seen_ms >= SMTP_STOP_GRACE_S * 1000;
}

struct upload {
	const char *data;
	size_t size;
	size_t pos;
};

/* What the server said last, and to which command. */
struct dialogue {
	char command[16]; /* "RCPT", "end of data", ... */
	char reply_to[16]; /* the command the last reply answered */
	char reply[200]; /* the last reply line, printable ASCII */
	bool data_sent;
	bool quitting; /* the reply to QUIT says nothing about the mail */
};

static size_t read_body(char *buffer, size_t size, size_t nitems, void *userdata)
{
	struct upload *up = userdata;
	size_t room = size * nitems, n = up->size - up->pos;

	if (n > room)
		n = room;
	memcpy(buffer, up->data + up->pos, n);
	up->pos += n;
	return n;
}

static int follow_dialogue(CURL *curl, curl_infotype type, char *data, size_t size, void *userp)
{
	static const char *const commands[] = { "EHLO", "HELO", "STARTTLS", "AUTH", "MAIL",
						"RCPT", "DATA", "QUIT", "RSET", "NOOP" };
	struct dialogue *d = userp;

	(void)curl;
	switch (type) {
	case CURLINFO_HEADER_OUT:
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
			size_t n = strlen(commands[i]);
			if (size >= n && strncmp(data, commands[i], n) == 0 &&
			    (size == n || data[n] == ' ' || data[n] == '\r')) {
				snprintf(d->command, sizeof(d->command), "%s", commands[i]);
				d->quitting = strcmp(commands[i], "QUIT") == 0;
				break;
			}
		}
		break;
	case CURLINFO_DATA_OUT:
		if (!d->data_sent)
			snprintf(d->command, sizeof(d->command), "%s", "end of data");
		d->data_sent = true;
		break;
	case CURLINFO_HEADER_IN: {
		/* keep the last non-empty line, printable only */
		size_t end = size;
		if (d->quitting)
			break;
		while (end > 0 && (data[end - 1] == '\r' || data[end - 1] == '\n'))
			end--;
		if (end == 0)
			break;
		size_t start = end;
		while (start > 0 && data[start - 1] != '\n')
			start--;
		size_t n = 0;
		for (size_t i = start; i < end && n + 1 < sizeof(d->reply); i++) {
			unsigned char c = (unsigned char)data[i];
			d->reply[n++] = c >= 0x20 && c < 0x7f ? (char)c : ' ';
		}
		d->reply[n] = '\0';
		snprintf(d->reply_to, sizeof(d->reply_to), "%s", d->command);
		break;
	}
	default:
		break;
	}
	return 0;
}

/* An address that goes into MAIL FROM / RCPT TO: no blanks, controls or
 * brackets (libcurl also refuses CR and LF, this refuses more). */
static bool valid_envelope_address(const char *s)
{
	const char *at;

	if (s == NULL || (at = strrchr(s, '@')) == NULL || at == s || at[1] == '\0' ||
	    strlen(s) > 254)
		return false;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f || *s == '<' ||
		    *s == '>' || *s == ',' || *s == ';')
			return false;
	return true;
}

/* libcurl sends the URL path as the EHLO name (FACTS.md 12): without one it
 * says something odd, so the domain of the sender is added. */
static char *url_with_ehlo(const char *url, const char *mail_from)
{
	const char *host = strstr(url, "://");
	const char *slash = host != NULL ? strchr(host + 3, '/') : NULL;
	const char *domain = strrchr(mail_from, '@') + 1;

	if (slash != NULL && slash[1] != '\0')
		return xstrdup(url);
	if (slash != NULL)
		return xasprintf("%s%s", url, domain);
	return xasprintf("%s/%s", url, domain);
}

/* The verdict, from curl's result and the dialogue (see the top of the file).
 * A refused login or TLS failure is configuration: the mail is kept
 * (TEMPFAIL) while the administrator fixes it, and outbox.c gives it up after
 * its retry period like any other temporary failure. */
static enum outbox_result verdict(CURLcode res, long code, const struct dialogue *d,
				  const char **why_r)
{
	const char *cmd = d->reply_to;
	bool about_mail = strcmp(cmd, "RCPT") == 0 || strcmp(cmd, "DATA") == 0 ||
			  strcmp(cmd, "end of data") == 0;

	*why_r = NULL;
	if (res == CURLE_OK)
		return OUTBOX_SENT;
	if (res == CURLE_ABORTED_BY_CALLBACK) {
		*why_r = "interrupted, agendad is stopping";
		return OUTBOX_TEMPFAIL;
	}
	if (res == CURLE_LOGIN_DENIED) {
		*why_r = SMTP_REPLY_AUTH_FAILED;
		return OUTBOX_TEMPFAIL;
	}
	if (res == CURLE_BAD_FUNCTION_ARGUMENT)
		return OUTBOX_PERMFAIL;
	if (code < 500 || code > 599)
		return OUTBOX_TEMPFAIL;
	/* 530 "authentication required" and 538 "encryption required" are
	 * about our configuration wherever they come */
	if (code == 530 || code == 538) {
		*why_r = "server requires authentication or TLS (check [smtp])";
		return OUTBOX_TEMPFAIL;
	}
	/* MAIL FROM is [smtp] from for every mail: a refusal there is usually
	 * about the account (send-as rights). Issue 6's rule holds all the same
	 * (5xx: the row fails, with the reply shown by agendactl outbox and
	 * status); the reply names the likely cause, and cycle.c stops sending
	 * the rest of the queue after it, so one refusal does not fail them all */
	if (strcmp(cmd, "MAIL") == 0 && code != 552) {
		*why_r = SMTP_REPLY_SENDER_REFUSED;
		return OUTBOX_PERMFAIL;
	}
	if (strcmp(cmd, "MAIL") == 0 || about_mail)
		return OUTBOX_PERMFAIL;
	*why_r = "server refused the session";
	return OUTBOX_TEMPFAIL;
}

enum outbox_result smtp_send(const struct config_smtp *cfg, const struct smtp_credentials *cred,
			     const char *mail_from, const char *rcpt, const void *raw,
			     size_t size, char reply_r[256])
{
	char errbuf[CURL_ERROR_SIZE] = "", *url, *from_arg, *rcpt_arg;
	struct upload up = { raw, size, 0 };
	struct dialogue d = { .command = "connect", .reply_to = "" };
	struct curl_slist *rcpts = NULL;
	struct buf reply = { 0 };
	enum outbox_result result;
	const char *why;
	int64_t stop_seen_ms = 0;
	long code = 0;
	CURLcode res;
	CURL *curl;

	reply_r[0] = '\0';
	if (!valid_envelope_address(mail_from)) {
		snprintf(reply_r, 256, "invalid sender address (check [smtp] from)");
		return OUTBOX_TEMPFAIL;
	}
	if (!valid_envelope_address(rcpt)) {
		snprintf(reply_r, 256, "invalid recipient address");
		return OUTBOX_PERMFAIL;
	}
	curl = curl_easy_init();
	if (curl == NULL) {
		snprintf(reply_r, 256, "libcurl could not start");
		return OUTBOX_TEMPFAIL;
	}
	url = url_with_ehlo(cfg->url, mail_from);
	from_arg = xasprintf("<%s>", mail_from);
	rcpt_arg = xasprintf("<%s>", rcpt);
	rcpts = curl_slist_append(rcpts, rcpt_arg);

	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	/* smtps:// is TLS from the first byte; smtp:// upgrades with STARTTLS
	 * and fails when the server does not offer it, never falls back */
	curl_easy_setopt(curl, CURLOPT_USE_SSL,
			 cfg->starttls || str_prefix_ci(cfg->url, "smtps://") ? (long)CURLUSESSL_ALL
									      : (long)CURLUSESSL_NONE);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	if (cfg->ca_file != NULL)
		curl_easy_setopt(curl, CURLOPT_CAINFO, cfg->ca_file);
	if (cred != NULL && cred->username != NULL) {
		curl_easy_setopt(curl, CURLOPT_USERNAME, cred->username);
		if (cfg->auth == CONFIG_AUTH_XOAUTH2) {
			curl_easy_setopt(curl, CURLOPT_XOAUTH2_BEARER,
					 cred->access_token != NULL ? cred->access_token : "");
			curl_easy_setopt(curl, CURLOPT_LOGIN_OPTIONS, "AUTH=XOAUTH2");
		} else {
			curl_easy_setopt(curl, CURLOPT_PASSWORD,
					 cred->password != NULL ? cred->password : "");
		}
	}
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from_arg);
	/* one recipient, and no CURLOPT_MAIL_RCPT_ALLOWFAILS (FACTS.md 12): a
	 * refused RCPT must fail the transaction, not send to nobody */
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_body);
	curl_easy_setopt(curl, CURLOPT_READDATA, &up);
	curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)size);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, TRANSFER_TIMEOUT);
	curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, LOW_SPEED_BYTES);
	curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, LOW_SPEED_SECONDS);
	curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, progress);
	curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &stop_seen_ms);
	curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	/* the debug callback sees the dialogue only when verbose is on; with a
	 * callback set nothing is printed */
	curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, follow_dialogue);
	curl_easy_setopt(curl, CURLOPT_DEBUGDATA, &d);
	curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);

	res = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	result = verdict(res, code, &d, &why);

	if (res == CURLE_OK) {
		buf_append_str(&reply, d.reply);
	} else if ((code >= 400 || res == CURLE_LOGIN_DENIED) && d.reply[0] != '\0') {
		/* the server's own words, with the command they answered */
		if (why != NULL)
			buf_printf(&reply, "%s; ", why);
		buf_printf(&reply, "%s: %s", d.reply_to, d.reply);
	} else if (res == CURLE_ABORTED_BY_CALLBACK) {
		buf_append_str(&reply, why); /* curl's "Callback aborted" says less */
	} else {
		if (why != NULL)
			buf_printf(&reply, "%s: ", why);
		buf_append_str(&reply, errbuf[0] != '\0' ? errbuf : curl_easy_strerror(res));
	}
	snprintf(reply_r, 256, "%s", reply.data != NULL ? reply.data : "");
	buf_free(&reply);
	curl_slist_free_all(rcpts);
	curl_easy_cleanup(curl);
	free(rcpt_arg);
	free(from_arg);
	free(url);
	return result;
}
