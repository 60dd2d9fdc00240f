/* test_smtp.c - smtp_send() against a real SMTP server (aiosmtpd, started
 * here from tests/data/smtp/smtpsink.py on free 127.0.0.1 ports): plain,
 * STARTTLS and implicit TLS with a CA made here by openssl, AUTH with a
 * password and XOAUTH2, and the 4xx / 5xx answers mapped to outcomes. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"

#include "agendad/outbox.h"
#include "agendad/smtp.h"
#include "agendad/util.h"

#define PYTHON "/usr/bin/python3"
#define SINK TEST_DATA "/smtp/smtpsink.py"
#define USER "agendad"
#define PASSWORD "hemligt-lösen-123"
#define TOKEN "eyJ0eXAiOiJKV1QiLCJub25jZSI6IjEyMyJ9.test-token"
#define FROM "lss-samverkan@kommun.example.se"

static char tmpdir[] = "/tmp/agendad-test-smtp-XXXXXX";
static pid_t sink_pid;
static json_t *ports;

/* Dots at line starts check libcurl's dot-stuffing against the server's
 * unstuffing: the bytes stored must be the bytes sent. */
static const char raw_mail[] = "From: <" FROM ">\r\n"
			       "To: <fragor@fub.example.org>\r\n"
			       "Subject: test\r\n"
			       "Message-ID: <t1@kommun.example.se>\r\n"
			       "\r\n"
			       ".\r\n"
			       "..two dots\r\n"
			       ".one dot\r\n"
			       "Hej =C3=A5\r\n"
			       "end\r\n";

static int run(const char *cmd)
{
	int rc = system(cmd);

	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* A CA, a server certificate for 127.0.0.1 only (so "localhost" does not
 * match it), and a second CA that signed nothing here. EC keys: fast. */
static int make_certs(void)
{
	char *cmd = xasprintf(
		"cd '%s' && "
		"openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
		"-days 30 -subj '/CN=agendad test CA' -keyout ca.key -out ca.pem "
		"-addext basicConstraints=critical,CA:TRUE "
		"-addext keyUsage=critical,keyCertSign,cRLSign && "
		"openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
		"-days 30 -subj '/CN=agendad wrong CA' -keyout wrong.key -out wrong-ca.pem "
		"-addext basicConstraints=critical,CA:TRUE && "
		"openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
		"-subj '/CN=127.0.0.1' -keyout server.key -out server.csr && "
		"printf 'basicConstraints=CA:FALSE\\nextendedKeyUsage=serverAuth\\n"
		"subjectAltName=IP:127.0.0.1\\n' > server.ext && "
		"openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
		"-days 30 -extfile server.ext -out server.pem",
		tmpdir);
	char *quiet = xasprintf("(%s) >/dev/null 2>&1", cmd);
	int rc = run(quiet);

	free(quiet);
	free(cmd);
	return rc;
}

static int start_sink(void)
{
	char *port_file = xasprintf("%s/ports.json", tmpdir);
	char *out = xasprintf("%s/out", tmpdir);
	char *cert = xasprintf("%s/server.pem", tmpdir), *key = xasprintf("%s/server.key", tmpdir);
	int rc = -1;

	mkdir(out, 0700);
	sink_pid = fork();
	if (sink_pid == 0) {
		char *log = xasprintf("%s/sink.log", tmpdir);
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execl(PYTHON, PYTHON, SINK, "--dir", out, "--port-file", port_file, "--cert", cert,
		      "--key", key, "--user", USER ":" PASSWORD, "--token", TOKEN, (char *)NULL);
		_exit(127);
	}
	/* the port file appears once every listener accepts */
	for (int i = 0; i < 200 && sink_pid > 0; i++) {
		if (access(port_file, R_OK) == 0) {
			ports = json_load_file(port_file, 0, NULL);
			rc = ports != NULL ? 0 : -1;
			break;
		}
		if (waitpid(sink_pid, NULL, WNOHANG) == sink_pid) {
			sink_pid = 0;
			break;
		}
		usleep(50 * 1000);
	}
	free(key);
	free(cert);
	free(out);
	free(port_file);
	return rc;
}

static void stop_pid(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	for (int i = 0; i < 100; i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return;
		usleep(50 * 1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static int group_setup(void **state)
{
	(void)state;
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	if (make_certs() != 0) {
		print_error("openssl failed\n");
		return -1;
	}
	if (start_sink() != 0) {
		print_error("the SMTP sink did not start (python3-aiosmtpd?)\n");
		stop_pid(sink_pid);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);

	(void)state;
	stop_pid(sink_pid);
	json_decref(ports);
	(void)!system(cmd);
	free(cmd);
	return 0;
}

/* The number of mails the sink has stored, and the newest one. */
static int stored_count(void)
{
	int n = 0;

	for (;; n++) {
		char *path = xasprintf("%s/out/%06d.eml", tmpdir, n + 1);
		bool there = access(path, R_OK) == 0;
		free(path);
		if (!there)
			return n;
	}
}

static int closed_port(void)
{
	/* a port nothing listens on: bind one, close it, use its number */
	char *cmd = xasprintf("%s -c 'import socket; s=socket.socket(); s.bind((\"127.0.0.1\", "
			      "0)); print(s.getsockname()[1])'",
			      PYTHON);
	FILE *f = popen(cmd, "r");
	int port = 0;

	assert_non_null(f);
	assert_int_equal(fscanf(f, "%d", &port), 1);
	pclose(f);
	free(cmd);
	return port;
}

enum ca {
	CA_NONE, /* the system store */
	CA_GOOD,
	CA_WRONG,
};

static const struct smtp_case {
	const char *name;
	const char *listener; /* plain, starttls, smtps, authreq, or closed */
	const char *scheme_host; /* "smtp://127.0.0.1" ... */
	const char *path; /* "" or "/agendad.example" */
	bool starttls;
	enum ca ca;
	enum config_auth auth;
	const char *user; /* NULL: no AUTH */
	const char *password;
	const char *token;
	const char *from;
	const char *rcpt;
	/* expected */
	enum outbox_result result;
	const char *reply_has; /* in reply_r, or NULL */
	const char *helo; /* stored mail's EHLO name; NULL: nothing stored */
	bool tls;
	const char *auth_user;
} smtp_cases[] = {
	{ "plain, no STARTTLS", "plain", "smtp://127.0.0.1", "", false, CA_NONE, 0, NULL, NULL,
	  NULL, FROM, "fragor@fub.example.org", OUTBOX_SENT, "250", "kommun.example.se", false,
	  NULL },
	{ "EHLO name from the URL path", "plain", "smtp://127.0.0.1", "/agendad.example", false,
	  CA_NONE, 0, NULL, NULL, NULL, FROM, "fragor@fub.example.org", OUTBOX_SENT, NULL,
	  "agendad.example", false, NULL },
	{ "EHLO name after a bare slash", "plain", "smtp://127.0.0.1", "/", false, CA_NONE, 0,
	  NULL, NULL, NULL, FROM, "fragor@fub.example.org", OUTBOX_SENT, NULL,
	  "kommun.example.se", false, NULL },
	{ "STARTTLS required but not offered", "plain", "smtp://127.0.0.1", "", true, CA_GOOD,
	  0, NULL, NULL, NULL, FROM, "fragor@fub.example.org", OUTBOX_TEMPFAIL, "STARTTLS",
	  NULL, false, NULL },
	{ "STARTTLS, right CA", "starttls", "smtp://127.0.0.1", "", true, CA_GOOD, 0, NULL, NULL,
	  NULL, FROM, "fragor@fub.example.org", OUTBOX_SENT, "250 2.0.0", "kommun.example.se",
	  true, NULL },
	{ "STARTTLS, wrong CA", "starttls", "smtp://127.0.0.1", "", true, CA_WRONG, 0, NULL, NULL,
	  NULL, FROM, "fragor@fub.example.org", OUTBOX_TEMPFAIL, NULL, NULL, false, NULL },
	{ "STARTTLS, system store does not know the CA", "starttls", "smtp://127.0.0.1", "",
	  true, CA_NONE, 0, NULL, NULL, NULL, FROM, "fragor@fub.example.org", OUTBOX_TEMPFAIL,
	  NULL, NULL, false, NULL },
	{ "STARTTLS off where the server requires it", "starttls", "smtp://127.0.0.1", "", false,
	  CA_GOOD, 0, NULL, NULL, NULL, FROM, "fragor@fub.example.org", OUTBOX_TEMPFAIL, "530",
	  NULL, false, NULL },
	{ "SMTPS, right CA", "smtps", "smtps://127.0.0.1", "", false, CA_GOOD, 0, NULL, NULL,
	  NULL, FROM, "fragor@fub.example.org", OUTBOX_SENT, NULL, "kommun.example.se", true,
	  NULL },
	{ "SMTPS, wrong CA", "smtps", "smtps://127.0.0.1", "", true, CA_WRONG, 0, NULL, NULL,
	  NULL, FROM, "fragor@fub.example.org", OUTBOX_TEMPFAIL, NULL, NULL, false, NULL },
	{ "SMTPS, host name not in the certificate", "smtps", "smtps://localhost", "", true,
	  CA_GOOD, 0, NULL, NULL, NULL, FROM, "fragor@fub.example.org", OUTBOX_TEMPFAIL, NULL,
	  NULL, false, NULL },
	{ "AUTH with a password", "starttls", "smtp://127.0.0.1", "", true, CA_GOOD,
	  CONFIG_AUTH_PASSWORD, USER, PASSWORD, NULL, FROM, "fragor@fub.example.org",
	  OUTBOX_SENT, NULL, "kommun.example.se", true, USER },
	{ "AUTH with a wrong password", "starttls", "smtp://127.0.0.1", "", true, CA_GOOD,
	  CONFIG_AUTH_PASSWORD, USER, "fel-lösen", NULL, FROM, "fragor@fub.example.org",
	  OUTBOX_TEMPFAIL, SMTP_REPLY_AUTH_FAILED "; AUTH: 535", NULL, false, NULL },
	{ "AUTH over SMTPS", "smtps", "smtps://127.0.0.1", "", false, CA_GOOD,
	  CONFIG_AUTH_PASSWORD, USER, PASSWORD, NULL, FROM, "fragor@fub.example.org",
	  OUTBOX_SENT, NULL, "kommun.example.se", true, USER },
	{ "AUTH required and given", "authreq", "smtp://127.0.0.1", "", true, CA_GOOD,
	  CONFIG_AUTH_PASSWORD, USER, PASSWORD, NULL, FROM, "fragor@fub.example.org",
	  OUTBOX_SENT, NULL, "kommun.example.se", true, USER },
	{ "AUTH required, none configured", "authreq", "smtp://127.0.0.1", "", true, CA_GOOD, 0,
	  NULL, NULL, NULL, FROM, "fragor@fub.example.org", OUTBOX_TEMPFAIL, "MAIL: 530", NULL,
	  false, NULL },
	{ "XOAUTH2", "starttls", "smtp://127.0.0.1", "", true, CA_GOOD, CONFIG_AUTH_XOAUTH2, USER,
	  NULL, TOKEN, FROM, "fragor@fub.example.org", OUTBOX_SENT, NULL, "kommun.example.se",
	  true, USER },
	{ "XOAUTH2 with a refused token", "starttls", "smtp://127.0.0.1", "", true, CA_GOOD,
	  CONFIG_AUTH_XOAUTH2, USER, NULL, "expired-token", FROM, "fragor@fub.example.org",
	  OUTBOX_TEMPFAIL, SMTP_REPLY_AUTH_FAILED, NULL, false, NULL },
	{ "XOAUTH2 over SMTPS", "smtps", "smtps://127.0.0.1", "", false, CA_GOOD,
	  CONFIG_AUTH_XOAUTH2, USER, NULL, TOKEN, FROM, "fragor@fub.example.org", OUTBOX_SENT,
	  NULL, "kommun.example.se", true, USER },
	{ "RCPT 451", "plain", "smtp://127.0.0.1", "", false, CA_NONE, 0, NULL, NULL, NULL, FROM,
	  "tempfail@fub.example.org", OUTBOX_TEMPFAIL, "RCPT: 451 4.3.0", NULL, false, NULL },
	{ "RCPT 550", "plain", "smtp://127.0.0.1", "", false, CA_NONE, 0, NULL, NULL, NULL, FROM,
	  "reject@fub.example.org", OUTBOX_PERMFAIL,
	  "RCPT: 550 5.1.1 <reject@fub.example.org>: Recipient address rejected", NULL, false,
	  NULL },
	{ "554 after the data", "plain", "smtp://127.0.0.1", "", false, CA_NONE, 0, NULL, NULL,
	  NULL, FROM, "datafail@fub.example.org", OUTBOX_PERMFAIL, "end of data: 554 5.6.0", NULL,
	  false, NULL },
	{ "452 after the data", "plain", "smtp://127.0.0.1", "", false, CA_NONE, 0, NULL, NULL,
	  NULL, FROM, "datatemp@fub.example.org", OUTBOX_TEMPFAIL, "end of data: 452", NULL,
	  false, NULL },
	{ "MAIL FROM 550 fails the mail, naming the account", "plain", "smtp://127.0.0.1", "",
	  false, CA_NONE, 0, NULL, NULL, NULL, "badsender@kommun.example.se",
	  "fragor@fub.example.org", OUTBOX_PERMFAIL, "sender refused", NULL, false, NULL },
	{ "MAIL FROM 552 is this mail's size", "plain", "smtp://127.0.0.1", "", false, CA_NONE,
	  0, NULL, NULL, NULL, "bigsender@kommun.example.se", "fragor@fub.example.org",
	  OUTBOX_PERMFAIL, "MAIL: 552", NULL, false, NULL },
	{ "nothing listens", "closed", "smtp://127.0.0.1", "", false, CA_NONE, 0, NULL, NULL,
	  NULL, FROM, "fragor@fub.example.org", OUTBOX_TEMPFAIL, "127.0.0.1", NULL, false, NULL },
	{ "recipient with a line break", "plain", "smtp://127.0.0.1", "", false, CA_NONE, 0, NULL,
	  NULL, NULL, FROM, "x@fub.example.org>\r\nRCPT TO:<evil@example.org",
	  OUTBOX_PERMFAIL, "invalid recipient", NULL, false, NULL },
	{ "sender with a blank", "plain", "smtp://127.0.0.1", "", false, CA_NONE, 0, NULL, NULL,
	  NULL, "lss samverkan@kommun.example.se", "fragor@fub.example.org", OUTBOX_TEMPFAIL,
	  "invalid sender", NULL, false, NULL },
};

static void test_smtp_send(void **state)
{
	(void)state;
	for (size_t c = 0; c < N_ELEMENTS(smtp_cases); c++) {
		const struct smtp_case *tc = &smtp_cases[c];
		int port = strcmp(tc->listener, "closed") == 0
				   ? closed_port()
				   : (int)json_integer_value(json_object_get(ports, tc->listener));
		char *url = xasprintf("%s:%d%s", tc->scheme_host, port, tc->path);
		char *ca_good = xasprintf("%s/ca.pem", tmpdir);
		char *ca_wrong = xasprintf("%s/wrong-ca.pem", tmpdir);
		struct config_smtp cfg = { .url = url, .starttls = tc->starttls, .auth = tc->auth,
					   .from = (char *)(uintptr_t)tc->from };
		struct smtp_credentials cred = { tc->user, tc->password, tc->token };
		char reply[256];
		int before = stored_count(), after;
		enum outbox_result result;

		print_message("smtp: %s\n", tc->name);
		assert_true(port > 0);
		cfg.ca_file = tc->ca == CA_GOOD ? ca_good : tc->ca == CA_WRONG ? ca_wrong : NULL;
		memset(reply, 'x', sizeof(reply));
		result = smtp_send(&cfg, &cred, tc->from, tc->rcpt, raw_mail, strlen(raw_mail),
				   reply);
		assert_non_null(memchr(reply, '\0', sizeof(reply)));
		print_message("      -> %d: %s\n", result, reply);
		assert_int_equal(result, tc->result);
		if (tc->reply_has != NULL && strstr(reply, tc->reply_has) == NULL)
			fail_msg("reply '%s' lacks '%s'", reply, tc->reply_has);
		if (result != OUTBOX_SENT)
			assert_true(reply[0] != '\0');
		/* never a secret, never a line break */
		assert_null(strstr(reply, PASSWORD));
		assert_null(strstr(reply, TOKEN));
		assert_null(strstr(reply, "expired-token"));
		assert_null(strpbrk(reply, "\r\n"));

		after = stored_count();
		if (tc->helo == NULL) {
			assert_int_equal(after, before);
		} else {
			char *meta_path = xasprintf("%s/out/%06d.json", tmpdir, after);
			char *eml_path = xasprintf("%s/out/%06d.eml", tmpdir, after);
			json_t *meta = json_load_file(meta_path, 0, NULL);
			char *eml;
			size_t eml_size;

			assert_int_equal(after, before + 1);
			assert_non_null(meta);
			assert_string_equal(json_string_value(json_object_get(meta, "helo")),
					    tc->helo);
			assert_string_equal(json_string_value(json_object_get(meta, "mail_from")),
					    tc->from);
			assert_int_equal(json_array_size(json_object_get(meta, "rcpt_tos")), 1);
			assert_string_equal(json_string_value(json_array_get(
						    json_object_get(meta, "rcpt_tos"), 0)),
					    tc->rcpt);
			assert_int_equal(json_is_true(json_object_get(meta, "tls")), tc->tls);
			if (tc->auth_user != NULL)
				assert_string_equal(
					json_string_value(json_object_get(meta, "auth_user")),
					tc->auth_user);
			else
				assert_true(json_is_null(json_object_get(meta, "auth_user")));
			assert_int_equal(util_read_file(eml_path, 1 << 20, &eml, &eml_size), 0);
			assert_int_equal(eml_size, strlen(raw_mail));
			assert_memory_equal(eml, raw_mail, eml_size);
			free(eml);
			json_decref(meta);
			free(eml_path);
			free(meta_path);
		}
		free(ca_wrong);
		free(ca_good);
		free(url);
	}
}

/* A composed mail (outbox_compose) arrives byte for byte, attachments and all. */
static void test_send_composed(void **state)
{
	static const unsigned char data[] = "PK\x03\x04 not really a docx \x00\x01\x02\xff";
	const struct outbox_attachment att = { "Mötesanteckning.docx", "application/octet-stream",
					       data, sizeof(data) };
	const struct outbox_mail mail = { .from_addr = FROM, .from_name = "LSS-samverkan",
					  .to_addr = "sekreterare@kommun.example.se",
					  .subject = "Dagordning för mötet den 3 december",
					  .text = "Hej!\n.\nHär är dagordningen.\n",
					  .html = "<p>Här är dagordningen.</p>",
					  .attachments = &att,
					  .n_attachments = 1 };
	char *id = outbox_new_message_id(FROM), *url, *ca, *eml_path, *eml;
	struct buf raw = { 0 };
	struct error err = { 0 };
	struct config_smtp cfg = { 0 };
	char reply[256];
	size_t size;

	(void)state;
	assert_int_equal(outbox_compose(&mail, id, time(NULL), &raw, &err), 0);
	url = xasprintf("smtp://127.0.0.1:%d",
			(int)json_integer_value(json_object_get(ports, "starttls")));
	ca = xasprintf("%s/ca.pem", tmpdir);
	cfg.url = url;
	cfg.starttls = true;
	cfg.ca_file = ca;
	assert_int_equal(smtp_send(&cfg, NULL, FROM, mail.to_addr, raw.data, raw.len, reply),
			 OUTBOX_SENT);
	eml_path = xasprintf("%s/out/%06d.eml", tmpdir, stored_count());
	assert_int_equal(util_read_file(eml_path, 1 << 20, &eml, &size), 0);
	assert_int_equal(size, raw.len);
	assert_memory_equal(eml, raw.data, size);
	free(eml);
	free(eml_path);
	free(ca);
	free(url);
	buf_free(&raw);
	free(id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smtp_send),
		cmocka_unit_test(test_send_composed),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
