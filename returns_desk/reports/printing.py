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
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from collections.abc import Callable, Sequence

# Returns Desk's own modules first: once PySide6 is imported, its import hook reads the source
# of every module imported after it (to look for ``__feature__``), a millisecond or more each
from returns_desk.domain.messages import say
from returns_desk.domain.vocab import CJK_FAMILIES  # one list for the window and the PDFs
from returns_desk.reports.html import DailyPrint, FigureTable, TextBlock, TextTable
from returns_desk.reports.slip import Label

# not ``Qt``: the namespace's first use makes its hundreds of enums (some 15 ms); alignment and
# text flags are passed as the ints Qt defines, and eliding (rare) imports it when it happens
from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPagedPaintDevice,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
    QTextCharFormat,
    QTextLayout,
    QTextOption,
)

if TYPE_CHECKING:
    # rich text (QTextDocument and its cursor and formats) is imported where a document is made:
    # a store's daily report draws all its text without one
    from PySide6.QtGui import QTextDocument
    from PySide6.QtGui import QAction
    from PySide6.QtPrintSupport import QPrintPreviewDialog
    from PySide6.QtWidgets import QToolBar

log = logging.getLogger(__name__)

LATIN_FAMILIES = ("DejaVu Sans", "Segoe UI", "Helvetica Neue", "Arial", "Liberation Sans")
#: Page sizes by name: A4 and Letter for managers, A6 and an 80 mm receipt roll for slips.
PAGE_SIZES = ("A4", "Letter", "A6", "receipt80")
_PAGE_IDS = {"A4": QPageSize.PageSizeId.A4, "Letter": QPageSize.PageSizeId.Letter, "A6": QPageSize.PageSizeId.A6}
_MARGINS_MM = {"A4": (14.0, 12.0, 14.0, 10.0), "Letter": (14.0, 12.0, 14.0, 10.0), "A6": (6.0, 6.0, 6.0, 5.0), "receipt80": (3.0, 3.0, 3.0, 3.0)}
RECEIPT_WIDTH_MM = 80.0
RESOLUTION = 300
BASE_POINT_SIZE = {"A4": 9.0, "Letter": 9.0, "A6": 8.0, "receipt80": 8.0}
#: Qt::AlignmentFlag and Qt::TextFlag values (qnamespace.h), as ``QPainter.drawText`` takes them.
ALIGN_LEFT, ALIGN_RIGHT, ALIGN_TOP, ALIGN_BOTTOM, ALIGN_CENTER = 0x0001, 0x0002, 0x0020, 0x0040, 0x0084
TEXT_WORD_WRAP = 0x1000


def elided(metrics: QFontMetricsF, text: str, room: float) -> str:
    """``text`` cut at the right with "…" to fit ``room`` (Qt's own eliding), as it is when it fits."""
    if metrics.horizontalAdvance(text) <= room:
        return text
    from PySide6.QtCore import Qt

    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)


def ensure_app(*, widgets: bool = True) -> Any:
    """The running Qt application, or a new one for a command line or a test. Without a display
    (no DISPLAY / WAYLAND_DISPLAY on Linux) Qt draws offscreen. ``widgets`` False: a
    QGuiApplication, enough for a PDF (a command that prints and exits, and shows no window)."""
    app = QGuiApplication.instance()
    if app is not None:
        return app
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if not widgets:
        return QGuiApplication(["returns-desk"])
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
    from PySide6.QtGui import QTextDocument

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


def _device_dpi(device: QPagedPaintDevice) -> int:
    return device.resolution() if isinstance(device, QPdfWriter) else device.logicalDpiY()


def _footer_font(base: QFont) -> QFont:
    small = QFont(base)
    small.setPointSizeF(max(6.0, base.pointSizeF() - 1.5))
    return small


def _footer_height(small: QFont, dpi: int, footer: str | None) -> float:
    return (small.pointSizeF() * 2.2) * dpi / 72.0 if footer is not None else 0.0


def _draw_footer(painter: QPainter, small: QFont, box: QRectF, footer: str, page: int, pages: int) -> None:
    """"title  page/pages" along the foot of ``box``, muted grey, in the painter's font ``small``
    (drawn with the pen left black, see :func:`_draw_runs`)."""
    device = painter.device()
    metrics = QFontMetricsF(small, device)
    baseline = box.bottom() - metrics.descent()
    # "N / M" as three words 0.45 em apart (a space and a bit): a text extractor (pdftotext)
    # reads a single-digit "1 / 7" drawn with plain spaces as "1/7"
    words = (str(page + 1), "/", str(pages))
    gap = max(metrics.horizontalAdvance(" "), 0.45 * small.pointSizeF() * device.logicalDpiY() / 72.0)
    x = box.right() - sum(metrics.horizontalAdvance(w) for w in words) - gap * (len(words) - 1)
    runs = [(box.left(), baseline, footer)]
    for word in words:
        runs.append((x, baseline, word))
        x += metrics.horizontalAdvance(word) + gap
    _draw_runs(painter, small, device, runs, _brush(_FOOTER))


def _brush(color: QColor) -> QBrush:
    """A solid brush of ``color``, made without ``QBrush(color)`` (see :func:`_draw_runs`)."""
    pen = QPen()
    pen.setColor(color)
    return pen.brush()


