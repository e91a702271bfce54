"""Reports as HTML for Qt's rich-text engine (QTextDocument): pure functions of report data.

Every piece of text that came from a person or a file goes through :func:`esc`, so a clerk named
``<script>`` or a note holding ``'; DROP TABLE`` prints literally. Only the HTML subset that
QTextDocument understands is used (tables with cellpadding, simple CSS classes).
"""

from __future__ import annotations

import html as _html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from returns_desk.domain.integrity import Anchor
from returns_desk.domain.messages import normalise_lang, say
from returns_desk.domain.money import format_amount
from returns_desk.domain.vocab import INCIDENT_ACTIONS, INTACT, PENDING, REMEDIES
from returns_desk.reports.daily import PROGRESS_FIGURES, local_text

#: Marks the reprint banner so that a reprint differs from the first print only inside it.
REPRINT_START = "<!--reprint-->"
REPRINT_END = "<!--/reprint-->"

STYLE = """
body { font-size: 9pt; }
h1 { font-size: 15pt; font-weight: bold; margin-bottom: 2px; }
h2 { font-size: 11pt; font-weight: bold; margin-top: 12px; margin-bottom: 4px; }
h3 { font-size: 9.5pt; font-weight: bold; margin-top: 8px; margin-bottom: 2px; }
p { margin-top: 1px; margin-bottom: 1px; }
.kind { font-size: 12pt; font-weight: bold; }
.reprint { font-size: 11pt; font-weight: bold; color: #b00000; }
.muted { color: #555555; }
table.grid { border-collapse: collapse; border-color: #888888; }
table.grid th { background-color: #e6e6e6; font-weight: bold; }
table.small td { font-size: 7pt; }
table.small th { font-size: 7pt; }
.num { text-align: right; }
.hazard { color: #b00000; font-weight: bold; }
.anchor { font-size: 12pt; font-weight: bold; font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; margin-top: 4px; }
"""


def _s(value: Any) -> str:
    """A cell's plain text: None is empty."""
    return "" if value is None else str(value)


def esc(value: Any) -> str:
    """Text as HTML text: markup characters escaped, everything else kept as it is."""
    if value is None:
        return ""
    return _html.escape(str(value), quote=True)


def money(amounts: Mapping[str, int] | None, currency: str) -> str:
    """A total kept per currency. The report's own currency prints as a bare number; any other
    currency (a market changed during the day) is named."""
    if not amounts:
        return format_amount(0, currency)
    parts = []
    for cur in sorted(amounts, key=lambda c: (c != currency, c)):
        text = format_amount(amounts[cur], cur)
        parts.append(text if cur == currency else f"{text} {cur}")
    return " + ".join(parts)


class _T:
    """Labels in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = normalise_lang(lang)

    def __call__(self, key: str, **args: Any) -> str:
        return esc(say(key, self.lang, **args))

    def cond(self, value: str) -> str:
        return self(f"cond_{value}") if value else ""

    def remedy(self, value: str) -> str:
        return self(f"remedy_{value}") if value else ""

    def confirmation(self, value: str) -> str:
        return self(f"rpt_confirmation_{value}") if value else ""


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    numeric: Iterable[int] = (),
    small: bool = False,
    widths: Sequence[int] | None = None,
    nowrap: Iterable[int] = (),
    chunk: int = 40,
) -> str:
    """A bordered grid. Cells are already-escaped HTML; ``numeric`` columns align right and
    ``nowrap`` columns (tickets, serials, times) never break inside their text."""
    num = set(numeric)
    keep = set(nowrap) | num
    cls = "grid small" if small else "grid"
    pad = 2 if small else 3
    out = [f'<table class="{cls}" border="1" cellspacing="0" cellpadding="{pad}" width="100%"><thead><tr>']
    for i, h in enumerate(headers):
        w = f' width="{widths[i]}%"' if widths else ""
        align = ' align="right"' if i in num else ' align="left"'
        wrap = ' style="white-space: nowrap"' if i in num else ""
        out.append(f"<th{w}{align}{wrap}>{h}</th>")
    out.append("</tr></thead><tbody>")
    head = "".join(out)
    for n, row in enumerate(rows):
        if n and chunk and n % chunk == 0:
            # Qt lays out one long table in far more than linear time: a long list is printed
            # as a run of tables of ``chunk`` rows that look like one
            out.append("</tbody></table>")
            out.append(head)
        out.append("<tr>")
        for i, cell in enumerate(row):
            align = ' align="right"' if i in num else ""
            wrap = ' style="white-space: nowrap"' if i in keep else ""
            out.append(f"<td{align}{wrap}>{cell}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def document(title: str, body: str, lang: str) -> str:
    lang_attr = "zh-CN" if normalise_lang(lang) == "zh_CN" else "en"
    return (
        f'<!DOCTYPE html><html lang="{lang_attr}"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{STYLE}</style></head><body>{body}</body></html>"
    )


def _kv(pairs: Sequence[tuple[str, str]]) -> str:
    cells = "".join(f'<tr><td width="22%"><b>{k}</b></td><td>{v}</td></tr>' for k, v in pairs)
    return f'<table cellspacing="0" cellpadding="1" width="100%">{cells}</table>'


def progress_section(progress: Sequence[Mapping[str, Any]], titles: Mapping[str, Mapping[str, str]], lang: str, *, period_key: str = "rpt_this_day") -> str:
    """Recall programme progress: per recall one row for the period and one cumulative."""
    t = _T(lang)
    if not progress:
        return f"<h2>{t('rpt_progress')}</h2><p>{t('rpt_none')}</p>"
    keys = PROGRESS_FIGURES
    heads = [t("rpt_recall"), ""] + [t(k) for k in ("rpt_received", "rpt_refunded", "rpt_replaced", "rpt_vouchered", "rpt_pending")]
    out = ['<table class="grid small" border="1" cellspacing="0" cellpadding="2" width="100%"><thead><tr>']
    for i, h in enumerate(heads):
        out.append(f'<th align="right" style="white-space: nowrap">{h}</th>' if i >= 2 else f'<th align="left">{h}</th>')
    out.append("</tr></thead><tbody>")
    for p in progress:
        title = (titles.get(p["recall_id"]) or {}).get(t.lang) or p["recall_id"]
        for n, (label, figures) in enumerate(((t(period_key), p.get("period") or {}), (t("rpt_cumulative"), p.get("cumulative") or {}))):
            out.append("<tr>")
            if n == 0:
                out.append(f'<td rowspan="2">{esc(p["recall_id"])}<br/><span class="muted">{esc(title)}</span></td>')
            out.append(f"<td>{label}</td>")
            out.extend(f'<td align="right">{figures.get(k, 0)}</td>' for k in keys)
            out.append("</tr>")
    out.append("</tbody></table>")
    return f"<h2>{t('rpt_progress')}</h2>" + "".join(out)


@dataclass(frozen=True)
class TextTable:
    """A long table as plain text (not HTML) for a printer to draw itself, line by line: Qt's
    rich-text layout of a table grows far faster than its number of cells. ``hazard`` holds the
    rows whose ``hazard_column`` is printed as a warning; ``numeric`` columns align right;
    ``flexible`` columns (names) are the first to narrow when the text is too wide; ``wrap``
    columns (free text: reasons, notes) run onto more lines instead of being cut, and break
    where their text holds a line break. The table's
    ``heading`` is printed in ``heading_size`` points (an h2 of the HTML is 11, an h3 9.5), under
    ``leads`` (text, points): the headings it belongs to (an h2 above an h3), kept with it."""

    heading: str
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]
    numeric: frozenset[int] = frozenset()
    hazard_column: int | None = None
    hazard: frozenset[int] = frozenset()
    flexible: frozenset[int] = frozenset()
    wrap: frozenset[int] = frozenset()
    heading_size: float = 11.0
    leads: tuple[tuple[str, float], ...] = ()
    muted: frozenset[int] = frozenset()  # wrap columns whose lines after the first print muted (a title under a code)
    point_size: float = 7.0  # the HTML's small tables; the body text is 9
    fractions: tuple[float, ...] = ()  # each column's share of the width, as the HTML's widths; empty: by their text


@dataclass(frozen=True)
class Line:
    """A line of the report's own text for a printer to draw (a heading, a paragraph, a row of the
    header's key/value list or of the sign-off), as the report's style sheet shows it: ``cells``
    are (start, text, bold), start a share of the width, the last cell's text wrapping in the
    width left; ``size`` in points; ``before``/``after`` space in points; ``colour`` "#rrggbb" or
    "" (black); ``mono`` a monospaced font; ``keep`` kept on one page with the line after it."""

    cells: tuple[tuple[float, str, bool], ...]
    size: float = 9.0
    before: float = 0.0
    after: float = 0.0
    colour: str = ""
    mono: bool = False
    keep: bool = False


#: The style sheet's headings and paragraphs as :class:`Line` styles: size, bold, space before
#: and after (CSS px are 3/4 of a point), colour, monospace.
LINE_STYLES: dict[str, tuple[float, bool, float, float, str, bool]] = {
    "h1": (15.0, True, 0.0, 1.5, "", False),
    "h2": (11.0, True, 9.0, 3.0, "", False),
    "h3": (9.5, True, 6.0, 1.5, "", False),
    "p": (9.0, False, 0.75, 0.75, "", False),
    "kind": (12.0, True, 0.75, 0.75, "", False),
    "reprint": (11.0, True, 0.75, 0.75, "#b00000", False),
    "anchor": (12.0, True, 3.0, 0.75, "", True),
}


def text_line(style: str, text: str, *, keep: bool | None = None) -> Line:
    """One text as a :class:`Line` in a style of :data:`LINE_STYLES`; a heading is kept with what follows."""
    size, bold, before, after, colour, mono = LINE_STYLES[style]
    return Line(((0.0, text, bold),), size, before, after, colour, mono, style.startswith("h") if keep is None else keep)


@dataclass(frozen=True)
class TextBlock:
    """Lines of the report's own text (:class:`Line`) between its tables, for a printer to draw
    rather than lay out as rich text."""

    lines: tuple[Line, ...]


@dataclass(frozen=True)
class FigureTable:
    """A short table of figures (the totals, by clerk, custody) for a printer to draw as it draws
    the lists (:class:`TextTable`: the same type, grid and header row) rather than lay it out as
    rich text: Qt's layout of the 20 rows of a day's clerks took longer than drawing every other
    table of that day's report."""

    table: TextTable


#: Heading sizes in points, as the report's style sheet gives them (h2, h3, a bold paragraph).
H2, H3, P_BOLD = 11.0, 9.5, 9.0
BY_RECALL_HEADS = ("rpt_recall", "rpt_model", "rpt_units", "rpt_refunded", "rpt_replaced", "rpt_vouchered", "rpt_pending", "rpt_hazardous", "rpt_value")
BY_CLERK_HEADS = ("rpt_clerk", "rpt_returns", "rpt_refund_value", "rpt_overrides", "rpt_voids")


def progress_text(progress: Sequence[Mapping[str, Any]], titles: Mapping[str, Mapping[str, str]], lang: str, *, period_key: str = "rpt_this_day") -> TextTable:
    """What :func:`progress_section` shows, for a printer to draw: a row per recall holding two
    lines, the period's figures over the cumulative ones (a recall is never split by a page)."""
    lang = normalise_lang(lang)
    rows = []
    for p in progress:
        title = (titles.get(p["recall_id"]) or {}).get(lang) or p["recall_id"]
        period, cumulative = p.get("period") or {}, p.get("cumulative") or {}
        rows.append((f"{p['recall_id']}\n{title}", f"{say(period_key, lang)}\n{say('rpt_cumulative', lang)}",
                     *(f"{period.get(k, 0)}\n{cumulative.get(k, 0)}" for k in PROGRESS_FIGURES)))
    heads = (say("rpt_recall", lang), "", *(say(k, lang) for k in ("rpt_received", "rpt_refunded", "rpt_replaced", "rpt_vouchered", "rpt_pending")))
    columns = range(len(heads))
    return TextTable(say("rpt_progress", lang), heads, rows, numeric=frozenset(columns[2:]), wrap=frozenset(columns), muted=frozenset({0}))


@dataclass(frozen=True)
class DailyPrint:
    """The daily report split for printing: ``flow`` is the report from top to bottom as
    :class:`TextTable` lists (the day's returns and the other lists that grow with the day:
    overrides, duplicates, incidents, voided entries ...), :class:`FigureTable` short tables of
    figures (totals, by clerk, custody) and :class:`TextBlock` lines (headings, paragraphs, the
    header's key/value list, the sign-off), all of which the printer draws line by line, and HTML
    documents for what it does not draw itself (head office's table by counter, the containers
    handed over). ``detail`` is the list of the day's returns (None without entries)."""

    title: str
    lang: str
    flow: tuple[str | TextTable | FigureTable | TextBlock, ...]
    detail: TextTable | None
    anchor: str = ""  # "audit: event 1,234 · 7f3a 91c2 0be4 55d1", printed under the heading


def detail_table(report: Mapping[str, Any], lang: str = "en") -> TextTable:
    """The list of the day's (non-voided) returns as plain text: what the HTML detail table
    shows, cell for cell, unescaped."""
    lang = normalise_lang(lang)
    cur = report["currency"]
    codes = recall_codes(report)
    cond = {c: say(f"cond_{c}", lang) for c in {e["condition"] for e in report["entries"]} if c}
    remedy = {r: say(f"remedy_{r}", lang) for r in {e["remedy"] for e in report["entries"]} if r}
    state = {c: say(f"rpt_confirmation_{c}", lang) for c in {e["confirmation"] for e in report["entries"]} if c}
    rows: list[tuple[str, ...]] = []
    hazard: set[int] = set()
    for n, e in enumerate(report["entries"]):
        if e["condition"] != INTACT:
            hazard.add(n)
        amount = format_amount(e["amount_minor"], e["currency"])
        rows.append((
            e["time"] or "", e["ticket"] or "", e["clerk"] or "", e["approver"] or "", codes[e["recall_id"]], e["model"] or "",
            e["serial"] or e["batch_code"] or "", cond.get(e["condition"], ""), remedy.get(e["remedy"], ""),
            amount if e["currency"] == cur else f"{amount} {e['currency']}", state.get(e["confirmation"], ""),
        ))
    heads = tuple(say(k, lang) for k in ("rpt_time", "rpt_ticket", "rpt_clerk", "rpt_approver", "rpt_recall", "rpt_model",
                                         "rpt_serial", "rpt_condition", "rpt_remedy", "rpt_amount", "rpt_status"))
    return TextTable(say("rpt_detail", lang), heads, rows, numeric=frozenset({9}), hazard_column=7, hazard=frozenset(hazard),
                     flexible=frozenset({2, 3}))


