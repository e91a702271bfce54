"""Bag labels that scan: the ticket printed as a Code 128 barcode, read back from the rendered
page by an independent decoder (zxing-cpp), and the label filling its page."""

from __future__ import annotations

import subprocess

import pytest
import zxingcpp
from PySide6.QtGui import QImage

from returns_desk.domain.returns import ReturnDraft
from returns_desk.reports.service import write_bag_label_pdf

SERIAL = "AKFF1Y0E48301745"


def page_png(pdf, tmp_path, dpi: int = 150) -> QImage:
    base = tmp_path / pdf.stem
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-singlefile", str(pdf), str(base)], check=True)
    image = QImage(str(base) + ".png")
    assert not image.isNull()
    return image.convertToFormat(QImage.Format.Format_Grayscale8)


def ink_rows(image: QImage) -> tuple[int, int]:
    """First and last pixel rows holding any dark pixel."""
    rows = [y for y in range(image.height()) if any(image.pixelColor(x, y).value() < 128 for x in range(0, image.width(), 2))]
    return rows[0], rows[-1]


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize("condition", ["intact", "swollen"])
def test_the_bag_label_barcode_decodes_to_the_ticket(returns, desk, tmp_path, lang, condition):
    entry = returns.record(ReturnDraft(isolation_confirmed=True, model_input="A1647", remedy="refund", clerk="Li", amount="229", serial=SERIAL, condition=condition))
    pdf = write_bag_label_pdf(desk, entry, tmp_path / f"label-{lang}-{condition}.pdf", lang=lang)
    image = page_png(pdf, tmp_path)
    found = zxingcpp.read_barcodes(image)
    assert [(b.format, b.text) for b in found] == [(zxingcpp.BarcodeFormat.Code128, entry["ticket"])]
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "RECALLED — DO NOT SELL" in flat and "A1647" in flat and SERIAL in flat
    assert ("Damaged/defective lithium ion battery" in flat and "UN3480" in flat) == (condition != "intact")
    assert ("禁止销售" in flat) == (lang == "zh_CN")
    assert "1 / 1" not in flat  # a label, not a paginated document


def test_the_label_fills_its_page(returns, desk, tmp_path):
    entry = returns.record(ReturnDraft(isolation_confirmed=True, model_input="A1647", remedy="refund", clerk="Li", amount="229", serial=SERIAL, condition="intact"))
    image = page_png(write_bag_label_pdf(desk, entry, tmp_path / "label.pdf"), tmp_path, dpi=50)
    top, bottom = ink_rows(image)
    margin = 6.0 / 25.4 * 50  # A6 margins are 6 mm
    assert top <= margin + 2
    assert bottom >= image.height() - 3 * margin  # the facts reach down to the foot of the page


def test_the_container_label_barcode_decodes_to_the_container(desk, tmp_path):
    from returns_desk.domain.auth import Actor
    from returns_desk.reports.service import write_container_label_pdf
    from returns_desk.services.custody_service import CustodyService

    box = CustodyService(desk).open_container("damaged", "Back room, DDR kit", by=Actor("Wang", "manager"))
    pdf = write_container_label_pdf(desk, box, tmp_path / "container.pdf", lang="zh_CN")
    found = zxingcpp.read_barcodes(page_png(pdf, tmp_path))
    assert [b.text for b in found] == [box["code"]]
    flat = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
    for word in ["隔离存放容器", box["code"], "损坏/缺陷", "Back room, DDR kit", "do not ship by air", "禁止空运",
                 "Damaged/defective lithium ion battery"]:
        assert word in flat, word


def test_the_label_preview_is_drawn_like_the_pdf(qtbot, returns, desk, tmp_path):
    from returns_desk.reports.printing import make_label_preview_dialog
    from returns_desk.reports.service import bag_label

    entry = returns.record(ReturnDraft(isolation_confirmed=True, model_input="A1647", remedy="refund", clerk="Li", amount="229", serial=SERIAL, condition="burnt"))
    dialog = make_label_preview_dialog(None, bag_label(desk, entry, lang="zh_CN"))
    qtbot.addWidget(dialog)
    assert entry["ticket"] in dialog.windowTitle() and "禁止销售" in dialog.windowTitle()
    printer = dialog._returns_desk_printer
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))  # no printer here: Qt's printer writes a PDF
    dialog.paintRequested.emit(printer)
    del dialog, printer
    found = zxingcpp.read_barcodes(page_png(tmp_path / "printed.pdf", tmp_path))
    assert [b.text for b in found] == [entry["ticket"]]
