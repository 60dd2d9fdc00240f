/* cycle_send.c - render -> outbox (acknowledgements to the associations, the
 * draft agenda and minutes to the secretary, each queued in the transaction
 * that records it) and outbox -> smtp (delivery); and the expiry of personal
 * data past retention_days. See cycle_p.h. */
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>

#include "agendad/log.h"
#include "agendad/oauth2.h"
#include "agendad/outbox.h"
#include "agendad/schedule.h"
#include "agendad/smtp.h"
#include "agendad/util.h"
#include "cycle_p.h"

/* At most one acknowledgement per sender per hour (a burst of mails). */
#define ACK_INTERVAL 3600

/* ---- render -> outbox ---------------------------------------------------------------- */

/* Composes mail and fills out (which borrows the returned buffer). */
static int compose(struct cycle *c, const struct outbox_mail *mail, const char *kind,
		   const char *meeting, int64_t message, struct buf *raw, char **message_id_r,
		   struct store_outgoing *out, struct error *error_r)
{
	char *message_id = outbox_new_message_id(c->config->smtp.from);

	if (outbox_compose(mail, message_id, time(NULL), raw, error_r) != 0) {
		free(message_id);
		return -1;
	}
	memset(out, 0, sizeof(*out));
	out->kind = kind;
	out->message_id = message_id;
	out->mail_from = c->config->smtp.from;
	out->rcpt = mail->to_addr;
	out->subject = mail->subject;
	out->raw = raw->data;
	out->raw_size = raw->len;
	out->meeting = meeting;
	out->message = message;
	*message_id_r = message_id;
	return 0;
}

static int queue_ack(struct cycle *c, const struct store_message *msg, time_t now,
		     size_t *n_r, struct error *error_r)
{
	struct store_question *questions = NULL;
	struct render_context ctx;
	struct store_outgoing out;
	struct buf raw = { 0 };
	char *subject = NULL, *text = NULL, *message_id = NULL;
	struct store_meeting *meetings = NULL;
	size_t n, n_meetings = 0;
	time_t last;
	int rc;

	if (msg->from_addr == NULL || cycle_is_own_address(c, msg->from_addr))
		return store_ack_skip(c->store, msg->id, "ingen avsändare att svara", error_r);
	if (store_last_ack_to(c->store, msg->from_addr, &last, error_r) != 0)
		return -1;
	if (last != 0 && now - last < ACK_INTERVAL)
		return 0; /* a burst: this one waits for the hour to pass */
	if (store_message_questions(c->store, msg->id, &questions, &n, error_r) != 0)
		return -1;
	if (store_meetings(c->store, &meetings, &n_meetings, error_r) != 0) {
		store_questions_free(questions, n);
		return -1;
	}
	cycle_render_context(c, false, &ctx);
	/* lets the ack say that a question missed a nearer meeting's cutoff */
	ctx.meetings = meetings;
	ctx.n_meetings = n_meetings;
	rc = render_ack(c->templates, &ctx, msg, questions, n, &subject, &text, error_r);
	if (rc == 0) {
		struct outbox_mail mail = {
			.from_addr = c->config->smtp.from,
			.from_name = c->config->council.name,
			.to_addr = msg->from_addr,
			.to_name = msg->from_name,
			.subject = subject,
			.in_reply_to = msg->message_id,
			.references = msg->message_id,
			.auto_submitted = "auto-replied",
			.text = text,
		};
		rc = compose(c, &mail, "ack", n > 0 ? questions[0].meeting : NULL, msg->id, &raw,
			     &message_id, &out, error_r);
		if (rc == 0)
			rc = store_outbox_queue(c->store, &out, 1, msg->id, NULL, false, error_r);
		if (rc == 0)
			(*n_r)++;
	}
	store_questions_free(questions, n);
	store_meetings_free(meetings, n_meetings);
	buf_free(&raw);
	free(subject);
	free(text);
	free(message_id);
	return rc;
}

static void meeting_subject_date(const struct store_meeting *m, char out[64])
{
	render_swedish_date(m->date, out);
}

/* The draft agenda (with the meeting as .ics) and the minutes skeleton
 * (with a .docx) to the secretary, queued together with the meeting's
 * draft state (store.c rule 5). */
/* A draft for the secretary, with one attachment; borrows its arguments. */
static struct outbox_mail draft_mail(const struct config *cfg, const char *subject,
				     const char *text, const char *html,
				     const struct outbox_attachment *attachment)
{
	return (struct outbox_mail){ .from_addr = cfg->smtp.from,
				     .from_name = cfg->council.name,
				     .to_addr = cfg->council.secretary,
				     .to_name = cfg->council.secretary_name,
				     .subject = subject,
				     .auto_submitted = "auto-generated",
				     .text = text,
				     .html = html,
				     .attachments = attachment,
				     .n_attachments = 1 };
}