def _utf16_len(text: str) -> int:
    """Qt's length of ``text`` (UTF-16 code units: a character beyond the BMP is two)."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def _draw_runs(painter: QPainter, font: QFont, device: Any, runs: Sequence[tuple[float, float, str]], brush: QBrush) -> None:
    """Texts at (x, baseline) in ``font`` and the colour of ``brush``: one text layout whose lines
    are placed where each text goes. The painter's pen is never set for a colour: the first
    ``QPainter.setPen`` (or ``fillRect``, ``setBrush``, ``QBrush(color)``) of a process makes
    PySide6 build every enum of the ``Qt`` namespace to choose between its overloads, some 15 ms
    of a 125-return report's print; text layouts, paths and pens passed as arguments do not."""
    runs = [r for r in runs if r[2]]
    if not runs:
        return
    text = " ".join(t for _, _, t in runs)
    layout = QTextLayout(text, font, device)
    colour = QTextCharFormat()
    colour.setForeground(brush)
    span = QTextLayout.FormatRange()
    span.start, span.length, span.format = 0, _utf16_len(text), colour
    layout.setFormats([span])
    layout.beginLayout()
    for x, baseline, t in runs:
        line = layout.createLine()
        line.setNumColumns(_utf16_len(t) + 1)  # the text and the space after it
        line.setPosition(QPointF(x, baseline - line.ascent()))
    layout.endLayout()
    layout.draw(painter, QPointF(0, 0))


def _fill(painter: QPainter, rect: QRectF, brush: QBrush) -> None:
    path = QPainterPath()
    path.addRect(rect)
    painter.fillPath(path, brush)


def _draw_page_of(painter: QPainter, doc: QTextDocument, page: int, width: float, body: float) -> None:
    """Page ``page`` of a document laid out in pages of ``body`` height."""
    painter.save()
    painter.translate(0, -page * body)
    doc.drawContents(painter, QRectF(0, page * body, width, body))
    painter.restore()


def paint_document(doc: QTextDocument, device: QPagedPaintDevice, *, footer: str | None = None) -> int:
    """Paint ``doc`` page by page onto a PDF writer or printer, with "title  page/pages" under
    each page. Returns the number of pages. Raises OSError when the device cannot be painted on."""
    return _paint_document(doc, device, footer)


def _paint_document(doc: QTextDocument, device: QPagedPaintDevice, footer: str | None) -> int:
    dpi = _device_dpi(device)
    small = _footer_font(doc.defaultFont())
    footer_px = _footer_height(small, dpi, footer)
    width, body = _layout(doc, device, footer_px)
    pages = max(1, doc.pageCount())
    painter = QPainter()
    if not painter.begin(device):
        raise OSError("cannot paint on the output (is the file or printer writable?)")
    try:
        for page in range(pages):
            if page:
                device.newPage()
            _draw_page_of(painter, doc, page, width, body)
            if footer is not None:
                _draw_footer(painter, small, QRectF(0, body, width, footer_px), footer, page, pages)
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
    name = title or _title_of(html)
    numbered = page_size != "receipt80" if page_numbers is None else page_numbers

    def paint(writer: QPdfWriter) -> None:
        doc = make_document(html, lang=lang, page_size=page_size)
        paint_document(doc, writer, footer=name if numbered else None)

    height = _receipt_height_mm(html, lang) if page_size == "receipt80" else None
    return _write_pdf(path, page_size, name, paint, height)


def render_daily_pdf(daily: DailyPrint, path: str | os.PathLike[str], page_size: str = "A4") -> Path:
    """The daily report (see :func:`returns_desk.reports.html.daily_print`) as a PDF file, its
    list of returns drawn line by line (:func:`paint_daily`). Written like :func:`render_pdf`."""
    _check_size(page_size)
    ensure_app()
    return _write_pdf(path, page_size, daily.title, lambda writer: paint_daily(daily, writer, footer=daily.title, page_size=page_size))


def _write_pdf(path: str | os.PathLike[str], page_size: str, name: str, paint: Callable[[QPdfWriter], Any], height_mm: float | None = None) -> Path:
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with open(tmp, "wb"):  # fails here, with the OS's reason, when the folder is not writable
        pass
    return _write_pdf_file(target, tmp, page_size, name, paint, height_mm)


def _write_pdf_file(target: Path, tmp: Path, page_size: str, name: str, paint: Callable[[QPdfWriter], Any], height_mm: float | None) -> Path:
    try:
        writer = QPdfWriter(str(tmp))
        writer.setResolution(RESOLUTION)
        writer.setCreator("Returns Desk")
        writer.setTitle(name)
        _setup(writer, page_size, height_mm)
        paint(writer)
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
    dialog = _preview_dialog(QPrintPreviewDialog(printer, parent), _title_of(html))
    doc = make_document(html, lang=lang, page_size=page_size)
    doc.setParent(dialog)
    dialog.paintRequested.connect(lambda p: paint_document(doc, p, footer=None if page_size == "receipt80" else _title_of(html)))
    dialog._returns_desk_document = doc  # type: ignore[attr-defined]  # keep the document alive with the dialog
    dialog._returns_desk_printer = printer  # type: ignore[attr-defined]
    return dialog


#: The preview's smallest comfortable size; it never opens larger than the screen's free area.
PREVIEW_MIN_SIZE = (900, 640)


def _toolbar(dialog: QPrintPreviewDialog) -> QToolBar:
    from PySide6.QtWidgets import QToolBar

    bar = dialog.findChild(QToolBar)
    assert bar is not None, "QPrintPreviewDialog has a toolbar"
    return bar


def print_action(dialog: QPrintPreviewDialog) -> QAction:
    """The Print action of a QPrintPreviewDialog's toolbar (found by Qt's own, translated, text;
    it is the toolbar's last action otherwise)."""
    from PySide6.QtCore import QCoreApplication

    actions = [a for a in _toolbar(dialog).actions() if not a.isSeparator()]
    qt_own = QCoreApplication.translate  # Qt's own string, translated by Qt's catalogue (not ours)
    name = qt_own("QPrintPreviewDialog", "Print")
    return next((a for a in actions if a.text() == name), actions[-1])


