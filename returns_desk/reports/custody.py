"""Custody papers as pure functions of service data: the hand-over manifest (HTML for the PDF),
the container label (a :class:`~returns_desk.reports.slip.Label`), and the reconciliation as text.

The manifest follows BATTERY_HANDLING.md §5.4: container, unit list (ticket, model,
serial/batch, condition), count, estimated total Wh, the marking text, the ground-only reminder
and signature lines. It is not a dangerous goods declaration, and says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from returns_desk.domain.custody import Energy, alert_text
from returns_desk.domain.integrity import Anchor
from returns_desk.domain.messages import normalise_lang, say
from returns_desk.domain.vocab import DAMAGED_CONTAINER, INTACT
from returns_desk.reports.daily import local_text
from returns_desk.reports.html import STYLE, esc
from returns_desk.reports.slip import Label, code128_bars


def energy_text(wh: float, unknown: int, units: int, lang: str) -> str:
    return Energy(wh, unknown, units).text(say("wh_unknown", lang))


def manifest_html(m: Mapping[str, Any], lang: str = "en") -> str:
    lang = normalise_lang(lang)
    c = m["container"]
    zone = m.get("time_zone") or "UTC"

    def t(key: str, **args: object) -> str:
        return esc(say(key, lang, **args))

    def when(value: str | None) -> str:
        return esc(local_text(value, zone)[:16]) if value else ""

    trained = t("man_trained", date=c["packed_by_trained_on"]) if c.get("packed_by_trained_on") else t("man_trained_unknown")
    facts = [
        (t("man_container"), f"<b>{esc(c['code'])}</b>"),
        (t("man_type"), t(f"container_type_{c['type']}")),
        (t("man_location"), esc(c["location"])),
        (t("man_opened"), when(c["opened_at"])),
        (t("man_sealed"), f"{when(c['sealed_at'])} {esc(c.get('sealed_by') or '')}"),
        (t("man_handed_over"), f"{when(c['handed_over_at'])} {esc(c.get('handed_over_by') or '')}"),
        (t("man_to"), esc(c.get("handed_to"))),
        (t("man_reference"), esc(c.get("handover_reference"))),
        (t("man_packed_by"), f"{esc(c.get('packed_by'))} ({trained})"),
        (t("man_count"), str(m["count"])),
        (t("man_wh"), esc(energy_text(m["wh"], m["wh_unknown_units"], m["count"], lang))),
    ]
    head = "".join(f'<tr><td width="28%"><b>{k}</b></td><td>{v}</td></tr>' for k, v in facts)
    marking = [say("man_marking_un3480", "en")]
    if m["damaged"]:
        marking.insert(0, say("label_ddr", "en"))
    marking_text = "<br/>".join(f'<span class="hazard">{esc(x)}</span>' for x in marking)
    if lang != "en":
        marking_text += "<br/>" + esc(say("label_ddr", lang) if m["damaged"] else say("man_marking_un3480", lang))
    cols = ["col_ticket", "col_model", "col_serial_batch", "col_condition", "col_recall", "col_wh"]
    header = "".join(f"<th>{t(k)}</th>" for k in cols)
    rows = []
    for n, u in enumerate(m["units"], 1):
        ident = " / ".join(x for x in (u.get("serial"), u.get("batch_code")) if x) or "-"
        wh = f"{u['wh']:.1f}" if u.get("wh") is not None else t("wh_unknown")
        cond = t(f"cond_{u['condition']}")
        if u["condition"] != INTACT:
            cond = f'<span class="hazard">{cond}</span>'
        rows.append(
            f"<tr><td>{n}. {esc(u['ticket'])}</td><td>{esc(u.get('brand') or '')} {esc(u['model'])}</td><td>{esc(ident)}</td>"
            f'<td>{cond}</td><td>{esc(u["recall_id"])}</td><td class="num">{wh}</td></tr>'
        )
    reprint = f'<p class="reprint">{t("man_reprint")}</p>' if m.get("reprint") else ""
    title = f"{say('man_title', lang)} {c['code']}"
    anchor = Anchor.from_json(m.get("audit_anchor"))
    body = [
        f"<h1>{esc(title)}</h1>", reprint,
        f'<p class="anchor">{esc(anchor.label(lang))}</p>' if anchor else "",
        f"<p>{esc(m.get('store_name') or '')}</p>",
        f'<table cellspacing="0" cellpadding="2" width="100%">{head}</table>',
        f"<h2>{t('man_marking')}</h2><p>{marking_text}</p>",
        f'<p class="kind">{t("man_ground")}</p>',
        f'<p class="muted">{t("man_wh_note", volts=m["volts"], unknown=m["wh_unknown_units"])}</p>',
        f"<h2>{t('man_units')} ({m['count']})</h2>",
        f'<table class="grid small" border="1" cellspacing="0" cellpadding="2" width="100%"><tr>{header}</tr>{"".join(rows)}</table>',
        "<h2> </h2>",
    ]
    for key in ("man_sign_packed", "man_sign_carrier", "man_sign_manager"):
        body.append(f"<p><br/>{t(key)}:</p><p><br/>________________________________________</p>")
    lang_attr = "zh-CN" if lang == "zh_CN" else "en"
    return (
        f'<!DOCTYPE html><html lang="{lang_attr}"><head><meta charset="utf-8"><title>{esc(title)}</title>'
        f"<style>{STYLE}</style></head><body>{''.join(body)}</body></html>"
    )


def container_label(c: Mapping[str, Any], *, time_zone: str = "UTC", lang: str = "en") -> Label:
    """The label on the container: its code as a barcode (scanning it selects the container),
    type, location, accumulation start, and "do not ship by air"."""
    lang = normalise_lang(lang)
    band = [say("label_container", lang), c["code"]]
    hazard = [say("label_container_do_not_fly", "en")]
    if lang != "en":
        hazard.append(say("label_container_do_not_fly", lang))
    if c["type"] == DAMAGED_CONTAINER:
        hazard.insert(0, say("label_ddr", "en"))
    rows = (
        (say("man_type", lang), say(f"container_type_{c['type']}", lang)),
        (say("man_location", lang), str(c["location"])),
        (say("label_started", lang), local_text(c["opened_at"], time_zone)[:10]),
    )
    return Label(title=f"{say('label_container', lang)} {c['code']}", lang=lang, band=tuple(band), code=c["code"],
                 bars=code128_bars(c["code"]), rows=rows, hazard=tuple(hazard))


def containers_text(rows: Sequence[Mapping[str, Any]], lang: str) -> str:
    if not rows:
        return say("containers_none", lang)
    out = []
    for c in rows:
        limit = f"/{c['limit_units']}" if c.get("limit_units") else ""
        wh = energy_text(c["wh"], c["wh_unknown_units"], c["count"], lang) + (f" / {c['limit_wh']:g} Wh" if c.get("limit_wh") else "")
        out.append("  ".join([
            f"{c['code']:<12}", f"{say('container_type_' + c['type'], lang):<18}", f"{say('cust_state_' + c['state'], lang):<12}",
            say("cust_units", lang, count=f"{c['count']}{limit}"), wh, say("cust_days", lang, days=c["age_days"]), c["location"],
        ]))
    return "\n".join(out)


def report_text(r: Mapping[str, Any], lang: str) -> str:
    """The reconciliation for a terminal: per recall, then the discrepancies and alerts."""
    heads = [say(k, lang) for k in ("cust_recorded", "cust_in_container", "cust_sealed", "cust_handed_over", "cust_not_contained")]
    lines = [say("cust_title", lang), "", f"{'':<36} " + "  ".join(f"{h:>14}" for h in heads)]
    keys = ("recorded", "in_container", "sealed", "handed_over", "not_contained")
    for row in [*r["by_recall"], {"recall_id": say("cust_total", lang), **r["totals"]}]:
        lines.append(f"{row['recall_id']:<36} " + "  ".join(f"{row[k]:>14}" for k in keys))
    lines += ["", say("cust_discrepancies", lang)]
    d = r["discrepancies"]
    if not r["alerts"] and not any(d[k]["count"] for k in d):
        lines.append(say("cust_none", lang))
    for key in ("not_contained", "void_in_container", "wrong_type", "missing_units"):
        lines.append(f"  {say('cust_' + key, lang)}: {d[key]['count']}")
    for alert in r["alerts"]:
        lines.append(f"  ! {alert_text(alert, lang)}")
    return "\n".join(lines)
