/* fuzz_mime.c - libFuzzer target for the MIME stage: any bytes, with the
 * default limits of config.c, must decode or fail cleanly, never crash, hang
 * or leak.
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Iinclude \
 *     -I/usr/include/libxml2 tests/fuzz/fuzz_mime.c src/mime*.c src/util.c \
 *     src/err.c src/log.c -lxml2 -lgnutls -lsystemd -o fuzz_mime
 *   mkdir -p corpus && ./fuzz_mime -max_len=262144 -timeout=10 corpus tests/data/mime */
#include <stddef.h>
#include <stdint.h>

#include "agendad/mime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct mime_limits limits = {
	    .max_message_bytes = 25 * 1024 * 1024,
	    .max_depth = 10,
	    .max_parts = 100,
	    .max_line_length = 10000,
	};
	struct mail_text *mail = NULL;
	struct error error;

	if (mime_decode(data, size, &limits, &mail, &error) == 0) {
		(void)mime_header(mail, "Subject");
		mime_free(&mail);
	}
	return 0;
}