def _preview_dialog(dialog: QPrintPreviewDialog, title: str) -> QPrintPreviewDialog:
    """Title it; open it wide enough for its whole toolbar (the Print button is last and went
    behind the overflow at Qt's 689 px) and tall enough to read a page, within the screen; and
    make Ctrl+P, Enter and keypad Enter print, as the Print button does."""
    from PySide6.QtGui import QKeySequence, QShortcut

    dialog.setWindowTitle(title)
    width = max(PREVIEW_MIN_SIZE[0], _toolbar(dialog).sizeHint().width() + 40)
    height = PREVIEW_MIN_SIZE[1]
    screen = (dialog.parentWidget() or dialog).screen()
    if screen is not None:
        free = screen.availableGeometry()
        width, height = min(width, free.width()), min(max(height, int(free.height() * 0.85)), free.height())
    dialog.resize(width, height)
    action = print_action(dialog)
    for keys in ("Ctrl+P", "Return", "Enter"):
        QShortcut(QKeySequence(keys), dialog, action.trigger)  # window-wide in the dialog: as given
    return dialog


def print_preview(parent: Any, html: str, page_size: str = "A4", *, lang: str | None = None) -> int:
    """Show the print preview (modal) and return its result code."""
    return make_preview_dialog(parent, html, page_size, lang=lang).exec()


# --- the daily report: rich text around a long list drawn line by line ------------------------

