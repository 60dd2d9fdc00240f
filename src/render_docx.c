/* render_docx.c - the minutes skeleton as a Word document: WordprocessingML
 * (ECMA-376) parts zipped in memory with libzip.
 *
 * The parts are the smallest set that Word opens without "repairing" and
 * that keeps real styles, so the secretary can restyle or build a table of
 * contents: Title, Heading1-3, Quote and List Bullet (bound to a bullet list
 * in numbering.xml), a header with the organisation, "MÖTESANTECKNING" and
 * "Sida PAGE (NUMPAGES)" as fields, A4 pages, Swedish as the proofing
 * language, and compatibilityMode 15 so that Word does not open it in
 * compatibility mode. Every text passes render_escape_xml() after
 * render_clean_text() (in the model), so hostile text cannot break the XML:
 * XML 1.0 forbids most control characters, and the model has none. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "render_p.h"

#define W_NS     "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define R_NS     "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

/* ---- WordprocessingML writing ------------------------------------------------ */

/* A run of text; newlines become breaks and tabs tab characters. */
static void run(struct buf *d, const char *text, bool bold, bool italic)
{
	const char *p = text;

	buf_append_str(d, "<w:r>");
	if (bold || italic)
		buf_printf(d, "<w:rPr>%s%s</w:rPr>", bold ? "<w:b/>" : "", italic ? "<w:i/>" : "");
	while (*p != '\0') {
		size_t n = strcspn(p, "\n\t");
		if (n > 0) {
			char *part = xstrndup(p, n);
			buf_append_str(d, "<w:t xml:space=\"preserve\">");
			render_escape_xml(d, part);
			buf_append_str(d, "</w:t>");
			free(part);
			p += n;
		}
		if (*p == '\n')
			buf_append_str(d, "<w:br/>");
		else if (*p == '\t')
			buf_append_str(d, "<w:tab/>");
		if (*p != '\0')
			p++;
	}
	buf_append_str(d, "</w:r>");
}

static void p_begin(struct buf *d, const char *style)
{
	buf_append_str(d, "<w:p>");
	if (style != NULL)
		buf_printf(d, "<w:pPr><w:pStyle w:val=\"%s\"/></w:pPr>", style);
}

static void p_end(struct buf *d)
{
	buf_append_str(d, "</w:p>");
}

static void para(struct buf *d, const char *style, const char *text)
{
	p_begin(d, style);
	if (text != NULL && *text != '\0')
		run(d, text, false, false);
	p_end(d);
}

/* "Label: text" with the label in bold. */
static void labelled(struct buf *d, const char *style, const char *label, const char *text)
{
	p_begin(d, style);
	run(d, label, true, false);
	if (text != NULL && *text != '\0')
		run(d, text, false, false);
	p_end(d);
}

static void heading(struct buf *d, const char *style, const char *number, const char *title)
{
	char *text = xasprintf("%s %s", number, title);

	para(d, style, text);
	free(text);
}

/* The place under each point where the secretary writes during the meeting. */
static void notes(struct buf *d)
{
	labelled(d, "NoteLabel", "Anteckningar:", NULL);
	para(d, NULL, NULL);
	para(d, NULL, NULL);
}

static void cell_begin(struct buf *d, int width)
{
	buf_printf(d, "<w:tc><w:tcPr><w:tcW w:w=\"%d\" w:type=\"dxa\"/></w:tcPr>", width);
}

static void cell_end(struct buf *d)
{
	buf_append_str(d, "</w:tc>");
}

/* A table without borders for layout, columns of the given widths (twips). */
static void table_begin(struct buf *d, const int *widths, size_t n)
{
	int total = 0;

	for (size_t i = 0; i < n; i++)
		total += widths[i];
	buf_printf(d,
		   "<w:tbl><w:tblPr><w:tblW w:w=\"%d\" w:type=\"dxa\"/><w:tblLayout "
		   "w:type=\"fixed\"/><w:tblLook w:val=\"0000\"/></w:tblPr><w:tblGrid>",
		   total);
	for (size_t i = 0; i < n; i++)
		buf_printf(d, "<w:gridCol w:w=\"%d\"/>", widths[i]);
	buf_append_str(d, "</w:tblGrid>");
}

