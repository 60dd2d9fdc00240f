/* oauth2.c - the OAuth 2.0 client-credentials grant (RFC 6749 4.4) with
 * libcurl and jansson; see oauth2.h.
 *
 * One POST to token_url with grant_type, client_id, client_secret and scope
 * in the body (what Microsoft's identity platform documents for daemons); the
 * answer's access_token is cached until shortly before expires_in runs out.
 * The secret is read from its file for each request and wiped after it, so it
 * lives in memory only while a request is being made. Expiry is measured on
 * the monotonic clock: a wall-clock jump must not keep a dead token. */
#include <curl/curl.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agendad/oauth2.h"
#include "agendad/util.h"

#define CONNECT_TIMEOUT 30L
#define REQUEST_TIMEOUT 60L
#define ANSWER_MAX 65536
/* Entra ID tokens are 1-3 KB; anything far larger is not a token. */
#define TOKEN_MAX 16384
/* Refresh this long before the token expires (or at half its life when it
 * is short), so that a token never runs out during an IMAP or SMTP session. */
#define REFRESH_MARGIN_MS (300 * 1000LL)
#define EXPIRES_IN_DEFAULT 3600
#define EXPIRES_IN_MAX (31 * 86400LL)

struct oauth2_cache {
	char *token;
	char *key; /* token_url, client_id, scope and secret file it was got with */
	int64_t refresh_at_ms; /* monotonic: fetch a new one from here on */
	int64_t expires_at_ms; /* monotonic: the server's expiry */
};

static void wipe_free(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

struct oauth2_cache *oauth2_cache_new(void)
{
	return xcalloc(1, sizeof(struct oauth2_cache));
}

void oauth2_cache_free(struct oauth2_cache **cache)
{
	if (*cache == NULL)
		return;
	wipe_free((*cache)->token);
	free((*cache)->key);
	free(*cache);
	*cache = NULL;
}

static void cache_clear(struct oauth2_cache *cache)
{
	wipe_free(cache->token);
	cache->token = NULL;
	free(cache->key);
	cache->key = NULL;
}

static size_t collect(char *data, size_t size, size_t nmemb, void *userdata)
{
	struct buf *b = userdata;
	size_t n = size * nmemb;

	if (b->len + n > ANSWER_MAX)
		return 0; /* curl fails with CURLE_WRITE_ERROR */
	buf_append(b, data, n);
	return n;
}

/* Text from the server for an error message: one line, printable, short. */
static void server_text(const char *s, char *out, size_t size)
{
	size_t n = 0;

	for (; s != NULL && *s != '\0' && n + 1 < size; s++) {
		char c = (unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f ? ' ' : *s;
		if (c != ' ' || (n > 0 && out[n - 1] != ' '))
			out[n++] = c;
	}
	out[n] = '\0';
}

/* The token goes into SASL strings and IMAP commands: printable ASCII without
 * blanks only, so that it cannot end a command line. */
static bool valid_token(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++, n++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return n > 0 && n <= TOKEN_MAX;
}

/* expires_in is a number, or (older Azure endpoints) a string of digits. */
static long long expires_in_of(json_t *v)
{
	long long n = EXPIRES_IN_DEFAULT;

	if (json_is_integer(v)) {
		n = json_integer_value(v);
	} else if (json_is_string(v)) {
		char *end;
		n = strtoll(json_string_value(v), &end, 10);
		if (*end != '\0' || end == json_string_value(v))
			n = EXPIRES_IN_DEFAULT;
	}
	if (n < 1)
		n = 1;
	return n > EXPIRES_IN_MAX ? EXPIRES_IN_MAX : n;
}

static int parse_grant(const struct buf *answer, char **token_r, long long *expires_in_r,
		       struct error *error_r)
{
	json_error_t jerr;
	json_t *root = json_loadb(answer->data != NULL ? answer->data : "", answer->len, 0, &jerr);
	json_t *token, *type;

	if (!json_is_object(root)) {
		json_decref(root);
		return err_set(error_r, ERR_TEMP, "oauth2: the token endpoint's answer is not "
						  "a JSON object");
	}
	token = json_object_get(root, "access_token");
	type = json_object_get(root, "token_type");
	if (!json_is_string(token) || !valid_token(json_string_value(token))) {
		json_decref(root);
		return err_set(error_r, ERR_TEMP, "oauth2: no usable access_token in the answer");
	}
	if (type != NULL && (!json_is_string(type) || !str_eq_ci(json_string_value(type),
								   "Bearer"))) {
		char shown[40];
		server_text(json_is_string(type) ? json_string_value(type) : "?", shown,
			    sizeof(shown));
		json_decref(root);
		return err_set(error_r, ERR_FATAL, "oauth2: token_type '%s' is not Bearer",
			       shown);
	}
	*token_r = xstrdup(json_string_value(token));
	*expires_in_r = expires_in_of(json_object_get(root, "expires_in"));
	json_decref(root);
	return 0;
}

/* A refusal: RFC 6749 5.2 says 400 or 401 with {"error", "error_description"};
 * that is a configuration error (wrong secret, scope, tenant). */
static int refusal(long status, const struct buf *answer, struct error *error_r)
{
	json_t *root = json_loadb(answer->data != NULL ? answer->data : "", answer->len, 0, NULL);
	json_t *err = json_object_get(root, "error");
	json_t *desc = json_object_get(root, "error_description");
	char code[64], text[300];

	if (status == 408 || status == 429 || status >= 500) {
		json_decref(root);
		return err_set(error_r, ERR_TEMP, "oauth2: token endpoint answered HTTP %ld",
			       status);
	}
	if (!json_is_string(err)) {
		json_decref(root);
		return err_set(error_r, ERR_FATAL, "oauth2: token endpoint answered HTTP %ld",
			       status);
	}
	server_text(json_string_value(err), code, sizeof(code));
	server_text(json_is_string(desc) ? json_string_value(desc) : "", text, sizeof(text));
	json_decref(root);
	return err_set(error_r, ERR_FATAL, "oauth2: token endpoint refused (HTTP %ld): %s%s%s",
		       status, code, text[0] != '\0' ? ": " : "", text);
}

static char *form_value(CURL *curl, const char *s)
{
	char *esc = curl_easy_escape(curl, s, 0);
	char *copy;

	if (esc == NULL)
		return xstrdup("");
	copy = xstrdup(esc);
	explicit_bzero(esc, strlen(esc));
	curl_free(esc);
	return copy;
}

static int fetch(const struct config *config, char **token_r, long long *expires_in_r,
		 struct error *error_r)
{
	const struct config_oauth2 *o = &config->oauth2;
	char errbuf[CURL_ERROR_SIZE] = "", *secret = NULL, *id, *sec, *scope;
	struct buf body = { 0 }, answer = { 0 };
	struct curl_slist *headers = NULL;
	long status = 0;
	CURLcode res;
	CURL *curl;
	int rc;

	if (o->token_url == NULL || o->client_id == NULL)
		return err_set(error_r, ERR_FATAL, "oauth2: token_url and client_id are needed");
	/* plain http carries the secret in clear: only to this host (config.c
	 * refuses it too; this keeps the rule where the secret is sent) */
	if (!str_prefix_ci(o->token_url, "https://") &&
	    !str_prefix_ci(o->token_url, "http://127.") &&
	    !str_prefix_ci(o->token_url, "http://localhost:") &&
	    !str_prefix_ci(o->token_url, "http://localhost/") &&
	    !str_prefix_ci(o->token_url, "http://[::1]"))
		return err_set(error_r, ERR_FATAL,
			       "oauth2: token_url must be https:// (http only on loopback)");
	if (config_read_secret(config, o->client_secret_file, &secret, error_r) != 0)
		return err_prefix(error_r, "oauth2: client secret");

	curl = curl_easy_init();
	if (curl == NULL) {
		wipe_free(secret);
		return err_set(error_r, ERR_TEMP, "oauth2: libcurl could not start");
	}
	id = form_value(curl, o->client_id);
	sec = form_value(curl, secret);
	scope = form_value(curl, o->scope != NULL ? o->scope : "");
	buf_printf(&body, "grant_type=client_credentials&client_id=%s&client_secret=%s", id,
		   sec);
	if (o->scope != NULL)
		buf_printf(&body, "&scope=%s", scope);
	wipe_free(secret);
	wipe_free(sec);
	free(id);
	free(scope);

	headers = curl_slist_append(headers, "Accept: application/json");
	curl_easy_setopt(curl, CURLOPT_URL, o->token_url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https,http");
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body.len);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, REQUEST_TIMEOUT);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "agendad");

	res = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	if (res != CURLE_OK)
		rc = err_set(error_r, ERR_TEMP, "oauth2: %s",
			     res == CURLE_WRITE_ERROR ? "the token endpoint's answer is too large"
			     : errbuf[0] != '\0'      ? errbuf
						      : curl_easy_strerror(res));
	else if (status == 200)
		rc = parse_grant(&answer, token_r, expires_in_r, error_r);
	else
		rc = refusal(status, &answer, error_r);

	explicit_bzero(body.data, body.len);
	buf_free(&body);
	if (answer.data != NULL)
		explicit_bzero(answer.data, answer.len);
	buf_free(&answer);
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	return rc;
}

