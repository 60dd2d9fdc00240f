/* fuzz_html.c - libFuzzer harness for the HTML-to-text path of the MIME stage
 * (src/mime_html.c): the input is a decoded text/html part, taken the way
 * mime.c's leaf_text() takes one (charset from <meta>, to UTF-8, cleaned),
 * then turned into text. Besides crashes, leaks and hangs it checks the
 * promise of mime_p.h that the output is valid UTF-8. Seeds: the text/html
 * parts of tests/data/mime/ and config/examples/, the HTML templates;
 * dictionary: tests/fuzz/html.dict. Built and run by `make fuzz`. */
#include <stdint.h>
#include <stdlib.h>

#include "../../src/mime_p.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *html = (const char *)data;
	struct buf utf = {0}, clean = {0}, text = {0};
	char *charset = mime_html_meta_charset(html, size);

	mime_charset_to_utf8(charset, html, size, &utf);
	mime_clean_text(utf.data, utf.len, &clean);
	mime_html_to_text(clean.data, clean.len, &text);
	if (text.data == NULL || !mime_utf8_valid(text.data, text.len) ||
	    text.data[text.len] != '\0')
		abort();
	free(charset);
	buf_free(&utf);
	buf_free(&clean);
	buf_free(&text);
	return 0;
}
