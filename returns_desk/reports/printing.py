"""Printing report HTML with Qt: PDF files (QPdfWriter), printers (QPrinter) and print preview.

This is the only module outside ``returns_desk.ui`` that imports Qt. Chinese needs a CJK font
chosen explicitly by family (Qt's own fallback may pick one without the glyphs, and then the PDF
shows boxes); :func:`cjk_family` picks the first installed of :data:`CJK_FAMILIES`.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPagedPaintDevice,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from returns_desk.domain.messages import say

log = logging.getLogger(__name__)

CJK_FAMILIES = ("Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC")
LATIN_FAMILIES = ("DejaVu Sans", "Segoe UI", "Helvetica Neue", "Arial", "Liberation Sans")
#: Page sizes by name: A4 and Letter for managers, A6 and an 80 mm receipt roll for slips.
PAGE_SIZES = ("A4", "Letter", "A6", "receipt80")
_PAGE_IDS = {"A4": QPageSize.PageSizeId.A4, "Letter": QPageSize.PageSizeId.Letter, "A6": QPageSize.PageSizeId.A6}
_MARGINS_MM = {"A4": (14.0, 12.0, 14.0, 10.0), "Letter": (14.0, 12.0, 14.0, 10.0), "A6": (6.0, 6.0, 6.0, 5.0), "receipt80": (3.0, 3.0, 3.0, 3.0)}
RECEIPT_WIDTH_MM = 80.0
RESOLUTION = 300
BASE_POINT_SIZE = {"A4": 9.0, "Letter": 9.0, "A6": 8.0, "receipt80": 8.0}


def ensure_app() -> Any:
    """The running Qt application, or a new one for a command line or a test. Without a display
    (no DISPLAY / WAYLAND_DISPLAY on Linux) Qt draws offscreen."""
    app = QGuiApplication.instance()
    if app is not None:
        return app
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication(["returns-desk"])


def cjk_family() -> str | None:
    """The first installed CJK family of :data:`CJK_FAMILIES`, or None (with a warning logged)."""
    ensure_app()
    installed = set(QFontDatabase.families())
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    log.warning(say("no_cjk_font", "en", fonts=", ".join(CJK_FAMILIES)))
    return None


def _latin_family() -> str | None:
    installed = set(QFontDatabase.families())
    return next((f for f in LATIN_FAMILIES if f in installed), None)


def report_font(lang: str = "en", point_size: float = 9.0) -> QFont:
    """The font for reports: the CJK family first for Chinese, a Latin family first for English,
    each falling back to the other for glyphs it lacks."""
    ensure_app()
    cjk, latin = cjk_family(), _latin_family()
    order = [cjk, latin] if lang.startswith("zh") else [latin, cjk]
    families = [f for f in order if f]
    font = QFont()
    if families:
        font.setFamilies(families)
    font.setPointSizeF(point_size)
    # no "fi"/"ff" ligatures: text read back from the PDF (search, copy, pdftotext) stays as typed
    if hasattr(font, "setFeature"):
        for tag in ("liga", "clig", "dlig"):
            font.setFeature(QFont.Tag(tag), 0)
    return font


def _lang_of(html: str) -> str:
    m = re.search(r'<html[^>]*\blang="([^"]+)"', html[:500])
    return "zh_CN" if m and m.group(1).lower().startswith("zh") else "en"


def make_document(html: str, *, lang: str | None = None, page_size: str = "A4") -> QTextDocument:
    ensure_app()
    doc = QTextDocument()
    doc.setDefaultFont(report_font(lang or _lang_of(html), BASE_POINT_SIZE.get(page_size, 9.0)))
    doc.setDocumentMargin(0)
    doc.setHtml(html)
    return doc


def _check_size(page_size: str) -> None:
    if page_size not in PAGE_SIZES:
        raise ValueError(say("page_size_invalid", "en", sizes=", ".join(PAGE_SIZES)))


def _setup(device: QPagedPaintDevice, page_size: str, height_mm: float | None = None) -> None:
    if page_size == "receipt80":
        size = QPageSize(QSizeF(RECEIPT_WIDTH_MM, height_mm or 200.0), QPageSize.Unit.Millimeter, "receipt80", QPageSize.SizeMatchPolicy.ExactMatch)
    else:
        size = QPageSize(_PAGE_IDS[page_size])
    left, top, right, bottom = _MARGINS_MM[page_size]
    device.setPageLayout(QPageLayout(size, QPageLayout.Orientation.Portrait, QMarginsF(left, top, right, bottom), QPageLayout.Unit.Millimeter))


def _layout(doc: QTextDocument, device: QPagedPaintDevice, footer_px: float) -> tuple[float, float]:
    """Lay the document out for the device's printable area; returns (width, body height) in
    device pixels (the body is the page less a line for the footer)."""
    dpi = device.resolution() if isinstance(device, QPdfWriter) else device.logicalDpiY()
    rect = device.pageLayout().paintRectPixels(dpi)
    doc.documentLayout().setPaintDevice(device)
    body = rect.height() - footer_px
    doc.setPageSize(QSizeF(rect.width(), body))
    return rect.width(), body


def paint_document(doc: QTextDocument, device: QPagedPaintDevice, *, footer: str | None = None) -> int:
    """Paint ``doc`` page by page onto a PDF writer or printer, with "title  page/pages" under
    each page. Returns the number of pages. Raises OSError when the device cannot be painted on."""
    dpi = device.resolution() if isinstance(device, QPdfWriter) else device.logicalDpiY()
    small = QFont(doc.defaultFont())
    small.setPointSizeF(max(6.0, doc.defaultFont().pointSizeF() - 1.5))
    footer_px = (small.pointSizeF() * 2.2) * dpi / 72.0 if footer is not None else 0.0
    width, body = _layout(doc, device, footer_px)
    pages = max(1, doc.pageCount())
    painter = QPainter()
    if not painter.begin(device):
        raise OSError("cannot paint on the output (is the file or printer writable?)")
    try:
        for page in range(pages):
            if page:
                device.newPage()
            painter.save()
            painter.translate(0, -page * body)
            doc.drawContents(painter, QRectF(0, page * body, width, body))
            painter.restore()
            if footer is not None:
                painter.setFont(small)
                painter.setPen(QColor("#555555"))
                box = QRectF(0, body, width, footer_px)
                painter.drawText(box, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom), footer)
                painter.drawText(box, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom), f"{page + 1} / {pages}")
    finally:
        painter.end()
    return pages


def _receipt_height_mm(html: str, lang: str | None) -> float:
    """How long the 80 mm roll must be for the whole slip on one page."""
    probe = QPdfWriter(os.devnull)
    probe.setResolution(RESOLUTION)
    _setup(probe, "receipt80", 2000.0)
    doc = make_document(html, lang=lang, page_size="receipt80")
    doc.documentLayout().setPaintDevice(probe)
    rect = probe.pageLayout().paintRectPixels(RESOLUTION)
    doc.setPageSize(QSizeF(rect.width(), 1e7))
    height_px = doc.documentLayout().documentSize().height()
    _left, top, _right, bottom = _MARGINS_MM["receipt80"]
    return height_px / RESOLUTION * 25.4 + top + bottom + 2.0


def render_pdf(
    html: str,
    path: str | os.PathLike[str],
    page_size: str = "A4",
    *,
    title: str | None = None,
    lang: str | None = None,
    page_numbers: bool | None = None,
) -> Path:
    """Print ``html`` to a PDF file at ``path`` (A4, Letter, A6 or an 80 mm receipt roll).

    Pages carry the document's title and "page/pages" at the foot (not on a receipt). The PDF is
    written to a temporary file beside the target and renamed into place, so a failure never
    leaves half a file. Raises OSError when the file cannot be written."""
    _check_size(page_size)
    ensure_app()
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with open(tmp, "wb"):  # fails here, with the OS's reason, when the folder is not writable
        pass
    name = title or _title_of(html)
    numbered = page_size != "receipt80" if page_numbers is None else page_numbers
    try:
        height = _receipt_height_mm(html, lang) if page_size == "receipt80" else None
        writer = QPdfWriter(str(tmp))
        writer.setResolution(RESOLUTION)
        writer.setCreator("Returns Desk")
        writer.setTitle(name)
        _setup(writer, page_size, height)
        doc = make_document(html, lang=lang, page_size=page_size)
        paint_document(doc, writer, footer=name if numbered else None)
        del writer  # finishes the file
        with open(tmp, "rb") as fh:
            if fh.read(5) != b"%PDF-":
                raise OSError(f"Qt wrote no PDF to {tmp}")
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def _title_of(html: str) -> str:
    m = re.search(r"<title>(.*?)</title>", html[:2000], re.S)
    import html as _h

    return _h.unescape(m.group(1)) if m else "Returns Desk"


def print_html(html: str, printer: Any, *, lang: str | None = None) -> int:
    """Print to a configured QPrinter (from a QPrintDialog in the window); returns the page count."""
    return paint_document(make_document(html, lang=lang), printer, footer=_title_of(html))


def make_preview_dialog(parent: Any, html: str, page_size: str = "A4", *, lang: str | None = None) -> Any:
    """A QPrintPreviewDialog showing ``html`` (not yet shown): the window calls ``exec()`` on it,
    tests inspect it without opening anything modal."""
    _check_size(page_size)
    ensure_app()
    from PySide6.QtPrintSupport import QPrintPreviewDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    _setup(printer, page_size, _receipt_height_mm(html, lang) if page_size == "receipt80" else None)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(_title_of(html))
    doc = make_document(html, lang=lang, page_size=page_size)
    doc.setParent(dialog)
    dialog.paintRequested.connect(lambda p: paint_document(doc, p, footer=None if page_size == "receipt80" else _title_of(html)))
    dialog._returns_desk_document = doc  # keep the document alive with the dialog
    dialog._returns_desk_printer = printer
    return dialog


def print_preview(parent: Any, html: str, page_size: str = "A4", *, lang: str | None = None) -> int:
    """Show the print preview (modal) and return its result code."""
    return make_preview_dialog(parent, html, page_size, lang=lang).exec()
