"""The counter window shows what issue 12 adds without a window change of its own: the reason line
carries the candidates of a product name or capacity, and the warning of a serial outside a rule
that is not high confidence; the return is then saved with the warning recorded. Real widgets,
real key events, a real database file."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

MANAGER_PIN = "2468"


@pytest.fixture
def window(qtbot, desk):
    from returns_desk.domain.auth import Actor
    from returns_desk.services.people_service import PeopleService
    from returns_desk.ui.app import make_application, ui_settings
    from returns_desk.ui.main_window import MainWindow

    people = PeopleService(desk)
    people.setup(store="Shop 1", counter="C1", market="CN", manager="Chen Jing", pin=MANAGER_PIN)
    people.add_clerk(Actor("Chen Jing", "manager"), "Li Na", "clerk", "1357")
    make_application()
    w = MainWindow(desk, "en", ui_settings(), people.authenticate("Li Na", "1357"))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.counter.model_edit.setFocus()
    yield w
    w.close()


def type_text(widget, text: str) -> None:
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def focused():
    return QApplication.focusWidget()


@pytest.mark.parametrize("typed", ["罗马仕 2万毫安", "Romoss 20000mAh"])
def test_a_capacity_shows_unknown_and_the_candidates(qtbot, window, typed):
    page = window.counter
    type_text(page.model_edit, typed)
    assert page.verdict_banner.text().startswith("UNKNOWN")
    reason = page.reason_label.text()
    assert "not the model number" in reason and "product label" in reason
    for model in ("PAC20-272", "PAC20-392", "PLT20A-152"):
        assert model in reason


def test_a_serial_outside_an_inferred_rule_warns_and_the_return_is_saved_with_it(qtbot, window, db_path):
    page = window.counter
    with qtbot.waitSignal(page.return_recorded, timeout=5000) as saved:
        qtbot.keyClicks(page.model_edit, "A1257")
        qtbot.keyClick(page.model_edit, Qt.Key.Key_Return)
        assert focused() is page.serial_edit
        qtbot.keyClicks(page.serial_edit, "AKFF1Y0E4830174")  # 15 characters
        assert "Check the serial on the unit" in page.reason_label.text()
        assert not page.serial_hint.isVisible()  # a warning, not an error
        qtbot.keyClick(page.serial_edit, Qt.Key.Key_Return)
        while focused() is not page.condition_combo:
            qtbot.keyClick(focused(), Qt.Key.Key_Tab)
        target = page.condition_combo.findData("intact")
        for _ in range(target):
            qtbot.keyClick(page.condition_combo, Qt.Key.Key_Down)
        qtbot.keyClick(page.condition_combo, Qt.Key.Key_Tab)
        qtbot.keyClick(page.isolated_check, Qt.Key.Key_Space)
        qtbot.keyClick(page.isolated_check, Qt.Key.Key_Tab)
        qtbot.keyClick(page.remedy_combo, Qt.Key.Key_Tab)
        qtbot.keyClicks(page.amount_edit, "149.00")
        for _ in range(10):
            if focused() is page.notes_edit:
                break
            qtbot.keyClick(focused(), Qt.Key.Key_Return)
        qtbot.keyClick(page.notes_edit, Qt.Key.Key_Return)
    with sqlite3.connect(db_path) as raw:
        serial, warning = raw.execute("SELECT serial, check_warning FROM returns WHERE ticket = ?", (saved.args[0],)).fetchone()
    assert serial == "AKFF1Y0E4830174" and "16" in warning