def _totals_text(tot: Mapping[str, Any], cur: str, lang: str) -> TextTable:
    """The totals as :func:`_daily_parts` shows them in HTML, as plain text for a printer: the
    replacement models under their line, muted."""
    repl = ", ".join(f"{m or say('rpt_model_not_recorded', lang)}: {n}" for m, n in tot["replacement_models"].items())
    rows: list[tuple[str, ...]] = [
        (say("rpt_t_returns", lang), str(tot["returns"]), ""),
        (say("rpt_t_units", lang), str(tot["units"]), ""),
        (say("rpt_t_refunds", lang), str(tot["refunds"]), money(tot["refund_value"], cur)),
        (say("rpt_t_replacements", lang) + (f"\n{repl}" if repl else ""), str(tot["replacements"]), ""),
        (say("rpt_t_vouchers", lang), str(tot["vouchers"]), money(tot["voucher_value"], cur)),
        (say("rpt_t_value", lang), str(tot["refunds"] + tot["vouchers"]), money(tot["value"], cur)),
        (say("rpt_t_pending", lang), str(tot[PENDING]), ""),
        (say("rpt_t_hazardous", lang), str(tot["hazardous"]), ""),
        (say("rpt_t_voided", lang), str(tot["voided"]), money(tot["voided_value"], cur)),
    ]
    return TextTable(say("rpt_totals", lang), ("", say("rpt_count", lang), say("rpt_value", lang)), rows, numeric=frozenset({1, 2}),
                     wrap=frozenset({0}), muted=frozenset({0}), fractions=(0.60, 0.15, 0.25))


def recall_codes(report: Mapping[str, Any]) -> dict[str, str]:
    """Recalls are named by a short code (R1, R2 ...) in the wide tables; "By recall" is the legend."""
    ids = {r["recall_id"] for r in report["by_recall"]} | {e["recall_id"] for e in report["entries"]}
    return {rid: f"R{i}" for i, rid in enumerate(sorted(ids), 1)}


def render_daily_html(report: Mapping[str, Any], lang: str = "en", *, reprint: Mapping[str, str] | None = None) -> str:
    """The daily return report as one HTML document. ``reprint`` (``at``, ``by``) marks a copy
    printed later from a Z snapshot; nothing else in the document changes."""
    lang = normalise_lang(lang)
    parts = _daily_parts(report, lang, reprint, lists_as_html=True)
    return document(_title(report, lang), "".join(p for p in parts if isinstance(p, str)), lang)


def daily_print(report: Mapping[str, Any], lang: str = "en", *, reprint: Mapping[str, str] | None = None) -> DailyPrint:
    """The daily report for a PDF or a printer: what :func:`render_daily_html` shows, in the same
    order, as parts the printer draws itself (see :class:`DailyPrint`; runs of lines become a
    :class:`TextBlock`, runs of what stays HTML a document of its own)."""
    lang = normalise_lang(lang)
    parts = _daily_parts(report, lang, reprint, lists_as_html=False)
    title = _title(report, lang)
    flow: list[str | TextTable | FigureTable | TextBlock] = []
    html: list[str] = []
    lines: list[Line] = []
    for part in parts:  # runs of HTML make a document, runs of lines a block
        if not isinstance(part, str) and html:
            flow.append(document(title, "".join(html), lang))
            html = []
        if not isinstance(part, Line) and lines:
            flow.append(TextBlock(tuple(lines)))
            lines = []
        if isinstance(part, str):
            html.append(part)
        elif isinstance(part, Line):
            lines.append(part)
        else:
            flow.append(part)
    if html:
        flow.append(document(title, "".join(html), lang))
    if lines:
        flow.append(TextBlock(tuple(lines)))
    detail = next((p for p in parts if isinstance(p, TextTable) and p.heading == say("rpt_detail", lang)), None)
    return DailyPrint(_html.unescape(title), lang, tuple(flow), detail, anchor_label(report, lang))


def anchor_label(report: Mapping[str, Any], lang: str) -> str:
    """The paper anchor of a report ("audit: event 1,234 · 7f3a 91c2 0be4 55d1"); empty for a
    report without one (a Z closed before anchors were printed)."""
    anchor = Anchor.from_json(report.get("audit_anchor"))
    return anchor.label(lang) if anchor else ""


def _title(report: Mapping[str, Any], lang: str) -> str:
    return f"{_T(lang)('rpt_title')} {esc(report['business_date'])}"


