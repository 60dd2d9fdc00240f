/* test_oauth2.c - the client-credentials grant against a local token
 * endpoint (tests/harness/tokenserver.py, started here on a free 127.0.0.1
 * port): fetch, cache hit, expiry refresh, forced refresh, error mapping. */
#include <curl/curl.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"

#include "agendad/config.h"
#include "agendad/oauth2.h"
#include "agendad/util.h"

#define PYTHON "/usr/bin/python3"
#define TOKENSERVER TEST_DATA "/../harness/tokenserver.py"
#define CLIENT_ID "6f1c9a2e-agendad-test"
/* characters that must be form-encoded: + / = & ~ space and UTF-8 */
#define SECRET "s3cr3t~Värde+/=&x y"
#define SCOPE "https://outlook.office365.com/.default"

static char tmpdir[] = "/tmp/agendad-test-oauth2-XXXXXX";
static pid_t server_pid;
static int port;

static void write_file(const char *name, const char *text, mode_t mode)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
	free(path);
}

static int group_teardown(void **state);

static int group_setup(void **state)
{
	char *port_file, *secret_file;

	if (mkdtemp(tmpdir) == NULL)
		return -1;
	unsetenv("CREDENTIALS_DIRECTORY");
	write_file("secret", SECRET "\n", 0600);
	write_file("wrong-secret", "not the secret\n", 0600);
	write_file("open-secret", SECRET "\n", 0644);
	port_file = xasprintf("%s/port", tmpdir);
	secret_file = xasprintf("%s/secret", tmpdir);
	server_pid = fork();
	if (server_pid == 0) {
		char *log = xasprintf("%s/tokenserver.log", tmpdir);
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execl(PYTHON, PYTHON, TOKENSERVER, "--port-file", port_file, "--client-id",
		      CLIENT_ID, "--client-secret-file", secret_file, "--verbose", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200 && port == 0; i++) {
		FILE *f = fopen(port_file, "r");
		if (f != NULL) {
			if (fscanf(f, "%d", &port) != 1)
				port = 0;
			fclose(f);
		} else if (waitpid(server_pid, NULL, WNOHANG) == server_pid) {
			server_pid = 0;
			break;
		}
		usleep(50 * 1000);
	}
	free(secret_file);
	free(port_file);
	if (port == 0) {
		print_error("tokenserver.py did not start\n");
		group_teardown(state);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);

	(void)state;
	if (server_pid > 0) {
		kill(server_pid, SIGTERM);
		for (int i = 0; i < 100 && waitpid(server_pid, NULL, WNOHANG) != server_pid; i++)
			usleep(50 * 1000);
		kill(server_pid, SIGKILL);
		waitpid(server_pid, NULL, 0);
	}
	(void)!system(cmd);
	free(cmd);
	return 0;
}

/* ---- talking to the token server's test endpoints ------------------------------- */

static size_t collect(char *data, size_t size, size_t n, void *userdata)
{
	buf_append(userdata, data, size * n);
	return size * n;
}

/* POSTs body to /control (or GETs /stats when body is NULL). */
static json_t *server_call(const char *body)
{
	char *url = xasprintf("http://127.0.0.1:%d/%s", port, body != NULL ? "control" : "stats");
	struct buf answer = { 0 };
	CURL *curl = curl_easy_init();
	json_t *root;

	curl_easy_setopt(curl, CURLOPT_URL, url);
	if (body != NULL)
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
	assert_int_equal(curl_easy_perform(curl), CURLE_OK);
	curl_easy_cleanup(curl);
	root = json_loadb(answer.data, answer.len, 0, NULL);
	assert_non_null(root);
	buf_free(&answer);
	free(url);
	return root;
}

static void control(const char *body)
{
	json_decref(server_call(body));
}

static long token_requests(void)
{
	json_t *stats = server_call(NULL);
	long n = (long)json_integer_value(json_object_get(stats, "token_requests"));

	json_decref(stats);
	return n;
}

/* A config as config_load() would give it, pointing at the server. */
struct fixture {
	struct config config;
	struct oauth2_cache *cache;
};

static int fixture_setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));

	fx->config.dir = xstrdup(tmpdir);
	fx->config.oauth2.token_url = xasprintf("http://127.0.0.1:%d/token", port);
	fx->config.oauth2.client_id = xstrdup(CLIENT_ID);
	fx->config.oauth2.client_secret_file = xstrdup("secret");
	fx->config.oauth2.scope = xstrdup(SCOPE);
	fx->cache = oauth2_cache_new();
	control("{\"fail\": null, \"expires_in\": 3600, \"reset\": true, \"revoke\": true}");
	*state = fx;
	return 0;
}

