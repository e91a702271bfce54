"""The returns log's table: a QTableView that draws its plain rows itself.

A QTableView paints each visible cell on its own: a style option set up per cell, seven
``data()`` roles asked of the Python model, the text laid out by the style (a million-row log's
first screen is about 270 cells, most of the time it takes to appear). This view draws a row
that is neither selected nor current from the texts the model made once for that row
(``ReturnsTableModel.row_texts``): each cell's text in the view's font and text colour, struck
out for a void return, aligned as the model says, with the grid lines QTableView draws.

What it draws is what QTableView draws (the same pixels; a test compares them): wherever the
plain path could differ, the cell goes the standard way, through the item delegate and the
style, exactly as QTableView would paint it:
- the selected row and the current cell (highlight, focus frame, inactive-window colours);
- a text that may not fit its cell (the style elides or wraps it; see ``_estimate``);
- any model other than ReturnsTableModel, spans, or a row the model cannot give.
Everything else about the view (keyboard, selection, scrolling, headers, accessibility, which
asks the model's ``data()`` as before) is QTableView's own.
"""

from __future__ import annotations

from PySide6.QtCore import QLineF, QModelIndex, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTableView, QWidget

from returns_desk.ui.returns_table_model import COL_AMOUNT, ReturnsTableModel

ROW_HEIGHT = 26
COLUMN_WIDTHS = (130, 175, 95, 140, 215, 160, 75, 95, 105, 150)
_CACHE_LIMIT = 5_000

# characters whose width, added up one by one, is the width of the text they make (no joining,
# no combining marks): Latin, Greek, Cyrillic, CJK ideographs and punctuation, full-width forms
_SIMPLE_RANGES = ((0x20, 0x2FF), (0x370, 0x52F), (0x2000, 0x206F), (0x2E80, 0x9FFF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF))


def _simple(ch: str) -> bool:
    o = ord(ch)
    return any(lo <= o <= hi for lo, hi in _SIMPLE_RANGES)


