"""Which cells a spreadsheet shows as percentages.

Typing 14% in Excel or LibreOffice stores the number 0.14 and gives the cell a percentage number
format; calamine reports the 0.14 but not the format. The format is the cell's style (the ``s``
attribute in the sheet XML), an index into ``cellXfs`` in styles.xml, whose ``numFmtId`` is either
built in (9 is 0%, 10 is 0.00%) or declared in ``numFmts``.
"""

from __future__ import annotations

import re
import zipfile

from defusedxml import ElementTree

BUILT_IN_PERCENT = {9, 10}
_STYLES_TYPE = "/styles"
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')  # literal text, escaped characters, [Red] etc.
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def is_percent_format(code: str) -> bool:
    """A format that multiplies by 100 and shows %: a % outside quotes and brackets."""
    return "%" in _QUOTED.sub("", code)


def _styles_part(archive: zipfile.ZipFile) -> str | None:
    names = set(archive.namelist())
    if "xl/_rels/workbook.xml.rels" in names:
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        for rel in rels.findall("{*}Relationship"):
            if (rel.get("Type") or "").endswith(_STYLES_TYPE):
                target = (rel.get("Target") or "").lstrip("/")
                path = target if target.startswith("xl/") else f"xl/{target}"
                return path if path in names else None
    return "xl/styles.xml" if "xl/styles.xml" in names else None


def percent_styles(archive: zipfile.ZipFile) -> frozenset[int]:
    """The indexes of the cell styles whose number format is a percentage."""
    part = _styles_part(archive)
    if part is None:
        return frozenset()
    styles = ElementTree.fromstring(archive.read(part))
    custom = {
        int(fmt.get("numFmtId", "-1")): fmt.get("formatCode") or ""
        for fmt in styles.findall("{*}numFmts/{*}numFmt")
    }
    percent_ids = BUILT_IN_PERCENT | {i for i, code in custom.items() if is_percent_format(code)}
    return frozenset(
        index
        for index, xf in enumerate(styles.findall("{*}cellXfs/{*}xf"))
        if int(xf.get("numFmtId", "0")) in percent_ids
    )


def percent_cells(xml: bytes, styles: frozenset[int]) -> frozenset[tuple[int, int]]:
    """(row, column) of every cell in the sheet XML styled with one of ``styles``.

    Looks only at the style attributes that name a percentage style, so a long sheet without
    any costs one regular-expression pass.
    """
    if not styles:
        return frozenset()
    wanted = re.compile(rb'\ss="(' + b"|".join(str(s).encode() for s in styles) + rb')"')
    found = set()
    for match in wanted.finditer(xml):
        start = xml.rfind(b"<", 0, match.start())
        tag = xml[start : xml.find(b">", match.start()) + 1]
        name = re.match(rb"<(?:\w+:)?(\w+)", tag)
        if name is None or name.group(1) != b"c":  # rows and columns carry styles too
            continue
        ref = _REF.search(tag)
        if ref:
            found.add((int(ref.group(2)), _column_number(ref.group(1))))
    return frozenset(found)
