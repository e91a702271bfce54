"""The customer's return slip (80 mm receipt roll or A6) and the bag label for the returned unit,
as HTML: pure functions of a saved return entry (as ``ReturnsService.record`` returns it).

The safety notice follows BATTERY_HANDLING.md §5.5: don't use or charge other units from the
recall; never household trash, curbside recycling or store battery boxes; don't fly with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from returns_desk.domain.messages import normalise_lang, say
from returns_desk.domain.money import format_amount
from returns_desk.domain.vocab import INTACT, REPLACEMENT
from returns_desk.reports.daily import local_text
from returns_desk.reports.html import esc

SLIP_STYLE = """
body { font-size: 8pt; }
h1 { font-size: 11pt; font-weight: bold; margin-bottom: 2px; }
h2 { font-size: 9pt; font-weight: bold; margin-top: 6px; margin-bottom: 2px; }
p { margin-top: 1px; margin-bottom: 2px; }
.big { font-size: 12pt; font-weight: bold; }
.warn { font-size: 13pt; font-weight: bold; }
.hazmat { font-size: 10pt; font-weight: bold; }
"""


def _doc(title: str, body: str, lang: str) -> str:
    lang_attr = "zh-CN" if lang == "zh_CN" else "en"
    return (
        f'<!DOCTYPE html><html lang="{lang_attr}"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{SLIP_STYLE}</style></head><body>{body}</body></html>"
    )


def _rows(pairs: list[tuple[str, str]]) -> str:
    cells = "".join(f'<tr><td width="34%"><b>{k}</b></td><td>{v}</td></tr>' for k, v in pairs if v)
    return f'<table cellspacing="0" cellpadding="1" width="100%">{cells}</table>'


def _reprint_text(reprint: Mapping[str, str] | None, lang: str, zone: str) -> str:
    """The line that tells a reprint from the original: when and by whom it was printed again."""
    if reprint is None:
        return ""
    return say("slip_reprint", lang, at=local_text(reprint["at"], zone)[:16], by=reprint["by"])


def _reprint_mark(reprint: Mapping[str, str] | None, lang: str, zone: str) -> str:
    text = _reprint_text(reprint, lang, zone)
    return f'<p class="warn">{esc(text)}</p>' if text else ""


def render_slip_html(
    entry: Mapping[str, Any], *, store_name: str, recall_title: str, lang: str = "en", time_zone: str | None = None,
    brand_name: str | None = None, reprint: Mapping[str, str] | None = None,
) -> str:
    """The customer's copy: what was returned, under which recall, what they got, the safety
    notice and a signature line. ``reprint`` (``at`` as UTC text, ``by``) marks a copy printed
    again later."""
    lang = normalise_lang(lang)

    def t(key: str, **args: object) -> str:
        return esc(say(key, lang, **args))

    zone = time_zone or entry.get("time_zone") or "UTC"
    when = local_text(entry["recorded_at"], zone)[:16]
    brand = brand_name or entry.get("brand") or ""  # the brand as the customer knows it (安克 in Chinese)
    amount = "" if entry["remedy"] == REPLACEMENT and not entry["amount_minor"] else f"{format_amount(entry['amount_minor'], entry['currency'])} {esc(entry['currency'])}"
    body = [
        f"<h1>{t('slip_title')}</h1>",
        _reprint_mark(reprint, lang, zone),
        _rows(
            [
                (t("slip_store"), esc(store_name)),
                (t("slip_ticket"), f"<b>{esc(entry['ticket'])}</b>"),
                (t("slip_time"), esc(when)),
                (t("slip_model"), f"{esc(brand)} {esc(entry['model'])}"),
                (t("slip_serial"), esc(entry.get("serial"))),
                (t("slip_batch"), esc(entry.get("batch_code"))),
                (t("slip_recall"), f"{esc(recall_title)}<br/>{esc(entry['recall_id'])}"),
                (t("slip_remedy"), t(f"remedy_{entry['remedy']}")),
                (t("slip_replacement"), esc(entry.get("replacement_model")) if entry["remedy"] == REPLACEMENT else ""),
                (t("slip_amount"), amount),
                (t("slip_clerk"), esc(entry.get("clerk"))),
            ]
        ),
        f"<p>{t('slip_thanks', recall=recall_title)}</p>",
        f"<h2>{t('slip_notice_title')}</h2>",
        f"<p>• {t('slip_notice_use', brand=brand or '-')}</p>",
        f"<p>• {t('slip_notice_trash')}</p>",
        f"<p>• {t('slip_notice_fly')}</p>",
        f"<p><br/>{t('slip_customer_signature')}:</p><p><br/>________________________________</p>",
    ]
    return _doc(f"{t('slip_title')} {esc(entry['ticket'])}", "".join(body), lang)


@dataclass(frozen=True)
class Label:
    """A label drawn to fill its page (see :func:`returns_desk.reports.printing.paint_label`):
    warning lines in a black band, a Code 128 barcode of ``code`` with the code written under it,
    rows of facts, and boxed hazard lines. ``bars`` is the barcode's modules as ``1`` (bar) and
    ``0`` (space), made by python-barcode."""

    title: str
    lang: str
    band: tuple[str, ...]
    code: str
    bars: str
    rows: tuple[tuple[str, str], ...]
    hazard: tuple[str, ...] = ()
    note: str = ""
    mark: str = ""  # a reprint: when and by whom, drawn under the band


def code128_bars(text: str) -> str:
    """The Code 128 modules of ``text`` (python-barcode picks the code sets and the check digit)."""
    import barcode

    return "".join(barcode.get("code128", text).build())


def bag_label(entry: Mapping[str, Any], *, recall_title: str = "", lang: str = "en", reprint: Mapping[str, str] | None = None,
              time_zone: str | None = None) -> Label:
    """The label on the bag holding the returned unit: never to be sold again, the ticket as a
    barcode the counter's scanner reads back, the recall, model and condition, and for a unit that
    is not intact the "Damaged/defective lithium ion battery" marking and UN3480. ``reprint``
    (``at`` as UTC text, ``by``) marks a label printed again later, as for the slip."""
    lang = normalise_lang(lang)
    band = [say("label_recalled", lang)]
    if lang != "en":
        band.append(say("label_recalled", "en"))
    recall = f"{recall_title} ({entry['recall_id']})" if recall_title and recall_title != entry["recall_id"] else str(entry["recall_id"])
    rows = [
        (say("slip_recall", lang), recall),
        (say("slip_model", lang), f"{entry.get('brand') or ''} {entry['model']}".strip()),
        (say("slip_serial", lang), entry.get("serial") or ""),
        (say("slip_batch", lang), entry.get("batch_code") or ""),
        (say("label_condition", lang), say(f"cond_{entry['condition']}", lang)),
    ]
    hazard: list[str] = []
    if entry["condition"] != INTACT:
        hazard = [say("label_ddr", "en"), "UN3480"]
        if lang != "en":
            hazard.insert(1, say("label_ddr", lang))
    ticket = str(entry["ticket"])
    return Label(
        title=f"{say('label_recalled', lang)} {ticket}", lang=lang, band=tuple(band), code=ticket, bars=code128_bars(ticket),
        rows=tuple((k, v) for k, v in rows if v), hazard=tuple(hazard), note=say("label_scan", lang),
        mark=_reprint_text(reprint, lang, time_zone or entry.get("time_zone") or "UTC"),
    )