class ReturnsTableView(QTableView):
    """The log's table, set up as the log shows it: whole rows selected one at a time, not
    editable, Tab leaves it, fixed row height, no row numbers, the columns' widths."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # the viewport made here, as QAbstractScrollArea makes its own (name, Base background
        # filled): its Python wrapper exists from the start, where PySide6 takes ~10 ms to wrap
        # the one Qt made the first time Python asks for it (every paint does)
        viewport = QWidget()
        viewport.setObjectName("qt_scrollarea_viewport")
        viewport.setBackgroundRole(QPalette.ColorRole.Base)
        viewport.setAutoFillBackground(True)
        self.setViewport(viewport)
        self._viewport = viewport
        # the same kind of delegate a view makes itself, made here for the same reason (the
        # focused cell and texts that do not fit are painted through it)
        self._delegate = QStyledItemDelegate(self)
        self.setItemDelegate(self._delegate)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)  # Tab leaves the table (the arrows move in it)
        rows = self.verticalHeader()
        # before the model: a million sections are never resized one by one
        rows.setDefaultSectionSize(ROW_HEIGHT)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(True)
        self._advances: dict[str, float] = {}  # one character's width in the view's font
        self._widths: dict[str, float] = {}  # a whole text's width, for texts measured exactly (-1: not one line)
        self._estimates: dict[str, float] = {}  # a text's width added up per character (-1: not safe to)
        self._metrics_font: QFont | None = None

    def setModel(self, model) -> None:  # noqa: N802 (Qt's name)
        super().setModel(model)
        if model is not None:
            for col, width in enumerate(COLUMN_WIDTHS[: model.columnCount()]):
                self.setColumnWidth(col, width)

    # --- painting -----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        model = self.model()
        if not isinstance(model, ReturnsTableModel) or model.rowCount() == 0 or model.columnCount() == 0:
            super().paintEvent(event)
            return
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        option.showDecorationSelected = True  # as QTableView::initViewItemOption
        style = self.style()
        grid = self.showGrid()
        grid_size = 1 if grid else 0
        grid_pen = QPen(QColor.fromRgba(style.styleHint(QStyle.StyleHint.SH_Table_GridLineColor, option, self) & 0xFFFFFFFF), 1, self.gridStyle())
        rows_header, cols_header = self.verticalHeader(), self.horizontalHeader()
        right_edge = cols_header.length() - cols_header.offset() - 1
        bottom_edge = rows_header.length() - rows_header.offset() - 1
        painter = QPainter(self._viewport)

        enabled = bool(option.state & QStyle.StateFlag.State_Enabled)
        group = QPalette.ColorGroup.Normal if enabled else QPalette.ColorGroup.Disabled
        if group == QPalette.ColorGroup.Normal and not option.state & QStyle.StateFlag.State_Active:
            group = QPalette.ColorGroup.Inactive
        text_pen = QPen(option.palette.color(group, QPalette.ColorRole.Text))
        font = QFont(option.font)
        void_font = QFont(font)
        void_font.setStrikeOut(True)
        metrics = QFontMetricsF(font)
        if self._metrics_font != font:
            self._advances.clear()
            self._widths.clear()
            self._estimates.clear()
            self._metrics_font = QFont(font)
        if len(self._widths) > _CACHE_LIMIT or len(self._estimates) > _CACHE_LIMIT:
            self._widths.clear()
            self._estimates.clear()
        ascent, line_height = metrics.ascent(), metrics.ascent() + metrics.descent()
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self) + 1
        highlighted_pen = QPen(option.palette.color(group, QPalette.ColorRole.HighlightedText))
        # (asked of the view: the selection model itself costs a first paint 0.3 ms to wrap)
        selected_cells = {(i.row(), i.column()) for i in self.selectedIndexes()}
        selected_rows = {r for r, _ in selected_cells}
        current = self.currentIndex()
        # the current cell of a focused view: the style may frame it (drawn the standard way)
        focus_cell = (current.row(), current.column()) if current.isValid() and (self.hasFocus() or self._viewport.hasFocus()) else None
        selected_option = QStyleOptionViewItem(option)
        selected_option.state |= QStyle.StateFlag.State_Selected
        if enabled:
            selected_option.palette.setCurrentColorGroup(QPalette.ColorGroup.Normal)
        panels = (QStyle.PrimitiveElement.PE_PanelItemViewRow, QStyle.PrimitiveElement.PE_PanelItemViewItem)

        columns = [cols_header.logicalIndex(v) for v in range(cols_header.count())]
        # the region's bounding rectangle: what lies outside the region is clipped away (a
        # QTableView paints the region's rectangles one by one; a scroll makes one rectangle)
        dirty = event.rect()
        dirty.setBottom(min(dirty.bottom(), bottom_edge))
        dirty.setRight(min(dirty.right(), right_edge))
        left = max(0, cols_header.visualIndexAt(dirty.left()))
        right = cols_header.visualIndexAt(dirty.right())
        right = cols_header.count() - 1 if right == -1 else right
        top = rows_header.visualIndexAt(dirty.top())
        bottom = rows_header.visualIndexAt(dirty.bottom())
        bottom = rows_header.count() - 1 if bottom == -1 else bottom
        if dirty.isValid() and top != -1 and top <= bottom:
            # per visible column: (column, left edge, width without the grid line, room for the
            # text, where a left-aligned text starts, right-aligned?)
            cells = [
                (col, x, w, w - 2 * margin, x + margin, col == COL_AMOUNT)
                for col in columns[left : right + 1]
                if not cols_header.isSectionHidden(col)
                for x, w in ((self.columnViewportPosition(col), self.columnWidth(col) - grid_size),)
            ]
            widths, width_of, estimates = self._widths, self._width, self._estimates
            focus_row, focus_col = focus_cell if focus_cell is not None else (-1, -1)
            row_ys = []
            for visual in range(top, bottom + 1):
                row = rows_header.logicalIndex(visual)
                if rows_header.isSectionHidden(row):
                    continue
                y, h = self.rowViewportPosition(row), self.rowHeight(row) - grid_size
                row_ys.append((y, h))
                made = model.row_texts(row)
                if made is None:
                    for col, x, w, *_ in cells:
                        self._paint_cell_standard(painter, option, model.index(row, col), x, y, w, h, (row, col) in selected_cells)
                    continue
                texts, void = made
                row_selected = row in selected_rows
                row_font = void_font if void else font
                painter.setFont(row_font)
                painter.setPen(text_pen)
                baseline = y + int((h - int(line_height)) / 2) + ascent  # QStyle.alignedRect, AlignVCenter
                for col, x, w, room, text_x, right_aligned in cells:
                    text = texts[col]
                    width: float | None = 0.0 if not text else None
                    if text and not right_aligned:  # added up per character, kept per text
                        approx = estimates.get(text)
                        if approx is None:
                            approx = estimates[text] = self._estimate(text, metrics)
                        if 0 <= approx <= room - 3 - 0.05 * approx:  # (kerning moves a text by a fraction of a pixel)
                            width = approx
                    if width is None:  # measured whole: right-aligned, or too close to call
                        exact = widths.get(text)
                        if exact is None:
                            exact = width_of(text, metrics)
                        width = exact if exact is not None and 0 <= exact <= room else None
                    selected = row_selected and (row, col) in selected_cells
                    if width is None or (row == focus_row and col == focus_col):  # drawn the standard way
                        self._paint_cell_standard(painter, option, model.index(row, col), x, y, w, h, selected)
                        painter.setFont(row_font)
                        painter.setPen(text_pen)
                        continue
                    if selected:  # the highlight, as the style draws it behind a selected cell
                        selected_option.rect = QRect(x, y, w, h)
                        for panel in panels:
                            style.drawPrimitive(panel, selected_option, painter, self)
                        painter.setPen(highlighted_pen)
                    if text:
                        painter.drawText(QPointF(text_x + room - width if right_aligned else text_x, baseline), text)
                    if selected:
                        painter.setPen(text_pen)
            if grid:
                painter.setPen(grid_pen)
                lines = [QLineF(dirty.left() + 0.5, y + h + 0.5, dirty.right() + 0.5, y + h + 0.5) for y, h in row_ys]
                lines += [QLineF(x + w + 0.5, dirty.top() + 0.5, x + w + 0.5, dirty.bottom() + 0.5) for _col, x, w, *_ in cells]
                painter.drawLines(lines)
                if style.styleHint(QStyle.StyleHint.SH_Table_AlwaysDrawLeftTopGridLines, option, self):
                    if cols_header.isHidden() and row_ys and row_ys[0][0] == dirty.top():
                        painter.drawLine(dirty.left(), row_ys[0][0], dirty.right(), row_ys[0][0])
                    if rows_header.isHidden() and cells and cells[0][1] == dirty.left():
                        painter.drawLine(cells[0][1], dirty.top(), cells[0][1], dirty.bottom())
        painter.end()

    def _estimate(self, text: str, metrics: QFontMetricsF) -> float:
        """``text``'s width added up from its characters' (each measured once), or -1 where
        that is not safe (a character that joins or combines, a line break)."""
        advances = self._advances
        total = 0.0
        for ch in text:
            a = advances.get(ch)
            if a is None:
                if not _simple(ch):
                    return -1.0
                a = advances[ch] = metrics.horizontalAdvance(ch)
            total += a
        return total

    def _width(self, text: str, metrics: QFontMetricsF) -> float | None:
        """``text``'s width measured whole (kept), None for a text that is not one plain line
        (a line break or tab: the style lays it out its own way)."""
        width = self._widths.get(text)
        if width is None:
            width = self._widths[text] = -1.0 if any(ch < " " for ch in text) else metrics.horizontalAdvance(text)
        return width if width >= 0 else None

    def _paint_cell_standard(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex, x: int, y: int, w: int, h: int, selected: bool
    ) -> None:
        """One cell as QTableView paints it (QTableViewPrivate::drawCell)."""
        opt = QStyleOptionViewItem(option)
        opt.rect = QRect(x, y, w, h)
        if selected:
            opt.state |= QStyle.StateFlag.State_Selected
        if opt.state & QStyle.StateFlag.State_Enabled:
            if not self.model().flags(index) & Qt.ItemFlag.ItemIsEnabled:
                opt.state &= ~QStyle.StateFlag.State_Enabled
                opt.palette.setCurrentColorGroup(QPalette.ColorGroup.Disabled)
            else:
                opt.palette.setCurrentColorGroup(QPalette.ColorGroup.Normal)
        if index == self.currentIndex() and (self.hasFocus() or self._viewport.hasFocus()):
            opt.state |= QStyle.StateFlag.State_HasFocus
        painter.save()
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewRow, opt, painter, self)
        self.itemDelegateForIndex(index).paint(painter, opt, index)
        painter.restore()
