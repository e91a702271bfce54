"""The log's table (ReturnsTableView) draws its rows itself: it must look exactly as a plain
QTableView showing the same model, pixel for pixel, in English and Chinese, with void rows, a
selected row, the keyboard in the table, a name too long for its column, scrolled."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QTableView

from returns_desk.domain.returns import ReturnDraft
from returns_desk.services.log_service import LogService

pytestmark = pytest.mark.gui

CLERKS = ["Li", "王小明", "Wang", "Alexandra Konstantinopoulou-Smith", "张伟"]


def record(returns, n: int = 40) -> list[str]:
    start = dt.datetime(2025, 7, 1, 2, tzinfo=dt.timezone.utc)
    tickets = []
    for i in range(n):
        e = returns.record(ReturnDraft(
            isolation_confirmed=True, model_input="A1257" if i % 3 else "PAC20-272", remedy="refund" if i % 2 else "replacement",
            amount="149" if i % 2 else None, serial=f"AKFF1Y0E4{i:07d}" if i % 3 else None, batch=None if i % 3 else "C14-P6",
            clerk=CLERKS[i % 5], receipt=f"R-{i}", at=start + dt.timedelta(hours=i)))
        tickets.append(e["ticket"])
    returns.void(tickets[-2], reason="wrong model keyed", by="M")
    returns.void(tickets[-5], reason="wrong model keyed", by="M")
    return tickets


def plain_table() -> QTableView:
    """A QTableView set up as the log's table, drawing every cell the standard way."""
    from returns_desk.ui.returns_table_view import ROW_HEIGHT

    view = QTableView()
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    return view


def pixels(view: QTableView) -> QImage:
    QApplication.processEvents()
    return view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_log_table_looks_like_a_plain_table(qtbot, desk, returns, lang):
    from returns_desk.ui.app import make_application
    from returns_desk.ui.i18n import set_language
    from returns_desk.ui.returns_table_model import ReturnsTableModel
    from returns_desk.ui.returns_table_view import COLUMN_WIDTHS, ReturnsTableView

    make_application()
    set_language(lang)
    try:
        record(returns)
        model = ReturnsTableModel(LogService(desk), lang=lang)
        fast, plain = ReturnsTableView(), plain_table()
        for view in (fast, plain):
            qtbot.addWidget(view)
            view.setModel(model)
            for col, width in enumerate(COLUMN_WIDTHS):
                view.setColumnWidth(col, width)
            view.resize(1300, 600)
            view.show()
            qtbot.waitExposed(view)

        def same(what: str, step=None) -> None:
            """Each view brought to the same state in turn (one window has the keyboard at a
            time) and its pixels taken while it is the active one."""
            shots = []
            for view in (fast, plain):
                view.activateWindow()
                qtbot.waitUntil(view.isActiveWindow)
                if step is not None:
                    step(view)
                shots.append(pixels(view))
            assert shots[0].size() == shots[1].size() and shots[0] == shots[1], what

        def first(view: QTableView) -> None:
            view.setFocus(Qt.FocusReason.OtherFocusReason)
            view.setCurrentIndex(model.index(0, 0))

        same("first screen, the newest row current", first)
        assert fast._advances, "the rows were drawn by the log's own path"

        def select_with_keyboard(view: QTableView) -> None:
            view.setFocus(Qt.FocusReason.TabFocusReason)
            view.setCurrentIndex(model.index(2, 3))
            view.selectRow(2)

        same("a selected row, the keyboard in the table", select_with_keyboard)
        same("a void row selected", lambda view: (view.setFocus(Qt.FocusReason.TabFocusReason), view.selectRow(1)))
        same("the table without the keyboard", lambda view: view.clearFocus())

        def scroll(view: QTableView) -> None:
            view.verticalScrollBar().setValue(9)
            view.horizontalScrollBar().setValue(view.horizontalScrollBar().maximum())

        same("scrolled down and to the right", scroll)
        assert model.data(model.index(0, 2), Qt.ItemDataRole.DisplayRole)  # the roles are still answered for others
    finally:
        set_language("en")


def test_a_text_that_does_not_fit_is_drawn_by_the_style(qtbot, desk, returns):
    """A clerk's name wider than its column is elided the style's way (the one path that knows
    how), the same as in a plain table."""
    from returns_desk.ui.app import make_application
    from returns_desk.ui.returns_table_model import COL_CLERK, ReturnsTableModel
    from returns_desk.ui.returns_table_view import ReturnsTableView

    make_application()
    record(returns, 5)
    model = ReturnsTableModel(LogService(desk))
    view = ReturnsTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(1300, 300)
    view.show()
    qtbot.waitExposed(view)
    calls: list[tuple[int, int]] = []
    standard = view._paint_cell_standard

    def counted(painter, option, index, *rest):
        calls.append((index.row(), index.column()))
        standard(painter, option, index, *rest)

    view._paint_cell_standard = counted
    view.viewport().grab()
    long_name_rows = {r for r in range(model.rowCount()) if model.data(model.index(r, COL_CLERK)).startswith("Alexandra")}
    assert long_name_rows and {(r, COL_CLERK) for r in long_name_rows} <= set(calls)
    assert len(calls) <= len(long_name_rows) + 1  # and the current cell; every other cell the fast way
