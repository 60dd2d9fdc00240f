#!/usr/bin/python3
"""Prints every paragraph of a .docx as python-docx (a reader other than
ours) sees it: body, tables and the page header, one paragraph per line,
with the style name first: 'STYLE<TAB>TEXT'. Used by test_render.c."""
import sys

import docx

document = docx.Document(sys.argv[1])
for paragraph in document.paragraphs:
    print(f"{paragraph.style.name}\t{paragraph.text}")
for table in document.tables:
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                print(f"{paragraph.style.name}\t{paragraph.text}")
for paragraph in document.sections[0].header.paragraphs:
    print(f"{paragraph.style.name}\t{paragraph.text}")
for table in document.sections[0].header.tables:
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                print(f"{paragraph.style.name}\t{paragraph.text}")