int oauth2_token(struct oauth2_cache *cache, const struct config *config, bool force,
		 const char **token_r, struct error *error_r)
{
	const struct config_oauth2 *o = &config->oauth2;
	char *key = xasprintf("%s\n%s\n%s\n%s", o->token_url != NULL ? o->token_url : "",
			      o->client_id != NULL ? o->client_id : "",
			      o->scope != NULL ? o->scope : "",
			      o->client_secret_file != NULL ? o->client_secret_file : "");
	int64_t start = util_now_ms();
	long long expires_in;
	char *token;

	if (cache->token != NULL && strcmp(cache->key, key) != 0)
		cache_clear(cache); /* the configuration changed (SIGHUP) */
	if (!force && cache->token != NULL && start < cache->refresh_at_ms) {
		free(key);
		*token_r = cache->token;
		return 0;
	}
	if (fetch(config, &token, &expires_in, error_r) != 0) {
		/* inside the refresh margin the old token still works: better
		 * than nothing while the endpoint is down; after a forced
		 * refresh (the server refused it) it is worth nothing */
		if (!force && error_r != NULL && error_r->kind == ERR_TEMP && cache->token != NULL &&
		    util_now_ms() < cache->expires_at_ms) {
			free(key);
			*token_r = cache->token;
			return 0;
		}
		cache_clear(cache);
		free(key);
		return -1;
	}
	cache_clear(cache);
	cache->token = token;
	cache->key = key;
	/* measured from before the request: the server's clock started then
	 * at the latest */
	long long margin = expires_in * 1000 / 2;
	if (margin > REFRESH_MARGIN_MS)
		margin = REFRESH_MARGIN_MS;
	cache->expires_at_ms = start + expires_in * 1000;
	cache->refresh_at_ms = cache->expires_at_ms - margin;
	*token_r = cache->token;
	return 0;
}
