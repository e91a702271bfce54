"""Customer return slip, bag label, and the Qt printing helpers the window will use."""

from __future__ import annotations

import re
import subprocess

import pytest

from returns_desk.domain.returns import ReturnDraft
from returns_desk.reports import printing
from returns_desk.reports.service import slip_html, write_bag_label_pdf, write_slip_pdf
from returns_desk.reports.slip import bag_label

SERIAL = "AKFF1Y0E48301745"


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def page_size_pts(path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert m, info
    return float(m.group(1)), float(m.group(2))


def pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


@pytest.fixture
def entry(returns, desk):
    desk.update_settings({"store_name": "西单店 <Xidan>"}, actor="test")
    return returns.record(ReturnDraft(isolation_confirmed=True, model_input="A1647", remedy="refund", clerk="Li Na", amount="229", serial=SERIAL, condition="swollen"))


@pytest.mark.parametrize("lang, words", [
    ("en", ["Recall return slip", "Don't use or charge", "household trash", "flight", "Customer signature"]),
    ("zh_CN", ["召回退货凭条", "请勿使用或充电", "生活垃圾", "飞机", "顾客签字"]),
])
def test_slip_holds_the_return_and_the_safety_notice(desk, entry, tmp_path, lang, words):
    html = slip_html(desk, entry, lang=lang)
    assert "&lt;Xidan&gt;" in html and "<Xidan>" not in html
    receipt = write_slip_pdf(desk, entry, tmp_path / f"slip-{lang}.pdf", lang=lang)
    a6 = write_slip_pdf(desk, entry, tmp_path / f"slip-a6-{lang}.pdf", lang=lang, page_size="A6")
    for path in (receipt, a6):
        text = pdf_text(path)
        for w in words + [entry["ticket"], SERIAL, "A1647", "229.00", "CN-SAMR-ANKER-2025-06-20", "西单店 <Xidan>"]:
            assert w in text, (w, path.name)
        assert pages(path) == 1
    width, height = page_size_pts(receipt)
    assert round(width / 72 * 25.4) == 80 and height > width  # one 80 mm strip, as long as the slip
    assert [round(v / 72 * 25.4) for v in page_size_pts(a6)] == [105, 148]


def test_bag_label_marks_damaged_units_un3480(desk, entry, tmp_path):
    text = " ".join(pdf_text(write_bag_label_pdf(desk, entry, tmp_path / "label.pdf")).split())
    assert "RECALLED — DO NOT SELL" in text and entry["ticket"] in text and SERIAL in text
    assert "Damaged/defective lithium ion battery" in text and "UN3480" in text
    intact = dict(entry, condition="intact")
    assert not bag_label(intact).hazard
    zh = bag_label(entry, lang="zh_CN")
    assert zh.band == ("召回产品 — 禁止销售", "RECALLED — DO NOT SELL")
    assert zh.hazard == ("Damaged/defective lithium ion battery", "损坏/缺陷锂离子电池", "UN3480")


def test_render_pdf_refuses_unknown_sizes_and_unwritable_places(tmp_path):
    with pytest.raises(ValueError):
        printing.render_pdf("<p>x</p>", tmp_path / "x.pdf", "A3")
    with pytest.raises(OSError):
        printing.render_pdf("<p>x</p>", tmp_path / "missing" / "x.pdf", "A4")
    assert not (tmp_path / "missing").exists()


def test_render_pdf_replaces_the_target_only_when_complete(tmp_path, monkeypatch):
    target = tmp_path / "r.pdf"
    target.write_bytes(b"%PDF- an older, complete report")

    def broken(*a, **k):
        raise RuntimeError("printer caught fire")

    monkeypatch.setattr(printing, "paint_document", broken)
    with pytest.raises(RuntimeError):
        printing.render_pdf("<p>x</p>", target)
    assert target.read_bytes() == b"%PDF- an older, complete report"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_long_documents_are_paginated_with_a_footer(tmp_path):
    rows = "".join(f"<tr><td>row {i}</td><td>中文 {i}</td></tr>" for i in range(400))
    html = f'<html lang="en"><head><title>Long &amp; wide</title></head><body><table border="1">{rows}</table></body></html>'
    out = printing.render_pdf(html, tmp_path / "long.pdf", "Letter")
    n = pages(out)
    assert n > 3
    text = pdf_text(out)
    assert "row 0" in text and "row 399" in text and "中文 399" in text
    assert re.search(rf"\b{n}\s*/\s*{n}\b", text) and "Long & wide" in text


def test_cjk_family_is_chosen_by_name():
    family = printing.cjk_family()
    assert family in printing.CJK_FAMILIES  # the CI installs fonts-wqy-microhei
    font = printing.report_font("zh_CN")
    assert font.families()[0] == family


def test_preview_dialog_is_built_without_opening(qtbot, desk, entry):
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = printing.make_preview_dialog(parent, slip_html(desk, entry), "receipt80")
    assert dialog.parent() is parent and not dialog.isVisible()
    assert "Recall return slip" in dialog.windowTitle()
    dialog.deleteLater()


def test_daily_report_preview_draws_the_list_as_the_pdf_does(qtbot, tmp_path):
    """The preview dialog paints the daily report with the same painter as the PDF."""
    from PySide6.QtWidgets import QWidget
    from PySide6.QtPrintSupport import QPrinter

    from returns_desk.reports.html import daily_print
    from tests.test_reports import _long_day

    parent = QWidget()
    qtbot.addWidget(parent)
    daily = daily_print(_long_day(120, hostile=False), "zh_CN")
    dialog = printing.make_daily_preview_dialog(parent, daily, "A4")
    assert dialog.windowTitle() == "每日退货报表 2025-07-01" and not dialog.isVisible()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    n = printing.print_daily(daily, printer)
    assert n == pages(tmp_path / "printed.pdf") >= 3
    assert "S1-C1-20250701-0120" in pdf_text(tmp_path / "printed.pdf")
    dialog.deleteLater()


def test_printing_leaves_the_count_of_none_as_it_was(tmp_path):
    """PySide6 6.12.0 on Python 3.11 drops a reference to None per call of a void method (the
    version is excluded in pyproject.toml): a long report must not change None's count."""
    import sys

    from returns_desk.reports.html import daily_print
    from tests.test_reports import _long_day

    printing.ensure_app()
    daily = daily_print(_long_day(300, hostile=False), "en")
    printing.render_daily_pdf(daily, tmp_path / "warm.pdf")
    before = sys.getrefcount(None)
    printing.render_daily_pdf(daily, tmp_path / "a.pdf")
    assert sys.getrefcount(None) >= before - 20  # a few Python-level references may come and go