/* ---- the document -------------------------------------------------------------- */

static void questions(struct buf *d, const json_t *item)
{
	const json_t *q, *line;
	size_t i, k;

	for (i = 0; (q = json_array_get(json_object_get(item, "questions"), i)) != NULL; i++) {
		char *label = xasprintf("Fråga från %s:", render_model_str(q, "asker"));
		labelled(d, NULL, label, NULL);
		free(label);
		for (k = 0; (line = json_array_get(json_object_get(q, "text_lines"), k)) != NULL;
		     k++) {
			para(d, "Quote", json_string_value(line));
		}
		if (json_is_true(json_object_get(q, "has_attachments")))
			labelled(d, NULL, "Bilagor: ", render_model_str(q, "attachments_text"));
	}
}

static void item(struct buf *d, const json_t *it, const char *style)
{
	heading(d, style, render_model_str(it, "number"), render_model_str(it, "title"));
	if (json_is_string(json_object_get(it, "carried_from"))) {
		char *text =
		    xasprintf("Bordlagd på mötet %s.", render_model_str(it, "carried_from_long"));
		para(d, NULL, text);
		free(text);
	}
	questions(d, it);
	notes(d);
}

static void meeting_line(struct buf *d, const char *label, const json_t *m)
{
	struct buf text = {0};

	buf_append_str(&text, render_model_str(m, "date_long"));
	if (*render_model_str(m, "time_text") != '\0')
		buf_printf(&text, ", %s", render_model_str(m, "time_text"));
	if (*render_model_str(m, "place") != '\0')
		buf_printf(&text, ", %s", render_model_str(m, "place"));
	labelled(d, NULL, label, text.data);
	buf_free(&text);
}