def _list_part(
    heading: str, headers: Sequence[str], rows: Sequence[Sequence[str]], *, as_html: bool, heading_tag: str = "h3",
    numeric: Sequence[int] = (), nowrap: Sequence[int] = (), hazard_column: int | None = None,
    wrap: Sequence[int] = (), flexible: Sequence[int] = (), leads: Sequence[tuple[str, str]] = (),
) -> list[str | TextTable]:
    """A list of the report (rows of plain text) under its heading: as the HTML of a small
    bordered grid (``as_html``), or as a :class:`TextTable` for a printer to draw. Every cell of
    ``hazard_column`` prints as a warning. ``leads`` are (tag, text) headings printed above."""
    if as_html:
        out = "".join(f"<{tag}>{esc(text)}</{tag}>" for tag, text in leads)
        open_tag, close_tag = ("<p><b>", "</b></p>") if heading_tag == "p" else (f"<{heading_tag}>", f"</{heading_tag}>")
        cells = [
            [f'<span class="hazard">{esc(c)}</span>' if i == hazard_column else esc(c) for i, c in enumerate(row)]
            for row in rows
        ]
        return [out + f"{open_tag}{esc(heading)}{close_tag}" + table([esc(h) for h in headers], cells, numeric=numeric, small=True, nowrap=nowrap)]
    size = {"h2": H2, "h3": H3, "p": P_BOLD}
    return [TextTable(
        heading, tuple(headers), [tuple(row) for row in rows], numeric=frozenset(numeric), hazard_column=hazard_column,
        hazard=frozenset(range(len(rows))) if hazard_column is not None else frozenset(), flexible=frozenset(flexible),
        wrap=frozenset(wrap), heading_size=size[heading_tag], leads=tuple((text, size[tag]) for tag, text in leads),
    )]


