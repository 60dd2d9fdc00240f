/* fuzz_model.c - libFuzzer on classify_import(), as a cached model could come
 * back from a damaged or hostile database, into a classifier built once.
 * The first byte of an input chooses how the rest is taken: as a blob as is
 * (the checksum refuses nearly everything), as a blob whose checksum is then
 * made right, or as edits (3-byte offset, XOR byte) to the model of a small
 * fit with the checksum made right, which reaches every check behind the
 * checksum without seeds. A model that is taken must then classify and
 * compare texts with answers in range. Built and run by `make fuzz FUZZ=model`. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/classify_p.h"

#ifndef CONFIG_DIR
#define CONFIG_DIR "config"
#endif

static struct classifier *cl;
static uint8_t *model;
static size_t model_size;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct classifier *small = NULL;
	char *conf;
	void *blob;
	size_t n;

	(void)argc, (void)argv;
	if (util_read_file(CONFIG_DIR "/categories.conf", 1 << 20, &conf, &n) < 0 ||
	    classify_new(conf, "categories.conf", &cl, NULL) < 0 ||
	    classify_new(conf, "categories.conf", &small, NULL) < 0 ||
	    classify_train_tsv(small, "boende\tKön till gruppbostad\nresor\tFärdtjänsten är sen\n"
				      "resor\tFärdtjänsten är sen\n", "x.tsv", NULL) < 0)
		abort();
	classify_export(small, &blob, &model_size);
	model = blob;
	classify_free(&small);
	free(conf);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *blob = size > 0 && data[0] % 3 == 2 ? xmalloc(model_size) : xmalloc(size);
	size_t n = size > 0 && data[0] % 3 == 2 ? model_size : size > 0 ? size - 1 : 0;
	struct classification r;
	uint64_t ck;
	double s;

	if (size > 0 && data[0] % 3 == 2) {
		memcpy(blob, model, n);
		for (size_t i = 1; i + 4 <= size; i += 4)
			blob[(data[i] | data[i + 1] << 8 | (size_t)data[i + 2] << 16) % n] ^= data[i + 3];
	} else if (n > 0) {
		memcpy(blob, data + 1, n);
	}
	if (size > 0 && data[0] % 3 != 0 && n >= BLOB_CHECKSUM) {
		ck = classify_checksum(blob, n - BLOB_CHECKSUM);
		for (int i = 0; i < 8; i++)
			blob[n - BLOB_CHECKSUM + (size_t)i] = (uint8_t)(ck >> (8 * i));
	}
	if (classify_import(cl, blob, n, NULL) == 0) {
		classify_text(cl, "Färdtjänsten till gruppbostaden är sen", &r);
		s = classify_similarity(cl, "kön till gruppbostad", "bostad kö");
		if (!(r.score >= 0 && r.score <= 1) || classify_category(cl, r.category) == NULL ||
		    !(s >= 0 && s <= 1))
			abort();
	}
	free(blob);
	return 0;
}