static int queue_draft(struct cycle *c, const char *meeting, bool updated, struct error *error_r)
{
	const struct config *cfg = c->config;
	struct store_agenda *agenda = NULL;
	struct render_context ctx;
	char *agenda_text = NULL, *agenda_html = NULL, *minutes_text = NULL, *minutes_html = NULL;
	char *ics = NULL, *subject[2] = { NULL, NULL }, *ids[2] = { NULL, NULL };
	void *docx = NULL;
	size_t docx_size = 0;
	struct buf raw[2] = { { 0 }, { 0 } };
	struct store_outgoing out[2];
	char date[64], *domain;
	int rc;

	if (store_load_agenda(c->store, meeting, &agenda, error_r) != 0)
		return -1;
	cycle_render_context(c, updated, &ctx);
	domain = strchr(cfg->smtp.from, '@');
	rc = render_agenda(c->templates, &ctx, agenda, RENDER_TEXT, &agenda_text, error_r);
	if (rc == 0)
		rc = render_agenda(c->templates, &ctx, agenda, RENDER_HTML, &agenda_html, error_r);
	if (rc == 0)
		rc = render_minutes(c->templates, &ctx, agenda, RENDER_TEXT, &minutes_text, error_r);
	if (rc == 0)
		rc = render_minutes(c->templates, &ctx, agenda, RENDER_HTML, &minutes_html, error_r);
	if (rc == 0)
		rc = render_minutes_docx(&ctx, agenda, &docx, &docx_size, error_r);
	if (rc == 0)
		rc = render_meeting_ics(&ctx, agenda, domain ? domain + 1 : "agendad.invalid", &ics,
					error_r);
	if (rc == 0) {
		meeting_subject_date(&agenda->meeting, date);
		subject[0] = xasprintf("%sDagordning %s %s", updated ? "Uppdaterad: " : "",
				       cfg->council.name, date);
		subject[1] = xasprintf("%sMötesanteckning (utkast) %s %s",
				       updated ? "Uppdaterad: " : "", cfg->council.name, date);
		char *ics_name = xasprintf("%s %s.ics", cfg->council.name, meeting);
		char *docx_name = xasprintf("Mötesanteckning %s %s.docx", cfg->council.name, meeting);
		struct outbox_attachment ics_att = { ics_name, "text/calendar; method=PUBLISH", ics,
						     strlen(ics) };
		struct outbox_attachment docx_att = {
			docx_name,
			"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
			docx, docx_size
		};
		struct outbox_mail mails[2] = {
			draft_mail(cfg, subject[0], agenda_text, agenda_html, &ics_att),
			draft_mail(cfg, subject[1], minutes_text, minutes_html, &docx_att),
		};
		rc = compose(c, &mails[0], "agenda", meeting, 0, &raw[0], &ids[0], &out[0], error_r);
		if (rc == 0)
			rc = compose(c, &mails[1], "minutes", meeting, 0, &raw[1], &ids[1], &out[1],
				     error_r);
		if (rc == 0)
			rc = store_outbox_queue(c->store, out, 2, 0, meeting, updated, error_r);
		free(ics_name);
		free(docx_name);
	}
	if (rc == 0)
		log_info("outbox: %sdraft agenda and minutes of %s queued for the secretary",
			 updated ? "updated " : "", meeting);
	for (int i = 0; i < 2; i++) {
		buf_free(&raw[i]);
		free(subject[i]);
		free(ids[i]);
	}
	free(agenda_text);
	free(agenda_html);
	free(minutes_text);
	free(minutes_html);
	free(ics);
	free(docx);
	store_agenda_free(&agenda);
	return rc;
}

int cycle_queue_draft(struct cycle *c, const char *meeting, struct error *error_r)
{
	struct store_meeting *meetings;
	bool updated = false;
	size_t n;

	if (store_meetings(c->store, &meetings, &n, error_r) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(meetings[i].date, meeting) == 0)
			updated = meetings[i].draft_sent != 0;
	store_meetings_free(meetings, n);
	return queue_draft(c, meeting, updated, error_r);
}

int cycle_queue_due(struct cycle *c, time_t now, size_t *n_r, struct error *error_r)
{
	struct store_message *pending = NULL;
	struct store_meeting *meetings = NULL;
	char today[11];
	size_t n_pending = 0, n_meetings = 0, queued = 0;
	int rc = 0;

	*n_r = 0;
	if (store_ack_pending(c->store, &pending, &n_pending, error_r) != 0)
		return -1;
	for (size_t i = 0; i < n_pending && rc == 0; i++)
		rc = queue_ack(c, &pending[i], now, &queued, error_r);
	store_messages_free(pending, n_pending);
	if (rc != 0)
		return -1;

	if (store_meetings(c->store, &meetings, &n_meetings, error_r) != 0)
		return -1;
	util_local_day(now, today);
	for (size_t i = 0; i < n_meetings && rc == 0; i++) {
		const struct store_meeting *m = &meetings[i];
		time_t newest;
		if (strcmp(m->date, today) < 0)
			continue;
		if (m->draft_sent == 0) {
			if (schedule_draft_due(m->date, c->config->council.draft_days, today)) {
				rc = queue_draft(c, m->date, false, error_r);
				queued += 2;
			}
			continue;
		}
		rc = store_meeting_newest(c->store, m->date, &newest, error_r);
		if (rc == 0 && schedule_update_due(m->draft_sent, m->draft_updated, newest, now)) {
			rc = queue_draft(c, m->date, true, error_r);
			queued += 2;
		}
	}
	store_meetings_free(meetings, n_meetings);
	*n_r = queued;
	return rc;
}