def _daily_parts(
    report: Mapping[str, Any], lang: str, reprint: Mapping[str, str] | None, *, lists_as_html: bool
) -> list[str | TextTable | FigureTable | Line]:
    """The daily report from top to bottom: HTML fragments and, unless ``lists_as_html``, the
    lists that grow with the day (overrides, duplicates, incidents, stopped returns, the day's
    returns, voided entries) as :class:`TextTable`. Joined, the HTML of ``lists_as_html`` is the
    whole report's body."""
    t = _T(lang)
    lang = t.lang
    cur = report["currency"]
    tot = report["totals"]
    titles = report.get("recalls", {})

    def title_of(rid: str) -> str:
        return esc((titles.get(rid) or {}).get(lang) or rid)

    codes = recall_codes(report)

    html_mode = lists_as_html

    def heading(tag: str, text: str) -> None:
        """An h1, h2 or h3 (``tag``); for a printer, a line kept with the next."""
        parts.append(f"<{tag}>{esc(text)}</{tag}>" if html_mode else text_line(tag, text))

    def para(text: str, cls: str = "", *, keep: bool = False) -> None:
        """A paragraph, of a class of the style sheet or none (``keep``: printed on the page of what follows)."""
        if html_mode:
            parts.append(f'<p class="{cls}">{esc(text)}</p>' if cls else f"<p>{esc(text)}</p>")
        else:
            parts.append(text_line(cls or "p", text, keep=keep))

    def none(tag: str, title: str, *, keep: bool = False) -> None:
        """A section's heading over "None." """
        heading(tag, title)
        para(say("rpt_none", lang), keep=keep)

    parts: list[str | TextTable | FigureTable | Line] = []
    heading("h1", say("rpt_title", lang))
    para(say("rpt_kind_z", lang, number=report["z_number"]) if report["kind"] == "Z" else say("rpt_kind_x", lang), "kind")
    if reprint is not None:
        banner = say("rpt_reprint", lang, number=report["z_number"], at=local_text(reprint["at"], report["time_zone"]), by=reprint["by"])
        parts.append(f'{REPRINT_START}<p class="reprint">{esc(banner)}</p>{REPRINT_END}' if html_mode else text_line("reprint", banner))
    counter = report["counter"] if report["counter"] else f"{say('rpt_whole_store', lang)} ({', '.join(report['counters']) or '-'})"
    printed_key = "rpt_closed" if report["kind"] == "Z" else "rpt_printed"
    pairs = [
        (say("rpt_store", lang), f"{report['store_name']} ({report['store_code']})"),
        (say("rpt_counter", lang), counter),
        (say("rpt_business_date", lang), report["business_date"]),
        (say("rpt_period", lang), f"{report['period_start']} – {report['period_end']} ({report['time_zone']})"),
        (say("rpt_report_no", lang), say("rpt_kind_z", lang, number=report["z_number"]) if report["kind"] == "Z" else "X"),
        (say(printed_key, lang), f"{local_text(report['printed_at'], report['time_zone'])} {say('rpt_by', lang)} {report['printed_by']}"),
        (say("rpt_catalogue", lang), ", ".join(dict.fromkeys([report["catalogue_version"], *report["catalogue_versions_used"]]))),
        ("", say("rpt_amounts_in", lang, currency=cur)),
    ]
    if html_mode:
        parts.append(_kv([(esc(k), esc(v)) for k, v in pairs]))
    else:  # the key/value list: keys bold in the first 22 % of the width, values wrapping in the rest
        parts += [Line(((0.0, k, True), (0.22, v, False)), before=0.75, after=0.75) for k, v in pairs]
    anchor = anchor_label(report, lang)
    if anchor:
        para(anchor, "anchor")

    # 1. totals
    parts.append(f"<h2>{t('rpt_totals')}</h2>")
    repl = ", ".join(f"{esc(m) if m else t('rpt_model_not_recorded')}: {n}" for m, n in tot["replacement_models"].items())
    total_rows = [
        [t("rpt_t_returns"), str(tot["returns"]), ""],
        [t("rpt_t_units"), str(tot["units"]), ""],
        [t("rpt_t_refunds"), str(tot["refunds"]), money(tot["refund_value"], cur)],
        [t("rpt_t_replacements") + (f'<br/><span class="muted">{repl}</span>' if repl else ""), str(tot["replacements"]), ""],
        [t("rpt_t_vouchers"), str(tot["vouchers"]), money(tot["voucher_value"], cur)],
        [t("rpt_t_value"), str(tot["refunds"] + tot["vouchers"]), money(tot["value"], cur)],
        [t("rpt_t_pending"), str(tot[PENDING]), ""],
        [t("rpt_t_hazardous"), str(tot["hazardous"]), ""],
        [t("rpt_t_voided"), str(tot["voided"]), money(tot["voided_value"], cur)],
    ]
    if lists_as_html:
        parts.append(table(["", t("rpt_count"), t("rpt_value")], total_rows, numeric=(1, 2), widths=[60, 15, 25]))
    else:
        parts[-1] = FigureTable(_totals_text(tot, cur, lang))

    # head office's store report: a line per counter, and up to when its data has arrived
    if report.get("by_counter") is not None:
        parts.append(f"<h2>{t('rpt_by_counter')}</h2>")
        zone_name = report["time_zone"]
        rows = [
            [esc(c["counter"]), str(c["returns"]), money(c["refund_value"], cur), money(c["value"], cur), str(c["voided"]),
             esc(local_text(c["latest_return_at"], zone_name)) if c["latest_return_at"] else "-",
             esc(local_text(c["last_seen"], zone_name)) if c["last_seen"] else "-",
             t("rpt_clock_off") if c["clock_flagged"] else ""]
            for c in report["by_counter"]
        ]
        heads = [t("rpt_counter"), t("rpt_returns"), t("rpt_refund_value"), t("rpt_value"), t("rpt_voids"), t("rpt_data_until"),
                 t("rpt_last_sync"), ""]
        parts.append(table(heads, rows, numeric=range(1, 5), small=True, nowrap=(0, 5, 6)))

    # 2. by recall x model
    if report["by_recall"] and not lists_as_html:
        # the recall's code and id, its title under them (muted)
        rows_text = [
            [f"{codes[r['recall_id']]} {r['recall_id']}\n{(titles.get(r['recall_id']) or {}).get(lang) or r['recall_id']}",
             f"{r['brand']} {r['model']}", str(r["units"]), *(str(r[k]) for k in REMEDIES.codes), str(r[PENDING]), str(r["hazardous"]),
             money(r["value"], cur)]
            for r in report["by_recall"]
        ]
        parts.append(TextTable(say("rpt_by_recall", lang), tuple(say(k, lang) for k in BY_RECALL_HEADS), [tuple(r) for r in rows_text],
                               numeric=frozenset(range(2, 9)), wrap=frozenset({0}), muted=frozenset({0})))
    else:
        heading("h2", say("rpt_by_recall", lang))
    if report["by_recall"] and lists_as_html:
        rows = [
            [
                f"<b>{codes[r['recall_id']]}</b> {esc(r['recall_id'])}<br/><span class=\"muted\">{title_of(r['recall_id'])}</span>",
                f"{esc(r['brand'])} {esc(r['model'])}",
                str(r["units"]), *(str(r[k]) for k in REMEDIES.codes),
                str(r[PENDING]), str(r["hazardous"]), money(r["value"], cur),
            ]
            for r in report["by_recall"]
        ]
        heads = [t(k) for k in BY_RECALL_HEADS]
        parts.append(table(heads, rows, numeric=range(2, 9), small=True, nowrap=(1,)))
    elif not report["by_recall"]:
        para(say("rpt_none", lang))

    # 3. by clerk (a short table, whose names wrap in full)
    heading("h2", say("rpt_by_clerk", lang))
    if report["by_clerk"] and not lists_as_html:
        clerks: list[tuple[str, ...]] = [(_s(c["clerk"]), str(c["returns"]), money(c["refund_value"], cur), str(c["overrides"]), str(c["voids"]))
                                         for c in report["by_clerk"]]
        parts[-1] = FigureTable(TextTable(say("rpt_by_clerk", lang), tuple(say(k, lang) for k in BY_CLERK_HEADS), clerks,
                                          numeric=frozenset(range(1, 5)), wrap=frozenset({0}), fractions=(0.40, 0.14, 0.18, 0.14, 0.14)))
    elif report["by_clerk"]:
        rows = [[esc(c["clerk"]), str(c["returns"]), money(c["refund_value"], cur), str(c["overrides"]), str(c["voids"])] for c in report["by_clerk"]]
        heads = [t(k) for k in BY_CLERK_HEADS]
        parts.append(table(heads, rows, numeric=range(1, 5), widths=[40, 14, 18, 14, 14]))
    else:
        para(say("rpt_none", lang))

    # 4. exceptions
    as_html = lists_as_html

    def word(prefix: str, value: str | None) -> str:
        return say(f"{prefix}{value}", lang) if value else ""

    def names(*keys: str) -> list[str]:
        return [say(k, lang) for k in keys]

    exceptions = say("rpt_exceptions", lang)
    if report["overrides"]:
        rows = [[_s(e["time"]), _s(e["ticket"]), _s(e["clerk"]), _s(e["approver"]), _s(e["override_reason"]),
                 say("rpt_status_void" if e["status"] == "void" else "rpt_status_active", lang)] for e in report["overrides"]]
        parts += _list_part(say("rpt_overrides_title", lang), names("rpt_time", "rpt_ticket", "rpt_clerk", "rpt_approver", "rpt_reason", "rpt_status"),
                            rows, as_html=as_html, nowrap=(0, 1), wrap=(4,), flexible=(2, 3), leads=[("h2", exceptions)])
    else:
        heading("h2", exceptions)
        none("h3", say("rpt_overrides_title", lang))
    if report["duplicates"]:
        rows = [[_s(e["time"]), _s(e["ticket"]), _s(e["model"]), _s(e["serial"]), _s(e["duplicate_of"]), _s(e["approver"])] for e in report["duplicates"]]
        parts += _list_part(say("rpt_duplicates_title", lang), names("rpt_time", "rpt_ticket", "rpt_model", "rpt_serial", "rpt_earlier_ticket", "rpt_approver"),
                            rows, as_html=as_html, nowrap=(0, 1, 2, 3, 4), flexible=(5,))
    else:
        none("h3", say("rpt_duplicates_title", lang))
    incidents_title = say("rpt_incidents_title", lang)
    if report["incidents"]:
        rows = [[_s(e["time"]), _s(e["ticket"]), _s(e["clerk"]), _s(e["model"]), _s(e["serial"]), word("cond_", e["condition"]), _s(e["notes"])]
                for e in report["incidents"]]
        parts += _list_part(incidents_title, names("rpt_time", "rpt_ticket", "rpt_clerk", "rpt_model", "rpt_serial", "rpt_condition", "rpt_notes"),
                            rows, as_html=as_html, nowrap=(0, 1, 3, 4), hazard_column=5, wrap=(6,), flexible=(2,))
    stopped = report.get("stopped") or []
    if stopped:
        rows = [[_s(e["time"]), _s(e["clerk"]), _s(e["model"] or e["model_input"]), word("cond_", e["condition"]),
                 INCIDENT_ACTIONS.word(e["action"], lang), _s(e["notes"])] for e in stopped]
        parts += _list_part(say("rpt_stopped_title", lang), names("rpt_time", "rpt_clerk", "rpt_model", "rpt_condition", "rpt_action", "rpt_notes"),
                            rows, as_html=as_html, heading_tag="p", nowrap=(0, 2), hazard_column=3, wrap=(5,), flexible=(1,),
                            leads=[] if report["incidents"] else [("h3", incidents_title)])
    if not report["incidents"] and not stopped:
        none("h3", incidents_title)
    if report.get("enquiries"):
        para(say("rpt_enquiries", lang, n=report["enquiries"]))

    # 5. recall programme progress
    if report["progress"] and not lists_as_html:
        parts.append(progress_text(report["progress"], titles, lang))
    elif lists_as_html or report["progress"]:
        parts.append(progress_section(report["progress"], titles, lang))
    else:
        none("h2", say("rpt_progress", lang))

    # 5b. custody of the units (store-wide; not in reports frozen before it existed)
    custody = report.get("custody")
    if custody:
        d = custody["discrepancies"]
        rows = [
            [t("rpt_c_taken_in"), str(custody["taken_in"])],
            [t("rpt_c_open"), f"{custody['open_containers']} / {custody['units_in_open']}"],
            [t("rpt_c_handed_over"), str(len(custody["handed_over"]))],
            *[[t(f"cust_{k}"), str(d[k])] for k in ("not_contained", "void_in_container", "wrong_type", "missing_units")],
        ]
        if lists_as_html:
            parts.append(f"<h2>{t('rpt_custody')}</h2>")
            parts.append(table(["", t("rpt_count")], rows, numeric=(1,), widths=[75, 25]))
        else:
            labels = [say(k, lang) for k in ("rpt_c_taken_in", "rpt_c_open", "rpt_c_handed_over")]
            labels += [say(f"cust_{k}", lang) for k in ("not_contained", "void_in_container", "wrong_type", "missing_units")]
            parts.append(FigureTable(TextTable(say("rpt_custody", lang), ("", say("rpt_count", lang)),
                                               [(label, row[1]) for label, row in zip(labels, rows)], numeric=frozenset({1}),
                                               wrap=frozenset({0}), fractions=(0.75, 0.25))))
        if custody["handed_over"]:
            ho = [[esc(c["code"]), esc(c["handed_to"]), esc(c["handover_reference"]), str(c["handover_count"])] for c in custody["handed_over"]]
            parts.append(table([t("man_container"), t("man_to"), t("man_reference"), t("man_count")], ho, numeric=(3,), small=True))

    # 6. detail
    if not report["entries"]:
        none("h2", say("rpt_detail", lang))
    elif lists_as_html:
        text = detail_table(report, lang)
        rows = []
        for n, cells in enumerate(text.rows):
            row = [esc(c) for c in cells]
            if n in text.hazard:
                row[7] = f'<span class="hazard">{row[7]}</span>'  # the condition column (text.hazard_column)
            rows.append(row)
        parts.append(f"<h2>{esc(text.heading)}</h2>")
        parts.append(table([esc(h) for h in text.headers], rows, numeric=(9,), small=True, nowrap=(0, 1, 4, 5, 6)))
    else:
        parts.append(detail_table(report, lang))

    # 7. voided, apart
    if report["voided"]:
        zone_name = report["time_zone"]
        rows = [
            [_s(e["time"]), _s(e["ticket"]), _s(e["clerk"]), _s(e["model"]), _s(e["serial"] or e["batch_code"]), word("remedy_", e["remedy"]),
             format_amount(e["amount_minor"], e["currency"]), _s(e["void_by"]), local_text(e["void_at"], zone_name)[5:16] if e["void_at"] else "",
             _s(e["void_reason"])]
            for e in report["voided"]
        ]
        parts += _list_part(say("rpt_voided_title", lang), names("rpt_time", "rpt_ticket", "rpt_clerk", "rpt_model", "rpt_serial", "rpt_remedy",
                                                                 "rpt_amount", "rpt_void_by", "rpt_void_at", "rpt_reason"),
                            rows, as_html=as_html, heading_tag="h2", numeric=(6,), nowrap=(0, 1, 3, 4, 8), wrap=(9,), flexible=(2, 7))
    else:
        none("h2", say("rpt_voided_title", lang), keep=True)  # with the sign-off

    # sign-off
    blank = "_" * 22
    colon = "：" if lang == "zh_CN" else ": "
    if not html_mode:  # kept on one page, the heading and its three rows
        heading("h2", say("rpt_signoff", lang))
        name, signature, date = (say(k, lang) + colon for k in ("rpt_sign_name", "rpt_sign_signature", "rpt_sign_date"))
        rows_plain = [(say("rpt_sign_clerk", lang), name + blank, signature + blank),
                      (say("rpt_sign_manager", lang), name + (report["printed_by"] if report["kind"] == "Z" else blank), signature + blank),
                      ("", date + blank, "")]
        parts += [Line(((0.0, a, True), (0.34, b, False), (0.67, c, False)), before=4.5, after=4.5, keep=n < 2) for n, (a, b, c) in enumerate(rows_plain)]
        return parts
    manager = esc(report["printed_by"]) if report["kind"] == "Z" else blank
    parts.append(f"<h2>{t('rpt_signoff')}</h2>")
    parts.append(
        '<table cellspacing="0" cellpadding="6" width="100%">'
        f"<tr><td width=\"34%\"><b>{t('rpt_sign_clerk')}</b></td><td>{t('rpt_sign_name')}{colon}{blank}</td><td>{t('rpt_sign_signature')}{colon}{blank}</td></tr>"
        f"<tr><td><b>{t('rpt_sign_manager')}</b></td><td>{t('rpt_sign_name')}{colon}{manager}</td><td>{t('rpt_sign_signature')}{colon}{blank}</td></tr>"
        f"<tr><td></td><td>{t('rpt_sign_date')}{colon}{blank}</td><td></td></tr>"
        "</table>"
    )
    return parts
