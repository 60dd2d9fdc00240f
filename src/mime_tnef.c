/* mime_tnef.c - the files inside winmail.dat; see mime_p.h.
 *
 * Outlook in rich-text mode, through an Exchange server that does not
 * convert it, sends the mail's formatting and its attachments in one
 * application/ms-tnef part (MS-OXTNEF). Listed as it stands, the agenda
 * would say "winmail.dat", which most mail clients cannot open and which
 * often holds nothing but the text already read. Only the attachment
 * attributes are read: attAttachRendData starts a file, attAttachTitle
 * names it, attAttachData holds its bytes. The MAPI properties (the long
 * file name among them) are not parsed: the title is the name Outlook
 * shows for the file. */
#include <stdio.h>
#include <stdlib.h>

#include "mime_p.h"

#define TNEF_SIGNATURE 0x223e9f78u
#define LVL_ATTACHMENT 0x02
#define ATT_ATTACH_REND_DATA 0x00069002u
#define ATT_ATTACH_TITLE 0x00018010u
#define ATT_ATTACH_DATA 0x0006800fu
#define ATT_OEM_CODEPAGE 0x00069007u

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The title as Outlook stored it: 8-bit text in the message's code page
 * (Windows-1252 in Sweden), ended by a NUL. */
static char *title_utf8(const unsigned char *p, size_t len, const char *codepage)
{
	struct buf b = {0};
	size_t n = strnlen((const char *)p, len);

	mime_charset_to_utf8(codepage, (const char *)p, n, &b);
	return buf_steal(&b);
}

static void files_free(struct mime_tnef_file *files, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(files[i].name);
		files[i].name = NULL;
	}
}

int mime_tnef_files(const char *data, size_t len, struct mime_tnef_file *files_r, size_t max,
		    size_t *n_r)
{
	const unsigned char *p = (const unsigned char *)data, *end = p + len;
	char codepage[16] = "windows-1252";
	size_t n = 0;
	bool open = false; /* an attAttachRendData started files_r[n - 1] */

	*n_r = 0;
	if (len < 6 || le32(p) != TNEF_SIGNATURE)
		return -1;
	p += 6; /* the signature and the legacy key */
	while (p < end) {
		uint32_t id, alen;

		/* level, id, length; then the data and a 16-bit checksum */
		if (end - p < 9 || (size_t)(end - p - 9) < (size_t)le32(p + 5) + 2) {
			files_free(files_r, n);
			return -1;
		}
		id = le32(p + 1);
		alen = le32(p + 5);
		if (p[0] == LVL_ATTACHMENT && id == ATT_ATTACH_REND_DATA) {
			open = n < max; /* the rest are not read */
			if (open) {
				memset(&files_r[n], 0, sizeof(files_r[n]));
				n++;
			}
		} else if (open && id == ATT_ATTACH_TITLE && files_r[n - 1].name == NULL) {
			files_r[n - 1].name = title_utf8(p + 9, alen, codepage);
		} else if (open && id == ATT_ATTACH_DATA) {
			files_r[n - 1].size = alen;
		} else if (id == ATT_OEM_CODEPAGE && alen >= 4) {
			snprintf(codepage, sizeof(codepage), "cp%u", (unsigned)le32(p + 9));
		}
		p += 9 + (size_t)alen + 2;
	}
	*n_r = n;
	return 0;
}