static void document_xml(struct buf *d, const json_t *model)
{
	const json_t *council = json_object_get(model, "council");
	const json_t *meeting = json_object_get(model, "meeting");
	const json_t *v, *cat, *it;
	size_t i, k;
	const int head_cols[] = {4536, 4536};
	const int sign_cols[] = {4536, 4536};

	buf_append_str(d,
		       XML_DECL "<w:document xmlns:w=\"" W_NS "\" xmlns:r=\"" R_NS "\"><w:body>");

	/* the reference block: who handles it, date, the registry number */
	table_begin(d, head_cols, 2);
	buf_append_str(d, "<w:tr>");
	cell_begin(d, head_cols[0]);
	para(d, "Label", "Handläggare");
	para(d, NULL, render_model_str(council, "handlaggare"));
	cell_end(d);
	cell_begin(d, head_cols[1]);
	para(d, "Label", "Datum");
	para(d, NULL, render_model_str(meeting, "date"));
	para(d, "Label", "Vårt diarienummer");
	para(d, NULL, "\xe2\x80\xa6\xe2\x80\xa6\xe2\x80\xa6\xe2\x80\xa6\xe2\x80\xa6\xe2\x80\xa6");
	cell_end(d);
	buf_append_str(d, "</w:tr></w:tbl>");

	para(d, "Title", render_model_str(council, "name"));
	{
		struct buf sub = {0};
		buf_printf(&sub, "Mötesanteckning, %s", render_model_str(meeting, "date_long"));
		if (*render_model_str(meeting, "time_text") != '\0')
			buf_printf(&sub, ", %s", render_model_str(meeting, "time_text"));
		if (*render_model_str(meeting, "place") != '\0')
			buf_printf(&sub, ", %s", render_model_str(meeting, "place"));
		para(d, "Subtitle", sub.data);
		buf_free(&sub);
	}

	para(d, "Heading2", "Närvarande representanter från föreningar:");
	for (i = 0; (v = json_array_get(json_object_get(model, "associations"), i)) != NULL; i++) {
		char *text = xasprintf("%s:\t", json_string_value(v));
		para(d, "ListBullet", text);
		free(text);
	}
	para(d, "ListBullet", "Övriga:\t");
	para(d, "Heading2", "Närvarande från förvaltningen:");
	{
		const char *chair = render_model_str(council, "chair");
		const char *secretary = render_model_str(council, "secretary_name");
		char *text = xasprintf("%s, ordförande", *chair != '\0' ? chair : "Namn");
		para(d, "ListBullet", text);
		free(text);
		text = xasprintf("%s, sekreterare", *secretary != '\0' ? secretary : "Namn");
		para(d, "ListBullet", text);
		free(text);
		para(d, "ListBullet", "Namn, titel");
	}

	heading(d, "Heading1", "1.", "Inledning");
	para(d, NULL, "Mötets öppnande och presentation av deltagarna.");
	notes(d);

	heading(d, "Heading1", "2.", "Föregående mötesanteckningar");
	if (json_is_object(json_object_get(model, "previous"))) {
		char *text =
		    xasprintf("Mötesanteckningarna från mötet %s.",
			      render_model_str(json_object_get(model, "previous"), "date_long"));
		para(d, NULL, text);
		free(text);
	}
	notes(d);

	heading(d, "Heading1", "3.", "Punkter från föregående möte");
	if (json_array_size(json_object_get(model, "carried")) == 0) {
		para(d, NULL, "Inga punkter från föregående möte.");
		notes(d);
	}
	for (i = 0; (it = json_array_get(json_object_get(model, "carried"), i)) != NULL; i++) {
		item(d, it, "Heading3");
	}

	heading(d, "Heading1", "4.", "Inkomna frågor från föreningar");
	if (json_array_size(json_object_get(model, "categories")) == 0) {
		para(d, NULL, "Inga frågor har kommit in.");
		notes(d);
	}
	for (i = 0; (cat = json_array_get(json_object_get(model, "categories"), i)) != NULL; i++) {
		para(d, "Heading2", render_model_str(cat, "heading"));
		for (k = 0; (it = json_array_get(json_object_get(cat, "items"), k)) != NULL; k++) {
			item(d, it, "Heading3");
		}
	}

	heading(d, "Heading1", "5.", "Övriga frågor");
	notes(d);

	heading(d, "Heading1", "6.", "Inför nästa möte och avslutning");
	if (json_is_object(json_object_get(model, "next")))
		meeting_line(d, "Nästa möte: ", json_object_get(model, "next"));
	else
		labelled(d, NULL, "Nästa möte: ", "bestäms senare.");
	para(d, NULL, "Mötet avslutas.");
	notes(d);

	para(d, NULL, NULL);
	table_begin(d, sign_cols, 2);
	buf_append_str(d, "<w:tr>");
	cell_begin(d, sign_cols[0]);
	labelled(d, NULL, "Vid protokollet", NULL);
	para(d, NULL, NULL);
	para(d, NULL,
	     "\xe2\x80\xa6\xe2\x80\xa6\xe2\x80\xa6\xe2\x80\xa6\xe2\x80\xa6\xe2\x80\xa6"
	     "\xe2\x80\xa6\xe2\x80\xa6\xe2\x80\xa6\xe2\x80\xa6");
	para(d, NULL, render_model_str(council, "handlaggare"));
	cell_end(d);
	cell_begin(d, sign_cols[1]);
	labelled(d, NULL, "Justeras", NULL);
	para(d, NULL, NULL);
	para(d, NULL,
	     "\xe2\x80\xa6\xe2\x80\xa6\xe2\x80\xa6\xe2\x80\xa6\xe2\x80\xa6\xe2\x80\xa6"
	     "\xe2\x80\xa6\xe2\x80\xa6\xe2\x80\xa6\xe2\x80\xa6");
	{
		const char *chair = render_model_str(council, "chair");
		para(d, NULL, *chair != '\0' ? chair : "Ordförande");
	}
	cell_end(d);
	buf_append_str(d, "</w:tr></w:tbl>");
	para(d, NULL, NULL); /* Word wants a paragraph, not a table, to end the body */

	/* A4, 2.5 cm margins, the header on every page */
	buf_append_str(d, "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rIdHeader1\"/>"
			  "<w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1417\" "
			  "w:right=\"1417\" w:bottom=\"1417\" w:left=\"1417\" w:header=\"708\" "
			  "w:footer=\"708\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>");
}