#: The list's text size (the HTML's small tables use 7 pt) and its heading's (h2, 11 pt).
TABLE_POINT_SIZE = 7.0
HEADING_POINT_SIZE = 11.0
#: Rows of the list kept with its heading at the foot of a page.
KEEP_WITH_HEADING = 3
#: Lines a cell of free text (a reason, notes) may take in a drawn list; more is cut with "…".
WRAP_LINES = 6
_GRID = QColor("#888888")
_HEAD_FILL = QColor("#e6e6e6")
_HAZARD = QColor("#b00000")
_MUTED = QColor("#555555")
_FOOTER = QColor("#555555")
#: Line breaks, tabs and other control characters print as spaces: a cell is one line.
_ONE_LINE = {c: " " for c in [*range(0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029]}


def _pen(color: QColor, width: float) -> QPen:
    """A solid pen (made without ``QPen(color, width)``, whose overloads name ``Qt``'s enums)."""
    pen = QPen()
    pen.setColor(color)
    pen.setWidthF(width)
    return pen


def _one_line(text: str) -> str:
    return text if text.isprintable() else text.translate(_ONE_LINE)


class _Widths:
    """Text widths in a font on a device, measured once per text. Plain ASCII is summed from
    the widths of its characters (measuring a string in Qt costs some microseconds); anything
    else (CJK, right-to-left, combining marks, emoji) is measured whole."""

    def __init__(self, font: QFont, device: QPagedPaintDevice) -> None:
        self.metrics = QFontMetricsF(font, device)
        self.chars: dict[str, float] = {}
        self.texts: dict[str, float] = {}
        self.sums: dict[str, float] = {}  # ASCII texts: the sum of their characters' widths

    def exact(self, text: str) -> float:
        w = self.texts.get(text)
        if w is None:
            w = self.texts[text] = self.metrics.horizontalAdvance(text)
        return w

    def __call__(self, text: str) -> float:
        w = self.sums.get(text)
        if w is not None:
            return w
        if text.isascii():
            chars = self.chars
            for c in text:
                if c not in chars:
                    chars[c] = self.metrics.horizontalAdvance(c)
            w = self.sums[text] = sum([chars[c] for c in text])
            return w
        return self.exact(text)

    def elide(self, text: str, room: float) -> str:
        """``text`` cut with "…" to ``room`` when it is wider (an estimate close to the edge is
        measured again exactly)."""
        if self(text) <= room * 0.97 or self.exact(text) <= room:
            return text
        return elided(self.metrics, text, room)


def _fit_widths(natural: Sequence[float], total: float, least: float, flexible: frozenset[int] = frozenset(), most: float = 0.3) -> list[float]:
    """Column widths filling ``total``. When all columns fit at their natural widths (no column
    taking more than ``most`` of the total), in proportion to those; else the ``flexible``
    columns (names) give way first, then all: the widest are cut to a common cap (the narrow
    keep their width), and their text is elided."""
    widths = [min(max(least, w), total * most) for w in natural]
    have = sum(widths)
    if have <= total:
        return [w * total / have for w in widths]
    for give in (sorted(flexible), range(len(widths))):
        give = [i for i in give if i < len(widths)]
        rest = total - sum(w for i, w in enumerate(widths) if i not in give)
        if rest < least * len(give):
            continue
        count, cap = len(give), rest / max(1, len(give))
        for w in sorted(widths[i] for i in give):
            if w > cap:
                break
            rest -= w
            count -= 1
            cap = rest / count if count else cap
        return [min(w, cap) if i in give else w for i, w in enumerate(widths)]
    return [total / len(widths)] * len(widths)


class _TablePlan:
    """Where each row of a :class:`TextTable` goes: one line per row (more for a cell of a
    ``wrap`` column whose text is wider than the column), the heading kept with the first rows,
    the header row repeated on every page."""

    def __init__(self, table: TextTable, lang: str, device: QPagedPaintDevice, width: float, body: float, *, whole: bool = False,
                 widths: dict[tuple[str, bool], _Widths] | None = None) -> None:
        """``whole``: the table is kept on one page when a page holds it (a short table of figures);
        ``widths``: the text widths known so far on this device, by font (shared by the tables)."""
        dpi = _device_dpi(device)
        pt = dpi / 72.0
        self.table = table
        self.whole = whole
        self.width = width
        self.body = body
        self.device = device
        self.font = report_font(lang, table.point_size)
        self.bold = QFont(self.font)
        self.bold.setBold(True)
        # widths measured once per font for the whole report, not again in every table
        known = widths if widths is not None else {}
        self.measure = known.setdefault((self.font.toString(), False), _Widths(self.font, device))
        self.measure_bold = known.setdefault((self.bold.toString(), True), _Widths(self.bold, device))
        metrics = self.measure.metrics
        self.ascent = metrics.ascent()
        self.pad_x = 2.0 * pt
        self.pad_y = 1.0 * pt
        self.line_h = metrics.height()
        self.row_h = self.line_h + 2 * self.pad_y
        # the headings: the ones it belongs to (an h2 above an h3), then its own
        self.headings: list[tuple[QFont, float, float, str]] = []  # (font, ascent, height, text)
        for text, size in (*table.leads, (table.heading, table.heading_size)):
            font = report_font(lang, size)
            font.setBold(True)
            heading_metrics = QFontMetricsF(font, device)
            line = elided(heading_metrics, _one_line(text), width)
            self.headings.append((font, heading_metrics.ascent(), heading_metrics.height() + 3.0 * pt, line))
        self.heading_gap = 6.0 * pt  # with the space Qt leaves under a table, like the h2 margin of the HTML
        self.heading_h = self.heading_gap + sum(h for _, _, h, _ in self.headings)
        self.grid_pen = _pen(_GRID, max(1.0, 0.4 * pt))

        # a row whose text is all printable (nearly every one) is kept as it is; a wrap column
        # keeps its line breaks
        wrap = table.wrap

        def one_line(i: int, text: str) -> str:
            return "\n".join(_one_line(piece) for piece in text.split("\n")) if i in wrap else _one_line(text)

        self.rows = [row if "".join(row).isprintable() else tuple(one_line(i, c) for i, c in enumerate(row)) for row in table.rows]
        self.headers = tuple(_one_line(h) for h in table.headers)
        columns = len(self.headers)
        natural = [self.measure_bold(h) for h in self.headers]
        measure = self.measure
        widest = [0.0] * columns  # of the texts in each column, measured once per distinct text
        for i in range(columns):
            texts = {row[i] for row in self.rows}
            texts.discard("")
            if i in wrap:
                texts = {piece for text in texts for piece in text.split("\n")}
            widest[i] = max(map(measure, texts), default=0.0)
            if i == table.hazard_column and table.hazard:
                widest[i] = max(widest[i], max(self.measure_bold(self.rows[n][i]) for n in table.hazard))
            natural[i] = max(natural[i], widest[i])
        least = self.measure("…") + 2 * self.pad_x
        if len(table.fractions) == columns:  # the widths the HTML gives its columns
            self.widths = [f * width / sum(table.fractions) for f in table.fractions]
        else:
            self.widths = _fit_widths([w + 2 * self.pad_x + 1 for w in natural], width, least, table.flexible)
        self.xs = [sum(self.widths[:i]) for i in range(columns)]
        # columns whose every text fits (most of them): nothing there is measured again to be cut
        self.fits = frozenset(i for i in range(columns) if widest[i] <= (self.widths[i] - 2 * self.pad_x) * 0.97)
        # cells of a wrap column too wide for it, as their lines; every row's height
        self.wrapped: dict[tuple[int, int], list[str]] = {}
        self.heights = [self.row_h] * len(self.rows)
        for i in sorted(table.wrap):
            if i >= columns:
                continue
            room = self.widths[i] - 2 * self.pad_x
            for n, row in enumerate(self.rows):
                text = row[i]
                if text and ("\n" in text or (measure(text) > room * 0.97 and measure.exact(text) > room)):
                    lines = [line for piece in text.split("\n") for line in self._wrap(piece, room)]
                    if len(lines) > WRAP_LINES:
                        lines = lines[:WRAP_LINES - 1] + [elided(self.measure.metrics, " ".join(lines[WRAP_LINES - 1:]), room)]
                    self.wrapped[(n, i)] = lines
                    self.heights[n] = max(self.heights[n], self.line_h * len(lines) + 2 * self.pad_y)

    def _wrap(self, text: str, room: float) -> list[str]:
        """``text`` broken into lines of at most ``room`` (at spaces where it can, anywhere where it
        must), at most :data:`WRAP_LINES` of them, the last cut with "…" when there is more."""
        spans = _line_spans(text, self.font, self.device, room)
        if not text:
            return [""]
        lines = [text[start:start + length].strip() for start, length in spans[:WRAP_LINES]]
        if len(spans) > WRAP_LINES:
            rest = text[spans[WRAP_LINES - 1][0]:]
            lines[-1] = elided(self.measure.metrics, rest, room)
        return lines or [""]

    def plan(self, page: int, y: float, reserve: float = 0.0) -> tuple[int, float, list[tuple[int, float, int, int]], int, float]:
        """From (page, y): (heading page, heading y, chunks of (page, y, first row, end row), end page, end y).
        ``reserve``: the height of what must follow the table on its last page (the sign-off);
        when it does not fit there, the table's last rows go over to the next page with it."""
        n = len(self.rows)
        heights = self.heights
        keep = self.row_h + sum(heights[:n if self.whole else min(KEEP_WITH_HEADING, n)])
        if y and y + self.heading_h + keep > self.body:
            page, y = page + 1, 0.0
        heading = (page, y)
        y += self.heading_h
        chunks: list[tuple[int, float, int, int]] = []
        first = 0
        while first < n:
            room = self.body - y - self.row_h  # less the header row
            end, used = first, 0.0
            while end < n and used + heights[end] <= room:
                used += heights[end]
                end += 1
            if end == n and reserve and y + self.row_h + used + reserve > self.body:
                carry = min(KEEP_WITH_HEADING, n - first)
                if self.heading_h + self.row_h + sum(heights[n - carry:]) + reserve <= self.body:
                    if carry == n and heading[1] > 0:  # a short table goes over whole, with its heading
                        page, y = page + 1, 0.0
                        heading = (page, y)
                        y += self.heading_h
                        reserve = 0.0
                        continue
                    end = n - carry
                    used = sum(heights[first:end])
                reserve = 0.0
            if end == first:
                if y > self.heading_h:  # not even one row here: on to the next page
                    page, y = page + 1, 0.0
                    continue
                used, end = heights[first], first + 1  # a row taller than a page: drawn as it comes
            chunks.append((page, y, first, end))
            y += self.row_h + used
            first = end
            if first < n:
                page, y = page + 1, 0.0
        return heading[0], heading[1], chunks, page, y

    def draw_heading(self, painter: QPainter, y: float) -> None:
        y += self.heading_gap  # in the painter's pen: black
        for font, ascent, height, text in self.headings:
            painter.setFont(font)
            painter.drawText(QPointF(0, y + ascent), text)
            y += height

    def draw_chunk(self, painter: QPainter, y: float, first: int, end: int) -> None:
        """The header row and rows ``first`` to ``end`` (exclusive) from ``y`` down, with the grid.
        Fonts change once per page, not per row (fewer state changes in the PDF); the text is in
        the painter's pen (black), the grey and red texts, the fill and the grid are drawn
        without setting it (see :func:`_draw_runs`)."""
        row_h = self.row_h
        base = self.ascent + self.pad_y
        hazard, hazard_col = self.table.hazard, self.table.hazard_column
        _fill(painter, QRectF(0, y, self.width, row_h), _brush(_HEAD_FILL))
        painter.setFont(self.bold)
        self._draw_cells(painter, [(y + base, self.headers)], self.measure_bold)
        painter.setFont(self.font)
        tops = [y + row_h]
        for n in range(first, end):
            tops.append(tops[-1] + self.heights[n])
        lines = [(tops[k] + base, self.rows[n]) for k, n in enumerate(range(first, end))]
        wrapped = self.wrapped
        self._draw_cells(painter, lines, self.measure, skip=hazard_col if hazard else None, skip_rows=hazard, first=first,
                         wrapped=wrapped)
        muted, numeric = self.table.muted, self.table.numeric
        grey: list[tuple[float, float, str]] = []  # the muted lines: (x, baseline, text)
        for (n, i), texts in wrapped.items():
            if first <= n < end:
                x = self.xs[i] + self.pad_x
                room = self.widths[i] - 2 * self.pad_x
                for k, text in enumerate(texts):
                    right = room - self.measure(text) if i in numeric else 0.0
                    at = (x + right, lines[n - first][0] + k * self.line_h)
                    if k and i in muted:
                        grey.append((*at, text))
                    else:
                        painter.drawText(QPointF(*at), text)
        _draw_runs(painter, self.font, self.device, grey, _brush(_MUTED))
        marked = [(baseline, row) for k, (baseline, row) in enumerate(lines) if first + k in hazard]
        if marked and hazard_col is not None:
            red: list[tuple[float, float, str]] = []
            self._draw_cells(painter, marked, self.measure_bold, only=hazard_col, into=red)
            _draw_runs(painter, self.bold, self.device, red, _brush(_HAZARD))
        grid = QPainterPath()
        for top in (y, *tops):
            grid.moveTo(0, top)
            grid.lineTo(self.width, top)
        for x in (*self.xs, self.width):
            grid.moveTo(x, y)
            grid.lineTo(x, tops[-1])
        painter.strokePath(grid, self.grid_pen)

    def _draw_cells(
        self, painter: QPainter, lines: Sequence[tuple[float, Sequence[str]]], measure: _Widths, *,
        skip: int | None = None, skip_rows: frozenset[int] = frozenset(), first: int = 0, only: int | None = None,
        wrapped: dict[tuple[int, int], list[str]] | None = None, into: list[tuple[float, float, str]] | None = None,
    ) -> None:
        """Draw the cells of rows given as (baseline, cells), each elided to its column; ``only``
        draws one column; ``skip`` leaves one column out in the rows ``skip_rows`` (numbered from
        ``first``), for drawing it in another style; cells in ``wrapped`` (by row and column) are
        left for their lines to be drawn. ``into``: the cells are not drawn but added to it as
        (x, baseline, text), for :func:`_draw_runs`."""
        widths, xs, pad_x, numeric, fits = self.widths, self.xs, self.pad_x, self.table.numeric, self.fits
        columns: Sequence[int] = range(len(widths)) if only is None else (only,)
        draw: Callable[[QPointF, str], None] = painter.drawText
        if into is not None:
            def draw(at: QPointF, text: str) -> None:
                into.append((at.x(), at.y(), text))
        # columns drawn as they are (left-aligned, every text fits, never left out or wrapped): the
        # bulk of the cells, without a question asked of each
        plain: list[tuple[int, float]] = []
        if measure is self.measure:
            plain = [(i, xs[i] + pad_x) for i in columns if i in fits and i not in numeric and i != skip and i not in self.table.wrap]
        taken = {i for i, _ in plain}
        columns = [i for i in columns if i not in taken]
        for k, (baseline, row) in enumerate(lines):
            for i, x in plain:
                text = row[i]
                if text:
                    draw(QPointF(x, baseline), text)
            leave = skip if skip is not None and first + k in skip_rows else None
            for i in columns:
                text = row[i]
                if not text or i == leave or (wrapped and (first + k, i) in wrapped):
                    continue
                room = widths[i] - 2 * pad_x
                if i not in fits or measure is not self.measure:
                    text = measure.elide(text, room)
                x = xs[i] + pad_x
                if i in numeric:
                    x += room - measure(text)
                draw(QPointF(x, baseline), text)


MONO_FAMILIES = ("DejaVu Sans Mono", "Liberation Mono")


class _LinesPlan:
    """Where each :class:`Line` of a :class:`TextBlock` goes: one after the other down the page,
    a cell's text wrapped in its width, a page break before a line that does not fit, and a line
    marked ``keep`` on the same page as the line after it (a heading with what it heads, the
    sign-off's rows together)."""

    def __init__(self, block: TextBlock, lang: str, device: QPagedPaintDevice, width: float, body: float) -> None:
        pt = _device_dpi(device) / 72.0
        self.device = device
        self.body = body
        fonts: dict[tuple[float, bool, bool], tuple[QFont, QFontMetricsF]] = {}
        #: per line: (height, [(font, brush or None, x, baseline offset, text)])
        self.lines: list[tuple[float, list[tuple[QFont, QBrush | None, float, float, str]]]] = []
        self.keep = [line.keep for line in block.lines]
        for line in block.lines:
            for bold in {bold for _, _, bold in line.cells}:
                key = (line.size, bold, line.mono)
                if key not in fonts:
                    font = report_font(lang, line.size)
                    if line.mono:
                        font.setFamilies([*MONO_FAMILIES, *font.families()])
                    font.setBold(bold)
                    fonts[key] = (font, QFontMetricsF(font, device))
            brush = _brush(QColor(line.colour)) if line.colour else None
            top = line.before * pt
            drawn: list[tuple[QFont, QBrush | None, float, float, str]] = []
            height = 0.0
            for k, (start, text, bold) in enumerate(line.cells):
                font, metrics = fonts[(line.size, bold, line.mono)]
                x = start * width
                room = (line.cells[k + 1][0] * width if k + 1 < len(line.cells) else width) - x - (2 * pt if k + 1 < len(line.cells) else 0.0)
                pieces = [_one_line(piece) for piece in text.split("\n")]
                wrapped = [w for piece in pieces for w in (_wrap_all(piece, font, device, room) if metrics.horizontalAdvance(piece) > room else [piece])]
                for n, piece in enumerate(wrapped):
                    drawn.append((font, brush, x, top + metrics.ascent() + n * metrics.height(), piece))
                height = max(height, len(wrapped) * metrics.height())
            self.lines.append((top + height + line.after * pt, drawn))

    def first_group_height(self) -> float:
        """The height of the block's first line and the lines kept with it."""
        end = 1
        while end < len(self.lines) and self.keep[end - 1]:
            end += 1
        return sum(h for h, _ in self.lines[:end])

    def plan(self, page: int, y: float) -> tuple[list[tuple[int, float, int]], int, float]:
        """From (page, y): [(page, y, line)], and the page and y where the block ends."""
        placed: list[tuple[int, float, int]] = []
        n = len(self.lines)
        k = 0
        while k < n:
            end = k + 1  # the group: a line and every line it is kept with
            while end < n and self.keep[end - 1]:
                end += 1
            height = sum(h for h, _ in self.lines[k:end])
            if y and y + height > self.body:
                page, y = page + 1, 0.0
            for i in range(k, end):
                h = self.lines[i][0]
                if y and y + h > self.body:  # a group taller than a page flows on
                    page, y = page + 1, 0.0
                placed.append((page, y, i))
                y += h
            k = end
        return placed, page, y

    def draw_line(self, painter: QPainter, y: float, line: int) -> None:
        for font, brush, x, baseline, text in self.lines[line][1]:
            if not text:
                continue
            if brush is None:
                painter.setFont(font)
                painter.drawText(QPointF(x, y + baseline), text)
            else:
                _draw_runs(painter, font, self.device, [(x, y + baseline, text)], brush)


def _wrap_all(text: str, font: QFont, device: QPagedPaintDevice, room: float) -> list[str]:
    """``text`` broken into lines of at most ``room`` (at spaces where it can, anywhere where it must)."""
    return [text[start:start + length].rstrip() for start, length in _line_spans(text, font, device, room)] or [text]


def _line_spans(text: str, font: QFont, device: QPagedPaintDevice, room: float) -> list[tuple[int, int]]:
    """Where Qt breaks ``text`` into lines of at most ``room``: (start, length) of each line."""
    layout = QTextLayout(text, font, device)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    spans: list[tuple[int, int]] = []
    layout.beginLayout()
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(room)
        spans.append((line.textStart(), line.textLength()))
    layout.endLayout()
    return spans


def _content_bottom(doc: QTextDocument) -> float:
    """Where the laid-out document's content ends (in its paged layout's coordinates): the
    bottom of its last table or of its last line of text, whichever is lower."""
    layout = doc.documentLayout()
    bottom = 0.0
    frames = doc.rootFrame().childFrames()
    if frames:
        bottom = layout.frameBoundingRect(frames[-1]).bottom()
    block = doc.lastBlock()
    while block.isValid() and not block.text().strip() and block.previous().isValid():
        block = block.previous()  # empty blocks (the one after a table) hold nothing to see
    if block.isValid() and block.text().strip():
        bottom = max(bottom, layout.blockBoundingRect(block).bottom())
    return bottom


def _push_down(doc: QTextDocument, height: float, dpi: int) -> None:
    """Start the document ``height`` device pixels further down its first page (an empty first
    block that tall), so that it flows on from whatever was drawn above it and breaks pages
    where the page does. A fixed line height is in Qt's logical pixels (96 per inch)."""
    if height <= 0:
        return
    from PySide6.QtGui import QTextBlockFormat, QTextCursor

    cursor = QTextCursor(doc)
    cursor.movePosition(QTextCursor.MoveOperation.Start)
    cursor.insertBlock(cursor.blockFormat(), cursor.blockCharFormat())
    cursor.movePosition(QTextCursor.MoveOperation.Start)
    spacer = QTextBlockFormat()
    spacer.setTopMargin(0)
    spacer.setBottomMargin(0)
    spacer.setLineHeight(height * 96.0 / dpi, QTextBlockFormat.LineHeightTypes.FixedHeight.value)
    cursor.setBlockFormat(spacer)


def _second_block_top(doc: QTextDocument) -> float:
    return doc.documentLayout().blockBoundingRect(doc.begin().next()).top()


def paint_daily(daily: DailyPrint, device: QPagedPaintDevice, *, footer: str | None = None, page_size: str = "A4") -> int:
    """Paint the daily report onto a PDF writer or printer, from top to bottom: its rich text
    (headings, figures, short tables) as laid out by Qt, and its lists (the day's returns,
    overrides, incidents, voided entries ...) drawn row by row with QPainter (columns at fixed
    positions, text elided to its column or, for free text, wrapped; the header row on every
    page), each part flowing on from where the one before it ended; "title  page/pages" under
    each page. Returns the number of pages."""
    return _paint_daily(daily, device, footer, page_size)


def _paint_daily(daily: DailyPrint, device: QPagedPaintDevice, footer: str | None, page_size: str) -> int:
    dpi = _device_dpi(device)
    small = _footer_font(report_font(daily.lang, BASE_POINT_SIZE.get(page_size, 9.0)))
    footer_px = _footer_height(small, dpi, footer)
    rect = device.pageLayout().paintRectPixels(dpi)
    width, body = float(rect.width()), rect.height() - footer_px
    draws: list[tuple[int, Callable[[QPainter], None]]] = []  # (page, what to draw there), in the order of the report
    page, y = 0, 0.0
    blocks: dict[int, _LinesPlan] = {}
    widths: dict[tuple[str, bool], _Widths] = {}

    def block_of(k: int) -> _LinesPlan:
        block = blocks.get(k)
        if block is None:
            part = daily.flow[k]
            assert isinstance(part, TextBlock)
            block = blocks[k] = _LinesPlan(part, daily.lang, device, width, body)
        return block

    for k, part in enumerate(daily.flow):
        whole = isinstance(part, FigureTable)
        if isinstance(part, FigureTable):
            part = part.table  # drawn as the lists are, kept on one page
        if isinstance(part, TextBlock):
            block = block_of(k)
            placed, page, y = block.plan(page, y)
            draws.extend((p, partial(block.draw_line, y=line_y, line=i)) for p, line_y, i in placed)
            continue
        if isinstance(part, TextTable):
            table = _TablePlan(part, daily.lang, device, width, body, whole=whole, widths=widths)
            # the last block (the sign-off) is not left alone on the last page: the table's last rows go with it
            last_block = k + 2 == len(daily.flow) and isinstance(daily.flow[-1], TextBlock)
            reserve = block_of(k + 1).first_group_height() if last_block else 0.0
            heading_page, heading_y, chunks, page, y = table.plan(page, y, reserve)
            draws.append((heading_page, partial(table.draw_heading, y=heading_y)))
            for chunk_page, chunk_y, first, end in chunks:
                draws.append((chunk_page, partial(table.draw_chunk, y=chunk_y, first=first, end=end)))
            if y >= body - table.row_h:
                page, y = page + 1, 0.0
            continue
        doc = make_document(part, lang=daily.lang, page_size=page_size)
        laid_out = False
        if y > 0:  # flows on from where the part above ended, breaking pages where the page does
            _push_down(doc, y, dpi)
            _layout(doc, device, footer_px)
            laid_out = True
            top = _second_block_top(doc)
            if not y <= top < body + y:  # the spacer is not the height asked for: start on a new page
                doc = make_document(part, lang=daily.lang, page_size=page_size)
                page, y = page + 1, 0.0
                laid_out = False
        if not laid_out:
            _layout(doc, device, footer_px)
        doc_pages = max(1, doc.pageCount())
        for k in range(doc_pages):
            draws.append((page + k, partial(_draw_page_of, doc=doc, page=k, width=width, body=body)))
        bottom = _content_bottom(doc)
        last = min(doc_pages - 1, int(bottom // body))
        page, y = page + last, bottom - last * body
    pages = max(p for p, _ in draws) + 1 if draws else 1
    draws.sort(key=lambda d: d[0])  # stable: the report's order within a page

    painter = QPainter()
    if not painter.begin(device):
        raise OSError("cannot paint on the output (is the file or printer writable?)")
    try:
        at = 0
        for n in range(pages):
            if n:
                device.newPage()
            while at < len(draws) and draws[at][0] == n:
                draws[at][1](painter)
                at += 1
            if footer is not None:
                _draw_footer(painter, small, QRectF(0, body, width, footer_px), footer, n, pages)
    finally:
        painter.end()
    return pages


def print_daily(daily: DailyPrint, printer: Any, page_size: str = "A4") -> int:
    """Print the daily report to a configured QPrinter; returns the page count."""
    return paint_daily(daily, printer, footer=daily.title, page_size=page_size)


def make_daily_preview_dialog(parent: Any, daily: DailyPrint, page_size: str = "A4") -> Any:
    """A QPrintPreviewDialog of the daily report (not yet shown), drawn as :func:`paint_daily` draws the PDF."""
    _check_size(page_size)
    ensure_app()
    from PySide6.QtPrintSupport import QPrintPreviewDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    _setup(printer, page_size)
    dialog = _preview_dialog(QPrintPreviewDialog(printer, parent), daily.title)
    dialog.paintRequested.connect(lambda p: paint_daily(daily, p, footer=daily.title, page_size=page_size))
    dialog._returns_desk_printer = printer  # type: ignore[attr-defined]
    return dialog


# --- labels: drawn to fill the page, with a barcode the counter's scanner reads ----------------


def paint_label(label: Label, device: QPagedPaintDevice) -> None:
    """Draw ``label`` over the whole printable area of one page: the warning band across the top,
    the facts, the hazard box at the foot, and the barcode taking the height that is left (bars
    a whole number of device pixels wide, with quiet zones, so every module prints the same)."""
    dpi = _device_dpi(device)
    rect = device.pageLayout().paintRectPixels(dpi)
    width, height = float(rect.width()), float(rect.height())
    pt = dpi / 72.0
    gap = 3.0 * pt
    painter = QPainter()
    if not painter.begin(device):
        raise OSError("cannot paint on the output (is the file or printer writable?)")
    try:
        y = 0.0
        # the warning band: white on black, each line as large as the width allows
        band_fonts = [_fit_font(label.lang, line, width * 0.94, 22.0, device, bold=True) for line in label.band]
        band_h = sum(QFontMetricsF(f, device).height() for f in band_fonts) + 2 * gap
        painter.fillRect(QRectF(0, 0, width, band_h), QColor("black"))
        painter.setPen(QColor("white"))
        line_y = gap
        for line, font in zip(label.band, band_fonts):
            h = QFontMetricsF(font, device).height()
            painter.setFont(font)
            painter.drawText(QRectF(0, line_y, width, h), ALIGN_CENTER, line)
            line_y += h
        y = band_h + gap
        if label.mark:  # a reprint says so at once, under the band
            mark_font = _fit_font(label.lang, label.mark, width * 0.94, 12.0, device, bold=True)
            mark_h = QFontMetricsF(mark_font, device).height()
            painter.setPen(QColor("black"))
            painter.setFont(mark_font)
            painter.drawText(QRectF(0, y, width, mark_h), ALIGN_CENTER, label.mark)
            y += mark_h + gap

        # the facts and the hazard box, measured first: the barcode gets the rest of the page
        key_font = report_font(label.lang, 10.0)
        key_font.setBold(True)
        value_font = report_font(label.lang, 12.0)
        key_w = max((QFontMetricsF(key_font, device).horizontalAdvance(k) for k, _ in label.rows), default=0.0) + 2 * gap
        wrap = TEXT_WORD_WRAP
        rows = []
        for key, value in label.rows:
            box = QFontMetricsF(value_font, device).boundingRect(QRectF(0, 0, width - key_w, 1e6), wrap, value)
            rows.append((key, value, max(box.height(), QFontMetricsF(key_font, device).height())))
        rows_h = sum(h for *_, h in rows) + gap * max(0, len(rows) - 1) * 0.5
        hazard_fonts = [_fit_font(label.lang, line, width * 0.9, 16.0, device, bold=True) for line in label.hazard]
        hazard_h = (sum(QFontMetricsF(f, device).height() for f in hazard_fonts) + 3 * gap) if label.hazard else 0.0
        code_font = _fit_font("en", label.code, width * 0.9, 20.0, device, bold=True)
        code_h = QFontMetricsF(code_font, device).height()
        note_font = report_font(label.lang, 7.0)
        note_h = QFontMetricsF(note_font, device).height() if label.note else 0.0

        left = height - y - rows_h - hazard_h - code_h - note_h - 4 * gap
        bar_h = max(12.0 * pt, min(left, 40.0 / 25.4 * dpi))
        spare = max(0.0, left - bar_h) / 2.0
        y += spare
        modules = len(label.bars) + 20  # ten modules of quiet zone each side
        module = max(1, int(width // modules))
        x = (width - module * len(label.bars)) / 2.0
        bars = []
        start = None
        for i, bit in enumerate(label.bars + "0"):
            if bit == "1" and start is None:
                start = i
            elif bit != "1" and start is not None:
                bars.append(QRectF(x + start * module, y, (i - start) * module, bar_h))
                start = None
        for bar in bars:
            painter.fillRect(bar, QColor("black"))
        y += bar_h
        painter.setPen(QColor("black"))
        painter.setFont(code_font)
        painter.drawText(QRectF(0, y, width, code_h), ALIGN_CENTER, label.code)
        y += code_h
        if label.note:
            painter.setFont(note_font)
            painter.setPen(QColor("#444444"))
            painter.drawText(QRectF(0, y, width, note_h), ALIGN_CENTER, label.note)
            y += note_h
        y = height - hazard_h - rows_h - gap  # the facts sit on the hazard box (or the foot of the page)
        painter.setPen(QColor("black"))
        for key, value, h in rows:
            painter.setFont(key_font)
            painter.drawText(QRectF(0, y, key_w, h), ALIGN_LEFT | ALIGN_TOP, key)
            painter.setFont(value_font)
            painter.drawText(QRectF(key_w, y, width - key_w, h), wrap | ALIGN_TOP, value)
            y += h + gap * 0.5
        if label.hazard:
            top = height - hazard_h
            painter.setPen(QPen(QColor("black"), 2.0 * pt))
            painter.drawRect(QRectF(pt, top + pt, width - 2 * pt, hazard_h - 2 * pt))
            line_y = top + 1.5 * gap
            for line, font in zip(label.hazard, hazard_fonts):
                h = QFontMetricsF(font, device).height()
                painter.setFont(font)
                painter.drawText(QRectF(0, line_y, width, h), ALIGN_CENTER, line)
                line_y += h
    finally:
        painter.end()


def _fit_font(lang: str, text: str, room: float, largest: float, device: QPagedPaintDevice, *, bold: bool = False) -> QFont:
    """The largest font (at most ``largest`` points, at least 6) in which ``text`` fits ``room``."""
    font = report_font(lang, largest)
    font.setBold(bold)
    wide = QFontMetricsF(font, device).horizontalAdvance(text)
    if wide > room:
        font.setPointSizeF(max(6.0, largest * room / wide))
    return font


def render_label_pdf(label: Label, path: str | os.PathLike[str], page_size: str = "A6") -> Path:
    """A label as a one-page PDF filled by :func:`paint_label` (written like :func:`render_pdf`)."""
    _check_size(page_size)
    ensure_app()
    return _write_pdf(path, page_size, label.title, lambda writer: paint_label(label, writer))


def make_label_preview_dialog(parent: Any, label: Label, page_size: str = "A6") -> Any:
    """A QPrintPreviewDialog of a label (not yet shown), drawn as the PDF is."""
    _check_size(page_size)
    ensure_app()
    from PySide6.QtPrintSupport import QPrintPreviewDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    _setup(printer, page_size)
    dialog = _preview_dialog(QPrintPreviewDialog(printer, parent), label.title)
    dialog.paintRequested.connect(lambda p: paint_label(label, p))
    dialog._returns_desk_printer = printer  # type: ignore[attr-defined]
    return dialog
