/* fuzz_config.c - libFuzzer harness for the config parser (src/config.c): the
 * input is an agendad.conf. config_load() reads a path, so the bytes go into
 * a memfd that it opens as /proc/self/fd/N: no disk I/O per run. A rejected
 * file must say where (ERR_FATAL, "FILE:LINE: ..."); an accepted one must
 * hold every required key. Seeds: the config files of config/ and tests/data/config/;
 * dictionary: tests/fuzz/config.dict. Built and run by `make fuzz`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "agendad/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	struct config *config = NULL;
	struct error error;

	if (fd < 0) {
		if ((fd = memfd_create("fuzz-agendad.conf", MFD_CLOEXEC)) < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || (size > 0 && pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
	if (config_load(path, &config, &error) != 0) {
		/* every refusal names the file (and the line) and asks to stop */
		if (config != NULL || error.kind != ERR_FATAL ||
		    strncmp(error.text, path, strlen(path)))
			abort();
		return 0;
	}
	if (config->imap.url == NULL || config->imap.username == NULL || config->smtp.url == NULL ||
	    config->smtp.from == NULL || config->council.name == NULL ||
	    config->council.secretary == NULL || config->store.database == NULL)
		abort();
	for (size_t i = 0; i < config->n_meetings; i++)
		if (config->meetings[i].time == NULL)
			abort();
	for (size_t i = 0; i < config->n_associations; i++)
		if (config->associations[i].n_addresses == 0)
			abort();
	config_free(&config);
	return 0;
}
