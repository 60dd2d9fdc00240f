/* fuzz_extract.c - libFuzzer target for extract and triage: the first line of
 * the input is the subject, the rest the body of a hand-built mail_text.
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Iinclude \
 *     tests/fuzz/fuzz_extract.c src/extract*.c src/triage.c src/util.c src/err.c \
 *     src/log.c -lutf8proc -lgnutls -lsystemd -o fuzz_extract
 * (or: make FUZZ=extract fuzz-build)
 *   ./fuzz_extract -max_len=65536 tests/data/extract */
#include <stdlib.h>
#include <string.h>

#include "agendad/triage.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static char *addrs[] = { "@fub.se", "anna@exempel.se" };
	static const struct config_association assoc[] = { { "FUB", addrs, 2 } };
	static const char *const own[] = { "sekreterare@kommun.se" };
	const struct triage_input input = { assoc, 1, own, 1 };
	struct extract_limits limits = { 10, 2000 };
	struct mail_attachment att = { "fragor.pdf", "application/pdf", 100 };
	struct mail_text mail = { 0 };
	char *text = malloc(size + 1), *nl;
	struct extraction *ex = NULL;
	struct triage_result result;
	struct error error;

	memcpy(text, data, size);
	text[size] = '\0';
	nl = strchr(text, '\n');
	mail.subject = text;
	mail.body = nl != NULL ? (*nl = '\0', nl + 1) : text + size;
	mail.from_addr = "anna@fub.se";
	mail.attachments = &att;
	mail.n_attachments = size % 2;
	if (extract_questions(&mail, &limits, &ex, &error) == 0)
		triage_message(&mail, ex, &input, &result);
	extract_free(&ex);
	free(text);
	return 0;
}