static int fixture_teardown(void **state)
{
	struct fixture *fx = *state;

	oauth2_cache_free(&fx->cache);
	assert_null(fx->cache);
	oauth2_cache_free(&fx->cache); /* NULL is fine */
	free(fx->config.dir);
	free(fx->config.oauth2.token_url);
	free(fx->config.oauth2.client_id);
	free(fx->config.oauth2.client_secret_file);
	free(fx->config.oauth2.scope);
	free(fx);
	return 0;
}

static const char *get_token(struct fixture *fx, bool force)
{
	struct error err = { 0 };
	const char *token = NULL;

	if (oauth2_token(fx->cache, &fx->config, force, &token, &err) != 0)
		fail_msg("oauth2_token: %s", err.text);
	assert_non_null(token);
	return token;
}

/* ---- tests ------------------------------------------------------------------------ */

static void test_fetch_and_cache(void **state)
{
	struct fixture *fx = *state;
	char *first, *second;
	json_t *stats;

	first = xstrdup(get_token(fx, false));
	assert_true(strncmp(first, "agendad-test.", 13) == 0);
	assert_int_equal(token_requests(), 1);
	stats = server_call(NULL);
	assert_string_equal(json_string_value(json_object_get(stats, "last_scope")), SCOPE);
	assert_string_equal(json_string_value(json_object_get(stats, "last_client_id")),
			    CLIENT_ID);
	json_decref(stats);

	/* a cache hit asks nobody */
	for (int i = 0; i < 5; i++)
		assert_string_equal(get_token(fx, false), first);
	assert_int_equal(token_requests(), 1);

	/* forced: a new one */
	second = xstrdup(get_token(fx, true));
	assert_string_not_equal(second, first);
	assert_int_equal(token_requests(), 2);
	assert_string_equal(get_token(fx, false), second);
	assert_int_equal(token_requests(), 2);

	/* another scope (a reloaded config) is another token */
	free(fx->config.oauth2.scope);
	fx->config.oauth2.scope = xstrdup("https://outlook.office365.com/SMTP.Send");
	assert_string_not_equal(get_token(fx, false), second);
	assert_int_equal(token_requests(), 3);
	free(second);
	free(first);
}

/* A short-lived token is refreshed at half its life (the 5-minute margin is
 * for tokens living an hour); expires_in as a string is understood too. */
static const struct {
	const char *control;
	long sleep_ms;
} expiry_cases[] = {
	{ "{\"expires_in\": 2, \"fail\": null}", 1200 },
	{ "{\"expires_in\": 2, \"fail\": \"string_expires\"}", 1200 },
};

static void test_expiry(void **state)
{
	struct fixture *fx = *state;

	for (size_t c = 0; c < N_ELEMENTS(expiry_cases); c++) {
		long before;
		char *token;

		control(expiry_cases[c].control);
		token = xstrdup(get_token(fx, true));
		before = token_requests();
		assert_string_equal(get_token(fx, false), token);
		assert_int_equal(token_requests(), before);
		usleep((useconds_t)expiry_cases[c].sleep_ms * 1000);
		assert_string_not_equal(get_token(fx, false), token);
		assert_int_equal(token_requests(), before + 1);
		free(token);
	}
}

/* Inside the refresh margin the old token still works, so an endpoint that
 * is down then does no harm; a forced refresh that fails leaves nothing. */
