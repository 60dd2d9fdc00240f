/* config.h - the parsed agendad.conf (INI, read with libinih) and the settings
 * structs handed to each module at init. Every key of DESIGN.md lives here;
 * config/agendad.conf.example documents them.
 *
 * Ownership: config_load() returns one struct config that owns every string in
 * it; modules borrow pieces of it for as long as that config lives. SIGHUP
 * loads a new config and swaps it in only when it is valid. */
#ifndef AGENDAD_CONFIG_H
#define AGENDAD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "agendad/err.h"

/* SYSCONFDIR/agendad, from the Makefile (make SYSCONFDIR=...). */
#ifndef AGENDAD_SYSCONFDIR
#define AGENDAD_SYSCONFDIR "/etc/agendad"
#endif
#define CONFIG_DEFAULT_PATH AGENDAD_SYSCONFDIR "/agendad.conf"

enum config_auth {
	CONFIG_AUTH_PASSWORD = 0,
	CONFIG_AUTH_XOAUTH2,
};

struct config_imap {
	char *url; /* imaps://host:993 or imap://host:143 */
	bool starttls; /* for imap://: upgrade with STARTTLS (default yes) */
	char *username;
	enum config_auth auth;
	char *password_file; /* path, or a credential name under $CREDENTIALS_DIRECTORY */
	char *mailbox; /* INBOX */
	char *processed_mailbox; /* NULL: only set \Seen after import */
	char *ca_file; /* NULL: the system trust store */
	int poll_interval; /* seconds, when IDLE is off or not offered */
	bool idle;
};

struct config_smtp {
	char *url; /* smtp://host:587 or smtps://host:465 */
	bool starttls;
	char *username; /* NULL: no AUTH */
	enum config_auth auth;
	char *password_file;
	char *from; /* envelope and header From of every outgoing mail */
	char *ca_file;
};

struct config_oauth2 {
	char *token_url;
	char *client_id;
	char *client_secret_file;
	char *scope;
};

struct config_council {
	char *name; /* "LSS-samverkan" */
	char *organisation; /* "Exempelstads kommun, Socialförvaltningen" */
	char *secretary; /* address that receives drafts */
	char *secretary_name; /* optional display name */
	char *chair;
	int cutoff_days;
	int draft_days;
	bool acknowledge;
	char *timezone; /* Europe/Stockholm */
	int retention_days;
};

struct config_store {
	char *database;
};

/* Limits on everything that comes from outside. Past a limit a message is kept
 * with a status and a reason, never dropped, never a crash. */
struct config_limits {
	size_t max_message_bytes;
	int max_mime_depth;
	int max_mime_parts;
	int max_questions_per_mail;
	size_t max_line_length;
};

struct config_association {
	char *name;
	/* lowercased "user@example.org" or "@example.org" (a whole domain) */
	char **addresses;
	size_t n_addresses;
};

struct config_meeting {
	char date[11]; /* YYYY-MM-DD */
	char *time; /* HH:MM */
	char *end; /* HH:MM or NULL */
	char *place;
};

struct config {
	char *path; /* the file this came from */
	char *dir; /* its directory: categories.conf and templates/ are looked for here first */
	struct config_imap imap;
	struct config_smtp smtp;
	struct config_oauth2 oauth2;
	struct config_council council;
	struct config_store store;
	struct config_limits limits;
	struct config_association *associations;
	size_t n_associations;
	struct config_meeting *meetings;
	size_t n_meetings;
};

/* Parses and validates path. On any wrong, unknown or missing key returns -1
 * with ERR_FATAL and error_r->text "FILE:LINE: what is wrong". The caller owns
 * *config_r. */
int config_load(const char *path, struct config **config_r, struct error *error_r);
void config_free(struct config **config);

/* Reads a secret: name is a path (absolute or relative to the config's
 * directory), or a bare credential name looked up in $CREDENTIALS_DIRECTORY
 * first. Refuses a file that others can read. Trailing newlines are dropped.
 * The caller frees *secret_r (and should clear it). */
int config_read_secret(const struct config *config, const char *name, char **secret_r,
		       struct error *error_r);

/* Finds a data file (categories.conf, templates/agenda.txt, training.tsv):
 * beside the config file first, then under the installed data directory.
 * Returns a newly allocated path, or NULL when neither exists. */
char *config_data_path(const struct config *config, const char *name);

#endif