/* ---- outbox -> smtp ------------------------------------------------------------------ */

int cycle_deliver(struct cycle *c, time_t now, volatile sig_atomic_t *stop, size_t *n_sent_r,
		  size_t *n_deferred_r, struct error *error_r)
{
	const struct config *cfg = c->config;
	struct store_outbox_row *rows = NULL;
	struct smtp_credentials cred = { .username = cfg->smtp.username };
	char *password = NULL;
	size_t n = 0, sent = 0, deferred = 0;
	int rc = 0;

	*n_sent_r = *n_deferred_r = 0;
	if (store_outbox_due(c->store, now, &rows, &n, error_r) != 0)
		return -1;
	if (n == 0) {
		free(rows);
		return 0;
	}
	if (cfg->smtp.username != NULL) {
		if (cfg->smtp.auth == CONFIG_AUTH_XOAUTH2) {
			if (oauth2_token(c->oauth2, cfg, false, &cred.access_token, error_r) != 0) {
				store_outbox_rows_free(rows, n);
				return -1;
			}
		} else {
			if (config_read_secret(cfg,
					       cfg->smtp.password_file ? cfg->smtp.password_file
								       : "smtp-password",
					       &password, error_r) != 0) {
				store_outbox_rows_free(rows, n);
				return -1;
			}
			cred.password = password;
		}
	}
	sd_notifyf(0, "STATUS=sending %zu mails", n);
	for (size_t i = 0; i < n && rc == 0 && !*stop; i++) {
		struct store_outbox_row *row = &rows[i];
		enum outbox_result result;
		char reply[256] = "";

		sd_notify(0, "WATCHDOG=1");
		if (store_check_reserve(c->store, error_r) != 0 ||
		    outbox_claim(c->store, row, error_r) != 0) {
			rc = -1;
			break;
		}
		result = smtp_send(&cfg->smtp, &cred, row->mail_from, row->rcpt, row->raw,
				   row->raw_size, reply);
		if (outbox_settle(c->store, row, result, reply, time(NULL), error_r) != 0) {
			rc = -1;
			break;
		}
		/* addresses are personal data that erase cannot reach in the journal:
		 * the outbox id identifies the mail (agendactl outbox) */
		log_debug("smtp: outbox %lld goes to %s", (long long)row->id, row->rcpt);
		if (result == OUTBOX_SENT) {
			sent++;
			log_info("smtp: %s, outbox %lld, sent (%s)", row->kind, (long long)row->id,
				 row->message_id);
		} else if (result == OUTBOX_PERMFAIL) {
			log_err("smtp: %s, outbox %lld, refused for good: %s", row->kind,
				(long long)row->id, reply);
			/* the same sender would be refused for every other mail: the
			 * rest waits for the next cycle (agendactl status shows the
			 * failed one, so this is no error of the cycle itself) */
			if (strncmp(reply, SMTP_REPLY_SENDER_REFUSED,
				    strlen(SMTP_REPLY_SENDER_REFUSED)) == 0)
				break;
		} else {
			bool auth_failed = strncmp(reply, SMTP_REPLY_AUTH_FAILED,
						   strlen(SMTP_REPLY_AUTH_FAILED)) == 0;
			deferred++;
			log_warn("smtp: %s, outbox %lld, deferred: %s", row->kind, (long long)row->id,
				 reply);
			if (auth_failed && cfg->smtp.auth == CONFIG_AUTH_XOAUTH2) {
				/* an expired token: the next attempt fetches a new one */
				const char *fresh;
				struct error ignored;
				oauth2_token(c->oauth2, cfg, true, &fresh, &ignored);
			}
			/* the server itself is in trouble, or refuses us: do not hammer
			 * it with the rest */
			if (auth_failed || strstr(reply, "connect") != NULL ||
			    strstr(reply, "timed out") != NULL || strstr(reply, "TLS") != NULL ||
			    strstr(reply, "certificate") != NULL) {
				err_set(error_r, ERR_TEMP, "smtp: %s", reply);
				rc = -1;
			}
		}
	}
	if (password != NULL) {
		explicit_bzero(password, strlen(password));
		free(password);
	}
	store_outbox_rows_free(rows, n);
	*n_sent_r = sent;
	*n_deferred_r = deferred;
	if (sent > 0) {
		char stamp[21];
		struct error ignored;
		util_iso8601_utc(time(NULL), stamp);
		store_state_set(c->store, "last_delivery", stamp, &ignored);
	}
	return rc;
}

int cycle_expire(struct cycle *c, time_t now, struct error *error_r)
{
	char today[11], before[11];
	int n = 0;

	util_local_day(now, today);
	util_date_add(today, -c->config->council.retention_days, before);
	if (store_expire(c->store, before, &n, error_r) != 0)
		return -1;
	if (n > 0)
		log_info("store: removed personal data of %d row(s) older than %s (retention_days)",
			 n, before);
	return 0;
}
