/* fuzz_classify.c - libFuzzer on the text pipeline: any bytes through
 * classify_tokenize(), classify_text() and classify_similarity() of a
 * classifier built and trained once from the shipped files (paths relative
 * to the source tree, where make fuzz runs it).
 *   make fuzz FUZZ=classify, or by hand:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Iinclude \
 *     -DUTF8PROC_EXPORTS tests/fuzz/fuzz_classify.c src/classify*.c src/err.c \
 *     src/util.c src/log.c -lutf8proc -lstemmer -lgnutls -lsystemd -lm */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agendad/classify.h"

#ifndef CONFIG_DIR
#define CONFIG_DIR "config"
#endif
#ifndef TEST_DATA
#define TEST_DATA "tests/data"
#endif

static struct classifier *cl;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *conf, *tsv;
	size_t n;

	(void)argc, (void)argv;
	if (util_read_file(CONFIG_DIR "/categories.conf", 1 << 20, &conf, &n) < 0 ||
	    util_read_file(TEST_DATA "/classify/boende.tsv", 1 << 20, &tsv, &n) < 0 ||
	    classify_new(conf, "categories.conf", &cl, NULL) < 0 ||
	    classify_set_council(cl, "LSS-samverkan", NULL) < 0 ||
	    classify_train_tsv(cl, tsv, "boende.tsv", NULL) < 0)
		abort();
	free(conf);
	free(tsv);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = strndup((const char *)data, size); /* a C string: stops at a NUL */
	struct strlist tokens = {0};
	struct classification r;

	classify_tokenize(cl, text, &tokens);
	classify_text(cl, text, &r);
	if (r.score < 0 || r.score > 1 || classify_category(cl, r.category) == NULL)
		abort();
	(void)classify_similarity(cl, text, text + strlen(text) / 2);
	strlist_free(&tokens);
	free(text);
	return 0;
}