static void field(struct buf *d, const char *instr, const char *shown)
{
	buf_printf(d, "<w:fldSimple w:instr=\" %s \"><w:r><w:t>%s</w:t></w:r></w:fldSimple>", instr,
		   shown);
}

static void header_xml(struct buf *d, const json_t *model)
{
	const json_t *council = json_object_get(model, "council");
	const json_t *line;
	size_t i;
	const int cols[] = {5500, 3572};

	buf_append_str(d, XML_DECL "<w:hdr xmlns:w=\"" W_NS "\" xmlns:r=\"" R_NS "\">");
	table_begin(d, cols, 2);
	buf_append_str(d, "<w:tr>");
	cell_begin(d, cols[0]);
	if (json_array_size(json_object_get(council, "organisation_lines")) == 0)
		para(d, "Header", render_model_str(council, "name"));
	for (i = 0;
	     (line = json_array_get(json_object_get(council, "organisation_lines"), i)) != NULL;
	     i++) {
		p_begin(d, "Header");
		run(d, json_string_value(line), i == 0, false);
		p_end(d);
	}
	cell_end(d);
	cell_begin(d, cols[1]);
	buf_append_str(d,
		       "<w:p><w:pPr><w:pStyle w:val=\"Header\"/><w:jc w:val=\"right\"/></w:pPr>");
	run(d, "MÖTESANTECKNING", true, false);
	p_end(d);
	buf_append_str(d,
		       "<w:p><w:pPr><w:pStyle w:val=\"Header\"/><w:jc w:val=\"right\"/></w:pPr>");
	run(d, "Sida ", false, false);
	field(d, "PAGE", "1");
	run(d, " (", false, false);
	field(d, "NUMPAGES", "1");
	run(d, ")", false, false);
	p_end(d);
	cell_end(d);
	buf_append_str(d, "</w:tr></w:tbl><w:p><w:pPr><w:pStyle w:val=\"Header\"/></w:pPr></w:p>"
			  "</w:hdr>");
}

