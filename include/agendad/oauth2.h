/* oauth2.h - OAuth 2.0 client-credentials grant (RFC 6749 4.4) with libcurl,
 * for auth = xoauth2 on Microsoft 365. The token is cached until shortly
 * before it expires and refreshed on expiry or when the server refuses it. */
#ifndef AGENDAD_OAUTH2_H
#define AGENDAD_OAUTH2_H

#include <stdbool.h>
#include <time.h>

#include "agendad/config.h"
#include "agendad/err.h"

struct oauth2_cache;

struct oauth2_cache *oauth2_cache_new(void);
void oauth2_cache_free(struct oauth2_cache **cache);

/* Returns a valid access token (borrowed from the cache until the next call),
 * fetching one when the cache is empty, about to expire, or force is set. */
int oauth2_token(struct oauth2_cache *cache, const struct config *config, bool force,
		 const char **token_r, struct error *error_r);

#endif
