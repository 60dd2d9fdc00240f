/* fuzz_template.c - libFuzzer harness for the template engine (src/render_tmpl.c):
 * the input is a template, parsed and rendered as text and as HTML against a
 * fixed model shaped like the agenda's. Seeds: config/templates/.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -D_GNU_SOURCE -Iinclude \
 *     tests/fuzz/fuzz_template.c src/render_tmpl.c src/util.c src/log.c src/err.c \
 *     -ljansson -lgnutls -o build/fuzz_template
 *   mkdir -p tests/fuzz/corpus-template
 *   build/fuzz_template -dict=tests/fuzz/template.dict -max_total_time=300 \
 *     tests/fuzz/corpus-template config/templates */
#include <stdint.h>
#include <stdlib.h>

#include "../../src/render_p.h"

static const char model_json[] =
    "{\"council\":{\"name\":\"LSS-samverkan\",\"chair\":null},\"updated\":true,\"n\":0,"
    "\"meeting\":{\"date\":\"2026-12-10\",\"place\":\"<Sal & \\\"B\\\">\"},\"empty\":[],"
    "\"items\":[{\"number\":\"4.1\",\"questions\":[{\"text_lines\":[\"a\",\"\",\"b\"]}]},"
    "{\"number\":\"4.2\",\"questions\":[]},{\"number\":\"4.3\",\"x\":1.5}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static json_t *model;
	struct tmpl *tmpl = NULL;
	struct error error;
	struct buf out = {0};

	if (model == NULL && (model = json_loads(model_json, 0, NULL)) == NULL)
		abort();
	if (tmpl_parse("fuzz.txt", (const char *)data, size, &tmpl, &error) == 0) {
		(void)tmpl_render(tmpl, model, false, &out, &error);
		buf_reset(&out);
		(void)tmpl_render(tmpl, model, true, &out, &error);
		tmpl_free(&tmpl);
	}
	buf_free(&out);
	return 0;
}
