"""The window on the screens counters have: everything of the counter page without scrolling at
1366x768 (less a title bar and a task bar), usable with scrolling at 1024x768, and a remembered
size from a bigger screen brought back inside the screen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QByteArray, QRect, Qt
from PySide6.QtTest import QTest

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, desk):
    from returns_desk.services.people_service import PeopleService
    from returns_desk.ui.app import make_application, ui_settings
    from returns_desk.ui.main_window import MainWindow

    make_application()
    people = PeopleService(desk)
    people.setup(store="Shop 1", counter="C1", market="CN", manager="Chen Jing", pin="482913")
    w = MainWindow(desk, "en", ui_settings(), people.authenticate("Chen Jing", "482913"))
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


def _fill(w, model: str, condition: int) -> None:
    page = w.counter
    QTest.keyClicks(page.model_edit, model)
    QTest.keyClick(page.model_edit, Qt.Key.Key_Return)
    page.condition_combo.setCurrentIndex(condition)


@pytest.mark.parametrize("model, condition", [("A1257", 1), ("PAC20-272", 0), ("A1257", 3), ("A1689", 2)])
def test_the_counter_fits_1366x768_without_scrolling(qtbot, window, model, condition):
    _fill(window, model, condition)
    window.resize(1366, 768 - 30 - 40)  # a title bar and a task bar
    qtbot.wait(50)
    assert not window.page_scroll.verticalScrollBar().isVisible() and not window.page_scroll.horizontalScrollBar().isVisible()
    page = window.counter
    for w in (page.save_button, page.slip_button, page.label_button, window.statusBar()):
        assert w.isVisible() and w.visibleRegion().boundingRect().height() == w.height(), w


def test_at_1024x768_the_page_scrolls_and_every_part_can_be_reached(qtbot, window):
    _fill(window, "A1257", 1)
    window.resize(1024, 768 - 30 - 40)
    qtbot.wait(50)
    bar = window.page_scroll.verticalScrollBar()
    bar.setValue(bar.maximum())
    qtbot.wait(20)
    page = window.counter
    assert page.save_button.visibleRegion().boundingRect().height() == page.save_button.height()


def test_a_remembered_size_bigger_than_the_screen_is_brought_inside(qtbot, window):
    area: QRect = window.screen().availableGeometry()
    window.setGeometry(area.x() + 200, area.y() + 200, area.width() + 900, area.height() + 700)
    saved: QByteArray = window.saveGeometry()
    window.resize(400, 300)
    window.restoreGeometry(saved)
    window.fit_to_screen()
    assert window.width() <= area.width() and window.height() <= area.height()
    assert area.contains(window.geometry().topLeft())