static const char styles_xml[] = XML_DECL
    "<w:styles xmlns:w=\"" W_NS "\">"
    "<w:docDefaults><w:rPrDefault><w:rPr>"
    "<w:rFonts w:ascii=\"Arial\" w:hAnsi=\"Arial\" w:eastAsia=\"Arial\" w:cs=\"Arial\"/>"
    "<w:sz w:val=\"22\"/><w:szCs w:val=\"22\"/><w:lang w:val=\"sv-SE\"/>"
    "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
    "<w:spacing w:after=\"80\" w:line=\"264\" w:lineRule=\"auto\"/>"
    "</w:pPr></w:pPrDefault></w:docDefaults>"
    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\">"
    "<w:name w:val=\"Normal\"/><w:qFormat/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Subtitle\"/><w:qFormat/>"
    "<w:pPr><w:spacing w:before=\"360\" w:after=\"60\"/></w:pPr>"
    "<w:rPr><w:b/><w:sz w:val=\"40\"/><w:szCs w:val=\"40\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Subtitle\"><w:name w:val=\"Subtitle\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>"
    "<w:pPr><w:spacing w:after=\"240\"/></w:pPr>"
    "<w:rPr><w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>"
    "<w:pPr><w:keepNext/><w:spacing w:before=\"320\" w:after=\"80\"/>"
    "<w:outlineLvl w:val=\"0\"/></w:pPr>"
    "<w:rPr><w:b/><w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>"
    "<w:pPr><w:keepNext/><w:spacing w:before=\"240\" w:after=\"60\"/>"
    "<w:outlineLvl w:val=\"1\"/></w:pPr>"
    "<w:rPr><w:b/><w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading3\"><w:name w:val=\"heading 3\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>"
    "<w:pPr><w:keepNext/><w:spacing w:before=\"200\" w:after=\"60\"/>"
    "<w:outlineLvl w:val=\"2\"/></w:pPr>"
    "<w:rPr><w:b/><w:sz w:val=\"22\"/><w:szCs w:val=\"22\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Quote\"><w:name w:val=\"Quote\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>"
    "<w:pPr><w:spacing w:after=\"40\"/><w:ind w:left=\"567\"/></w:pPr>"
    "<w:rPr><w:i/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"ListBullet\"><w:name w:val=\"List Bullet\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:qFormat/>"
    "<w:pPr><w:numPr><w:numId w:val=\"1\"/></w:numPr>"
    "<w:tabs><w:tab w:val=\"right\" w:leader=\"dot\" w:pos=\"9072\"/></w:tabs>"
    "<w:spacing w:after=\"60\"/><w:ind w:left=\"360\" w:hanging=\"360\"/></w:pPr></w:style>"
    "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"NoteLabel\">"
    "<w:name w:val=\"Anteckningar\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/>"
    "<w:pPr><w:spacing w:before=\"120\" w:after=\"0\"/></w:pPr>"
    "<w:rPr><w:color w:val=\"595959\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"Label\">"
    "<w:name w:val=\"Etikett\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/>"
    "<w:pPr><w:spacing w:after=\"0\"/></w:pPr>"
    "<w:rPr><w:sz w:val=\"16\"/><w:szCs w:val=\"16\"/><w:color w:val=\"595959\"/></w:rPr>"
    "</w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Header\"><w:name w:val=\"header\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:pPr><w:spacing w:after=\"0\"/></w:pPr></w:style>"
    "<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\">"
    "<w:name w:val=\"Normal Table\"/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/>"
    "<w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/>"
    "<w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/>"
    "</w:tblCellMar></w:tblPr></w:style>"
    "</w:styles>";

static const char numbering_xml[] =
    XML_DECL "<w:numbering xmlns:w=\"" W_NS "\">"
	     "<w:abstractNum w:abstractNumId=\"0\"><w:multiLevelType w:val=\"singleLevel\"/>"
	     "<w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"bullet\"/>"
	     "<w:lvlText w:val=\"\xe2\x80\xa2\"/><w:lvlJc w:val=\"left\"/>"
	     "<w:pPr><w:ind w:left=\"360\" w:hanging=\"360\"/></w:pPr></w:lvl></w:abstractNum>"
	     "<w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>"
	     "</w:numbering>";

static const char settings_xml[] =
    XML_DECL "<w:settings xmlns:w=\"" W_NS "\">"
	     "<w:defaultTabStop w:val=\"1304\"/>"
	     "<w:characterSpacingControl w:val=\"doNotCompress\"/>"
	     "<w:compat><w:compatSetting w:name=\"compatibilityMode\" "
	     "w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>"
	     "</w:settings>";

static const char content_types_xml[] =
    XML_DECL "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	     "<Default Extension=\"rels\" "
	     "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
	     "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	     "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
	     "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
	     "<Override PartName=\"/word/styles.xml\" ContentType=\"application/"
	     "vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
	     "<Override PartName=\"/word/numbering.xml\" ContentType=\"application/"
	     "vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml\"/>"
	     "<Override PartName=\"/word/settings.xml\" ContentType=\"application/"
	     "vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>"
	     "<Override PartName=\"/word/header1.xml\" ContentType=\"application/"
	     "vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"
	     "<Override PartName=\"/docProps/core.xml\" "
	     "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
	     "<Override PartName=\"/docProps/app.xml\" ContentType=\"application/"
	     "vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
	     "</Types>";