static void test_refresh_failure(void **state)
{
	struct fixture *fx = *state;
	struct error err = { 0 };
	const char *token = NULL;
	char *old;

	control("{\"expires_in\": 6, \"fail\": null}");
	old = xstrdup(get_token(fx, false));
	usleep(3200 * 1000); /* past the refresh point (3 s), before expiry (6 s) */
	control("{\"fail\": \"server_error\"}");
	assert_int_equal(oauth2_token(fx->cache, &fx->config, false, &token, &err), 0);
	assert_string_equal(token, old);
	assert_int_equal(oauth2_token(fx->cache, &fx->config, true, &token, &err), -1);
	assert_int_equal(err.kind, ERR_TEMP);
	assert_int_equal(oauth2_token(fx->cache, &fx->config, false, &token, &err), -1);
	control("{\"fail\": null}");
	assert_string_not_equal(get_token(fx, false), old);
	free(old);
}

static const struct {
	const char *name;
	const char *fail; /* the server's failure mode, or NULL */
	const char *secret_file; /* NULL: the right one */
	const char *token_url; /* NULL: the server; "%d" is the port */
	enum err_kind kind;
	const char *text_has;
} error_cases[] = {
	{ "refused client", "invalid_client", NULL, NULL, ERR_FATAL,
	  "refused (HTTP 401): invalid_client: AADSTS7000215: Invalid client secret provided." },
	{ "wrong secret", NULL, "wrong-secret", NULL, ERR_FATAL, "invalid_client" },
	{ "refused scope", "invalid_scope", NULL, NULL, ERR_FATAL, "(HTTP 400): invalid_scope" },
	{ "server error", "server_error", NULL, NULL, ERR_TEMP, "HTTP 500" },
	{ "throttled", "throttle", NULL, NULL, ERR_TEMP, "HTTP 429" },
	{ "403 without JSON", "no_json_4xx", NULL, NULL, ERR_FATAL, "HTTP 403" },
	{ "200 without JSON", "garbage", NULL, NULL, ERR_TEMP, "not a JSON object" },
	{ "connection dropped", "close", NULL, NULL, ERR_TEMP, "oauth2: " },
	{ "a token that could inject a command", "bad_token", NULL, NULL, ERR_TEMP,
	  "no usable access_token" },
	{ "no secret file", NULL, "missing-secret", NULL, ERR_FATAL, "client secret" },
	{ "secret readable by others", NULL, "open-secret", NULL, ERR_FATAL, "chmod 0600" },
	{ "wrong path", NULL, NULL, "http://127.0.0.1:%d/nowhere", ERR_FATAL, "HTTP 404" },
	{ "plain http off loopback", NULL, NULL, "http://login.example.org/token", ERR_FATAL,
	  "https" },
	{ "nothing listens", NULL, NULL, "http://127.0.0.1:1/token", ERR_TEMP, "oauth2: " },
};

static void test_errors(void **state)
{
	struct fixture *fx = *state;

	for (size_t c = 0; c < N_ELEMENTS(error_cases); c++) {
		struct error err = { 0 };
		const char *token = NULL;
		char *body;

		print_message("oauth2 error: %s\n", error_cases[c].name);
		body = xasprintf("{\"fail\": %s%s%s}", error_cases[c].fail ? "\"" : "",
				 error_cases[c].fail ? error_cases[c].fail : "null",
				 error_cases[c].fail ? "\"" : "");
		control(body);
		free(body);
		free(fx->config.oauth2.client_secret_file);
		fx->config.oauth2.client_secret_file =
			xstrdup(error_cases[c].secret_file ? error_cases[c].secret_file : "secret");
		free(fx->config.oauth2.token_url);
		fx->config.oauth2.token_url =
			error_cases[c].token_url
				? xasprintf(error_cases[c].token_url, port)
				: xasprintf("http://127.0.0.1:%d/token", port);

		assert_int_equal(oauth2_token(fx->cache, &fx->config, true, &token, &err), -1);
		print_message("      -> %d: %s\n", err.kind, err.text);
		assert_int_equal(err.kind, error_cases[c].kind);
		if (strstr(err.text, error_cases[c].text_has) == NULL)
			fail_msg("'%s' lacks '%s'", err.text, error_cases[c].text_has);
		/* never the secret, never a line break (Entra's descriptions
		 * carry CRLF) */
		assert_null(strstr(err.text, "s3cr3t"));
		assert_null(strstr(err.text, "LOGOUT"));
		assert_null(strpbrk(err.text, "\r\n"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fetch_and_cache, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_expiry, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_refresh_failure, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_errors, fixture_setup, fixture_teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
