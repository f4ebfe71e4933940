"""HTML building blocks of the report: escaped tables, cards, figures and the page.

Cells arrive already formatted as text (:mod:`stuntlib._format`); this module only
escapes and lays them out. The stylesheet prints on A4 landscape with every table's
header repeated on each page.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

__all__ = ["CSS", "cards", "figure", "page", "paragraph", "section", "table"]

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;margin:0;
color:#1d2733;background:#f5f7fa}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{margin:0 0 4px;font-size:28px}h2{margin-top:36px;border-bottom:2px solid #d5dde8;
padding-bottom:4px;font-size:21px}h3{font-size:16px;margin-bottom:6px}
.meta{color:#56657a;font-size:14px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px}
.card{background:#fff;border-radius:8px;padding:14px 16px;box-shadow:0 1px 3px #0002}
.card .v{font-size:26px;font-weight:650}.card .l{font-size:13px;color:#56657a}
.card .s{font-size:12px;color:#56657a}
figure{background:#fff;margin:16px 0;padding:12px;border-radius:8px;box-shadow:0 1px 3px #0002}
figure img{max-width:100%;height:auto;display:block;margin:0 auto}
figcaption{font-size:13px;color:#56657a;margin-top:6px}
table{border-collapse:collapse;background:#fff;font-size:12.5px;margin:8px 0}
th,td{border:1px solid #d5dde8;padding:3px 6px;text-align:right}
th{background:#e8eef7;text-align:center}td.t{text-align:left}
tr.kec td{font-weight:600;background:#f0f4fa}tr.kota td{font-weight:700;background:#dfe8f5}
.scroll{overflow-x:auto}p.text{background:#fff;padding:14px;border-radius:8px;
line-height:1.5;font-size:14px}p.note{font-size:13px;color:#56657a}
@page{size:A4 landscape;margin:10mm}
@media print{
body{background:#fff;font-size:11px}main{max-width:none;padding:0}
h2{break-after:avoid;page-break-after:avoid;margin-top:18px}
.scroll{overflow:visible}
table{width:100%;font-size:8px;table-layout:auto;break-inside:auto}
thead{display:table-header-group}tr{break-inside:avoid;page-break-inside:avoid}
th,td{padding:1px 3px}
figure,.card{box-shadow:none;break-inside:avoid;page-break-inside:avoid}
figure img{max-height:170mm}
}
"""


def _e(text: object) -> str:
    return html.escape(str(text))


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    text_columns: Sequence[int] = (0,),
    row_classes: Sequence[str] | None = None,
    groups: Sequence[tuple[str, int]] | None = None,
) -> str:
    """An escaped HTML table of preformatted cells (text columns left-aligned).

    ``groups`` adds a first header row of ``(label, columns spanned)``.
    """
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    if groups:
        top = "".join(
            f'<th colspan="{span}">{_e(label)}</th>' if span > 1 else f"<th>{_e(label)}</th>"
            for label, span in groups
        )
        head = f"{top}</tr><tr>{head}"
    text = set(text_columns)
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{row_classes[i]}"' if row_classes and row_classes[i] else ""
        tds = "".join(
            f"<td{' class=t' if j in text else ''}>{_e(v)}</td>" for j, v in enumerate(row)
        )
        body.append(f"<tr{cls}>{tds}</tr>")
    return (
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def cards(items: Sequence[tuple[str, str, str]]) -> str:
    """Headline cards: (label, value, subtitle)."""
    inner = "".join(
        f'<div class="card"><div class="v">{_e(v)}</div><div class="l">{_e(label)}</div>'
        f'<div class="s">{_e(s)}</div></div>'
        for label, v, s in items
    )
    return f'<div class="cards">{inner}</div>'


def figure(uri: str, alt: str, caption: str = "") -> str:
    """An embedded PNG with its caption."""
    cap = f"<figcaption>{_e(caption)}</figcaption>" if caption else ""
    return f'<figure><img src="{uri}" alt="{_e(alt)}">{cap}</figure>'


def paragraph(text: str, cls: str = "") -> str:
    """An escaped paragraph."""
    return f'<p class="{cls}">{_e(text)}</p>' if cls else f"<p>{_e(text)}</p>"


def section(heading: str, body: str, level: int = 2) -> str:
    """A heading and its body (the body is already HTML)."""
    return f"<h{level}>{_e(heading)}</h{level}>{body}"


def page(language: str, heading: str, meta: Sequence[str], body: str) -> str:
    """The whole document: no script and no external resource."""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(heading)}</title><style>{CSS}</style></head><body><main>"
        f"<h1>{_e(heading)}</h1>"
        f'<p class="meta">{" · ".join(_e(m) for m in meta)}</p>'
        f"{body}</main></body></html>\n"
    )