#define REL_NS   "http://schemas.openxmlformats.org/package/2006/relationships"
#define REL_TYPE "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

static const char package_rels_xml[] =
    XML_DECL "<Relationships xmlns=\"" REL_NS "\">"
	     "<Relationship Id=\"rId1\" Type=\"" REL_TYPE "officeDocument\" "
	     "Target=\"word/document.xml\"/>"
	     "<Relationship Id=\"rId2\" Type=\"" REL_NS "/metadata/core-properties\" "
	     "Target=\"docProps/core.xml\"/>"
	     "<Relationship Id=\"rId3\" Type=\"" REL_TYPE "extended-properties\" "
	     "Target=\"docProps/app.xml\"/>"
	     "</Relationships>";

static const char document_rels_xml[] =
    XML_DECL "<Relationships xmlns=\"" REL_NS "\">"
	     "<Relationship Id=\"rIdStyles\" Type=\"" REL_TYPE "styles\" Target=\"styles.xml\"/>"
	     "<Relationship Id=\"rIdNumbering\" Type=\"" REL_TYPE "numbering\" "
	     "Target=\"numbering.xml\"/>"
	     "<Relationship Id=\"rIdSettings\" Type=\"" REL_TYPE "settings\" "
	     "Target=\"settings.xml\"/>"
	     "<Relationship Id=\"rIdHeader1\" Type=\"" REL_TYPE "header\" Target=\"header1.xml\"/>"
	     "</Relationships>";

static const char app_xml[] =
    XML_DECL "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/"
	     "extended-properties\"><Application>agendad</Application></Properties>";

static void core_xml(struct buf *d, const json_t *model)
{
	const json_t *council = json_object_get(model, "council");
	const json_t *meeting = json_object_get(model, "meeting");
	char *title = xasprintf("Mötesanteckning %s %s", render_model_str(council, "name"),
				render_model_str(meeting, "date"));
	const char *generated = render_model_str(json_object_get(model, "document"), "generated");

	buf_append_str(d, XML_DECL
		       "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/"
		       "package/2006/metadata/core-properties\" "
		       "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
		       "xmlns:dcterms=\"http://purl.org/dc/terms/\" "
		       "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>");
	render_escape_xml(d, title);
	buf_append_str(d, "</dc:title><dc:creator>");
	render_escape_xml(d, render_model_str(council, "name"));
	buf_append_str(d, "</dc:creator><dc:language>sv-SE</dc:language>"
			  "<dcterms:created xsi:type=\"dcterms:W3CDTF\">");
	buf_append_str(d, generated);
	buf_append_str(d, "</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">");
	buf_append_str(d, generated);
	buf_append_str(d, "</dcterms:modified></cp:coreProperties>");
	free(title);
}

/* ---- the zip ---------------------------------------------------------------- */

/* Adds a part; takes the bytes of content. */
static int add_part(zip_t *zip, const char *name, struct buf *content, time_t mtime,
		    struct error *error_r)
{
	size_t len = content->len;
	char *data = buf_steal(content);
	zip_source_t *source = zip_source_buffer(zip, data, len, 1);
	zip_int64_t index;

	if (source == NULL) {
		free(data);
		return err_set(error_r, ERR_FATAL, "render: docx part %s: %s", name,
			       zip_strerror(zip));
	}
	index = zip_file_add(zip, name, source, ZIP_FL_ENC_UTF_8);
	if (index < 0) {
		zip_source_free(source);
		return err_set(error_r, ERR_FATAL, "render: docx part %s: %s", name,
			       zip_strerror(zip));
	}
	/* the same agenda at the same time gives the same bytes */
	zip_file_set_mtime(zip, (zip_uint64_t)index, mtime, 0);
	return 0;
}

static int add_static(zip_t *zip, const char *name, const char *content, time_t mtime,
		      struct error *error_r)
{
	struct buf b = {0};

	buf_append_str(&b, content);
	return add_part(zip, name, &b, mtime, error_r);
}

int render_minutes_docx(const struct render_context *ctx, const struct store_agenda *agenda,
			void **out_r, size_t *size_r, struct error *error_r)
{
	zip_error_t zerr;
	zip_source_t *archive;
	zip_t *zip;
	zip_stat_t st;
	json_t *model;
	struct buf document = {0}, header = {0}, core = {0};
	void *data;
	int ret = 0;

	*out_r = NULL;
	*size_r = 0;
	model = render_agenda_model(ctx, agenda);
	document_xml(&document, model);
	header_xml(&header, model);
	core_xml(&core, model);
	json_decref(model);

	zip_error_init(&zerr);
	archive = zip_source_buffer_create(NULL, 0, 0, &zerr);
	if (archive == NULL) {
		ret = err_set(error_r, ERR_FATAL, "render: docx: %s", zip_error_strerror(&zerr));
		goto out;
	}
	zip = zip_open_from_source(archive, ZIP_TRUNCATE, &zerr);
	if (zip == NULL) {
		ret = err_set(error_r, ERR_FATAL, "render: docx: %s", zip_error_strerror(&zerr));
		zip_source_free(archive);
		goto out;
	}
	/* the archive must outlive zip_close(), which writes into it */
	zip_source_keep(archive);
	/* [Content_Types].xml first: some readers sniff the first entry */
	if (add_static(zip, "[Content_Types].xml", content_types_xml, ctx->now, error_r) < 0 ||
	    add_static(zip, "_rels/.rels", package_rels_xml, ctx->now, error_r) < 0 ||
	    add_part(zip, "word/document.xml", &document, ctx->now, error_r) < 0 ||
	    add_static(zip, "word/_rels/document.xml.rels", document_rels_xml, ctx->now, error_r) <
		0 ||
	    add_static(zip, "word/styles.xml", styles_xml, ctx->now, error_r) < 0 ||
	    add_static(zip, "word/numbering.xml", numbering_xml, ctx->now, error_r) < 0 ||
	    add_static(zip, "word/settings.xml", settings_xml, ctx->now, error_r) < 0 ||
	    add_part(zip, "word/header1.xml", &header, ctx->now, error_r) < 0 ||
	    add_part(zip, "docProps/core.xml", &core, ctx->now, error_r) < 0 ||
	    add_static(zip, "docProps/app.xml", app_xml, ctx->now, error_r) < 0) {
		zip_discard(zip);
		zip_source_free(archive);
		ret = -1;
		goto out;
	}
	if (zip_close(zip) < 0) {
		ret = err_set(error_r, ERR_FATAL, "render: docx: %s", zip_strerror(zip));
		zip_discard(zip);
		zip_source_free(archive);
		goto out;
	}
	zip_stat_init(&st);
	if (zip_source_stat(archive, &st) < 0 || zip_source_open(archive) < 0) {
		ret = err_set(error_r, ERR_FATAL, "render: docx: %s",
			      zip_error_strerror(zip_source_error(archive)));
		zip_source_free(archive);
		goto out;
	}
	data = xmalloc((size_t)st.size);
	if (zip_source_read(archive, data, st.size) != (zip_int64_t)st.size) {
		ret = err_set(error_r, ERR_FATAL, "render: docx: %s",
			      zip_error_strerror(zip_source_error(archive)));
		free(data);
	} else {
		*out_r = data;
		*size_r = (size_t)st.size;
	}
	zip_source_close(archive);
	zip_source_free(archive);
out:
	buf_free(&document);
	buf_free(&header);
	buf_free(&core);
	return ret;
}
