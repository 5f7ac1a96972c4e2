"""The printed look shared by the Schools Forum pack and the DfE report: A4, the OFFICIAL
marking once at the top and once at the foot of every page (the page's own margin boxes, so it
is never repeated in the body), GOV.UK-like type, tables that do not split a row across pages."""

from __future__ import annotations

import html

from exports.symbols import SYMBOLS

MARKING = "OFFICIAL"

STYLE = """
@page { size: A4; margin: 18mm 16mm 20mm;
  @top-right { content: "%MARKING%"; font: 700 10pt Arial, "Liberation Sans", sans-serif; }
  @bottom-center { content: "%MARKING%"; font: 700 10pt Arial, "Liberation Sans", sans-serif; }
  @bottom-right { content: counter(page) " of " counter(pages);
    font: 9pt Arial, "Liberation Sans", sans-serif; } }
body { font-family: Arial, "Liberation Sans", Helvetica, sans-serif; color: #0b0c0c;
  font-size: 11pt; line-height: 1.35; margin: 0; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
.banner { border: 3pt solid #d4351c; padding: 6pt 10pt; font-size: 12pt; margin: 0 0 12pt; }
h1 { font-size: 24pt; margin: 0 0 12pt; }
h2 { font-size: 16pt; margin: 18pt 0 8pt; }
h3 { font-size: 13pt; margin: 12pt 0 6pt; }
/* a heading is never left at the foot of a page, apart from what it heads */
h1, h2, h3, caption { break-after: avoid; page-break-after: avoid; }
.kept { break-inside: avoid; page-break-inside: avoid; }
.cover { page-break-after: always; padding-top: 30mm; }
.cover .lede { font-size: 14pt; }
.page { page-break-before: always; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; margin: 6pt 0 12pt; }
caption { text-align: left; font-weight: 700; padding-bottom: 4pt; }
th, td { border-bottom: 1px solid #b1b4b6; padding: 3pt 6pt 3pt 0; text-align: left;
  vertical-align: top; }
thead th { border-bottom: 2px solid #0b0c0c; }
tr { page-break-inside: avoid; }
td.num, th.num { text-align: right; white-space: nowrap; }
.measure { page-break-inside: avoid; margin-bottom: 10pt; }
.chart svg { width: 100%; height: auto; }
.facts th { width: 35%; }
.status { font-weight: 700; }
.commentary { border-left: 4pt solid #1d70b8; padding: 4pt 8pt; background: #f3f2f1; }
.source { color: #484949; font-size: 9pt; }
.summary table { font-size: 7pt; margin: 0; line-height: 1.2; }
.summary th, .summary td { padding: 0.8pt 4pt 0.8pt 0; }
.summary td { white-space: nowrap; }
.summary h2 { margin-top: 0; font-size: 14pt; }
.summary p { margin: 0 0 4pt; font-size: 9pt; }
""".replace("%MARKING%", MARKING)


def escape(text: object) -> str:
    return html.escape(str(text))


def document(title: str, body: str, *, extra_style: str = "") -> str:
    return (
        f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{STYLE}{extra_style}</style></head>"
        f"<body>{body}</body></html>"
    )


def symbol_key() -> str:
    rows = "".join(
        f"<tr><th scope='row'>{escape(s)}</th><td>{escape(m)}</td></tr>" for s, m in SYMBOLS.items()
    )
    return (
        "<table><caption>Symbols used in this document</caption><thead><tr>"
        "<th scope='col'>Symbol</th><th scope='col'>Meaning</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def table(caption: str, headers: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    head = "".join(
        f"<th scope='col'{' class=num' if i in numeric else ''}>{escape(h)}</th>"
        for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(
            (
                f"<th scope='row'>{escape(c)}</th>"
                if i == 0
                else f"<td{' class=num' if i in numeric else ''}>{escape(c)}</td>"
            )
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return (
        f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )
