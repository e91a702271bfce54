"""The counter window driven with real key events, as a clerk would, into a real database file."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from returns_desk.ui import messages

pytestmark = pytest.mark.gui


MANAGER_PIN = "482913"


@pytest.fixture
def people(desk):
    from returns_desk.domain.auth import Actor
    from returns_desk.services.people_service import PeopleService

    p = PeopleService(desk)
    p.setup(store="Shop 1", counter="C1", market="CN", manager="Chen Jing", pin=MANAGER_PIN)
    p.add_clerk(Actor("Chen Jing", "manager"), "Li Na", "clerk", "1357")
    return p


@pytest.fixture
def window(qtbot, desk, people, tmp_path):
    from returns_desk.ui.app import make_application, ui_settings
    from returns_desk.ui.main_window import MainWindow

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


def approve_with(monkeypatch, manager, pin, reason):
    """Fill the real approval dialog when it opens, and press OK (its own PIN check runs)."""
    from returns_desk.ui.people_dialogs import ApprovalDialog

    shown = []

    def fake_exec(self):
        shown.append(self)
        self.manager_combo.setCurrentText(manager)
        self.pin_edit.setText(pin)
        self.reason_edit.setText(reason)
        self.submit()
        return self.result()

    monkeypatch.setattr(ApprovalDialog, "exec", fake_exec)
    return shown


def type_text(qtbot, widget, text):
    """Type any text, Chinese and full-width included, as key events carrying the text
    (qtbot.keyClicks aborts on non-ASCII characters)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def focused():
    return QApplication.focusWidget()


def rows(db_path, sql="SELECT ticket, model, remedy, amount_minor, serial, batch_code, condition, isolation_confirmed_at FROM returns"):
    con = sqlite3.connect(db_path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def choose_condition(qtbot, page, condition):
    """From the condition box, with the keyboard: arrow down to the condition, Tab, Space ticks isolation."""
    assert focused() is page.condition_combo
    target = page.condition_combo.findData(condition)
    for _ in range(target):
        qtbot.keyClick(page.condition_combo, Qt.Key.Key_Down)
    assert page.condition_combo.currentData() == condition
    qtbot.keyClick(page.condition_combo, Qt.Key.Key_Tab)
    assert focused() is page.isolated_check
    qtbot.keyClick(page.isolated_check, Qt.Key.Key_Space)
    assert page.isolated_check.isChecked()
    qtbot.keyClick(page.isolated_check, Qt.Key.Key_Tab)
    assert focused() is page.remedy_combo


def finish_with_enter(qtbot, page):
    """From the amount field, Enter walks to Notes; Enter there saves."""
    for _ in range(10):
        if focused() is page.notes_edit:
            break
        qtbot.keyClick(focused(), Qt.Key.Key_Return)
    assert focused() is page.notes_edit
    qtbot.keyClick(page.notes_edit, Qt.Key.Key_Return)


def test_cursor_starts_in_the_model_field(window):
    assert focused() is window.counter.model_edit


def test_recalled_anker_return_with_the_keyboard_only(qtbot, window, db_path):
    page = window.counter
    with qtbot.waitSignal(page.return_recorded, timeout=5000) as saved:
        qtbot.keyClicks(page.model_edit, "a-1257")
        assert page.verdict_banner.text().startswith("RECALLED")
        qtbot.keyClick(page.model_edit, Qt.Key.Key_Return)
        assert focused() is page.serial_edit  # the field the rule still needs takes focus
        qtbot.keyClicks(page.serial_edit, "AKFF1Y0E48301745")
        qtbot.keyClick(page.serial_edit, Qt.Key.Key_Return)
        while focused() is not page.condition_combo:
            qtbot.keyClick(focused(), Qt.Key.Key_Tab)
        choose_condition(qtbot, page, "intact")
        assert page.remedy_combo.currentData() == "refund"
        qtbot.keyClick(page.remedy_combo, Qt.Key.Key_Tab)
        assert focused() is page.amount_edit
        qtbot.keyClicks(page.amount_edit, "149.00")
        finish_with_enter(qtbot, page)
    ticket = saved.args[0]
    assert rows(db_path)[0][:7] == (ticket, "A1257", "refund", 14900, "AKFF1Y0E48301745", None, "intact")
    assert rows(db_path)[0][7]  # isolation confirmed and recorded
    assert ticket in page.ticket_label.text()
    assert page.model_edit.text() == "" and focused() is page.model_edit  # ready for the next customer


def test_check_required_then_recalled_romoss_replacement(qtbot, window, db_path):
    page = window.counter
    type_text(qtbot, page.model_edit, "罗马仕 ＰＡＣ２０－２７２")
    assert page.verdict_banner.text().startswith("CHECK REQUIRED")
    assert not page.return_box.isVisible() and not page.save_button.isEnabled()
    qtbot.keyClick(page.model_edit, Qt.Key.Key_Return)
    assert focused() is page.batch_edit
    qtbot.keyClicks(page.batch_edit, "c14p7")
    assert page.verdict_banner.text().startswith("RECALLED")
    qtbot.keyClick(page.batch_edit, Qt.Key.Key_Return)
    while focused() is not page.condition_combo:
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    choose_condition(qtbot, page, "swollen")
    assert "DAMAGED BATTERY" in page.safety_card.text()
    qtbot.keyClick(page.remedy_combo, Qt.Key.Key_Down)  # replacement is the other remedy Romoss allows
    remedies = [page.remedy_combo.itemData(i) for i in range(page.remedy_combo.count())]
    assert set(remedies) == {"replacement", "refund"}
    page.remedy_combo.setCurrentIndex(remedies.index("replacement"))
    qtbot.keyClick(page.remedy_combo, Qt.Key.Key_Tab)
    qtbot.keyClick(page.notes_edit, Qt.Key.Key_Return)  # saved too early: the recall names no replacement model
    assert "replacement model" in page.error_label.text() and focused() is page.replacement_edit and not rows(db_path)
    page.scanner.clock = _ticks(start=1.0, step=0.4)  # typed by a person (a fast burst ending in Enter is a scan)
    qtbot.keyClicks(page.replacement_edit, "PAC20-272 new")
    with qtbot.waitSignal(page.return_recorded, timeout=5000):
        finish_with_enter(qtbot, page)
    assert rows(db_path, "SELECT replacement_model FROM returns") == [("PAC20-272 new",)]
    (row,) = rows(db_path)
    assert row[1:7] == ("PAC20-272", "replacement", 0, None, "C14-P7", "swollen")
    model_input = rows(db_path, "SELECT model_input FROM returns")[0][0]
    assert model_input == "罗马仕 ＰＡＣ２０－２７２"  # kept as typed


def test_date_window_recall_in_the_us(qtbot, window, desk, db_path):
    desk.update_settings({"market": "US", "time_zone": "America/New_York"}, actor="test")
    page = window.counter
    qtbot.keyClicks(page.model_edit, "A1263")
    assert page.verdict_banner.text().startswith("CHECK REQUIRED")
    qtbot.keyClick(page.model_edit, Qt.Key.Key_Return)
    assert focused() is page.made_edit
    qtbot.keyClicks(page.made_edit, "2017-05-01")
    assert page.verdict_banner.text().startswith("RECALLED")
    qtbot.keyClicks(page.serial_edit, "AO1234I5678")
    assert page.serial_fix_button.isVisible() and "A0123415678" in page.serial_fix_button.text()
    qtbot.keyClick(page.serial_edit, Qt.Key.Key_F4)
    assert page.serial_edit.text() == "A0123415678" and not page.serial_hint.isVisible()
    page.condition_combo.setFocus()
    choose_condition(qtbot, page, "intact")
    assert page.remedy_combo.currentData() == "replacement"
    assert page.replacement_edit.text() == "A1388"
    qtbot.keyClick(page.remedy_combo, Qt.Key.Key_Tab)
    with qtbot.waitSignal(page.return_recorded, timeout=5000):
        finish_with_enter(qtbot, page)
    assert rows(db_path, "SELECT model, serial, replacement_model, currency FROM returns") == [("A1263", "A0123415678", "A1388", "USD")]


@pytest.mark.parametrize(
    "typed, banner",
    [("A1263", "NOT RECALLED"), ("hello", "UNKNOWN"), ("A9999", "NOT RECALLED")],
)
def test_no_return_for_units_without_a_recall_here(qtbot, window, db_path, typed, banner):
    page = window.counter
    qtbot.keyClicks(page.model_edit, typed)
    assert page.verdict_banner.text().startswith(banner)
    assert not page.save_button.isEnabled() and not page.return_box.isVisible()
    qtbot.keyClick(page.model_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "Only a recalled unit" in page.error_label.text()
    assert page.model_edit.text() == typed  # nothing typed is lost
    assert rows(db_path) == []


def test_not_affected_batch(qtbot, window):
    page = window.counter
    qtbot.keyClicks(page.model_edit, "PAC20-272")
    qtbot.keyClicks(page.batch_edit, "C14-P5")
    assert page.verdict_banner.text().startswith("NOT AFFECTED")
    assert not page.save_button.isEnabled()


def test_a_batch_code_typed_key_by_key_is_never_not_affected_half_way(qtbot, window, db_path):
    """C, C1, C14, C14-, C14-P are each the start of listed batches: the banner asks for the whole
    code instead of saying NOT AFFECTED, and Enter does not save; C14-P6 is recalled."""
    page = window.counter
    qtbot.keyClicks(page.model_edit, "PAC20-272")
    qtbot.keyClick(page.model_edit, Qt.Key.Key_Return)
    assert focused() is page.batch_edit
    for ch in "C14-P":
        qtbot.keyClick(page.batch_edit, ch)
        assert page.verdict_banner.text().startswith("CHECK REQUIRED"), page.batch_edit.text()
        assert "only the start of a batch code" in page.verdict_banner.text() + page.reason_label.text()
    qtbot.keyClick(page.batch_edit, Qt.Key.Key_Return)
    assert rows(db_path) == []
    qtbot.keyClick(page.batch_edit, "6")
    assert page.verdict_banner.text().startswith("RECALLED")


def test_did_you_mean_with_the_keyboard(qtbot, window):
    page = window.counter
    qtbot.keyClicks(page.model_edit, "A1275")
    assert page.suggest_list.isVisible()
    qtbot.keyClick(page.model_edit, Qt.Key.Key_Down)
    assert focused() is page.suggest_list
    items = [page.suggest_list.item(i).text() for i in range(page.suggest_list.count())]
    assert "A1257" in items
    page.suggest_list.setCurrentRow(items.index("A1257"))
    qtbot.keyClick(page.suggest_list, Qt.Key.Key_Return)
    assert page.model_edit.text() == "A1257" and page.verdict_banner.text().startswith("RECALLED")


def test_hot_unit_stops_the_return(qtbot, window, db_path):
    page = window.counter
    qtbot.keyClicks(page.model_edit, "A1257")
    qtbot.keyClicks(page.serial_edit, "AKFF1Y0E48301745")
    page.condition_combo.setCurrentIndex(page.condition_combo.findData("hot"))
    assert "STOP" in page.safety_card.text() and "fire procedure" in page.safety_card.text()
    assert not page.save_button.isEnabled() and not page.amount_edit.isEnabled()
    page.save()
    assert "hot or smoking" in page.error_label.text()
    assert rows(db_path) == []


def test_save_refuses_without_condition_or_isolation(qtbot, window, db_path):
    page = window.counter
    qtbot.keyClicks(page.model_edit, "A1257")
    qtbot.keyClicks(page.serial_edit, "AKFF1Y0E48301745")
    qtbot.keyClicks(page.amount_edit, "149")
    page.save()
    assert "condition" in page.error_label.text() and focused() is page.condition_combo
    page.condition_combo.setCurrentIndex(page.condition_combo.findData("intact"))
    page.save()
    assert "isolated" in page.error_label.text()
    assert page.serial_edit.text() == "AKFF1Y0E48301745" and page.amount_edit.text() == "149"
    assert rows(db_path) == []


def fill_recalled(qtbot, page, serial="AKFF1Y0E48301745", amount="149"):
    qtbot.keyClicks(page.model_edit, "A1257")
    qtbot.keyClicks(page.serial_edit, serial)
    page.condition_combo.setCurrentIndex(page.condition_combo.findData("intact"))
    page.isolated_check.setChecked(True)
    page.amount_edit.clear()
    qtbot.keyClicks(page.amount_edit, amount)


@pytest.mark.parametrize("amount, shown", [("-5", "negative"), ("abc", "not a number"), ("1.234", "decimal places"), ("１４９．００'; DROP TABLE returns;--", "not a number")])
def test_bad_amounts_keep_the_form(qtbot, window, db_path, amount, shown):
    page = window.counter
    fill_recalled(qtbot, page)
    page.amount_edit.setText(amount)
    page.save()
    assert shown in page.error_label.text() and focused() is page.amount_edit
    assert page.amount_edit.text() == amount and page.serial_edit.text() == "AKFF1Y0E48301745"
    assert rows(db_path) == []


def test_full_width_amount_is_accepted(qtbot, window, db_path):
    page = window.counter
    fill_recalled(qtbot, page)
    page.amount_edit.clear()
    type_text(qtbot, page.amount_edit, "１４９．５０")
    with qtbot.waitSignal(page.return_recorded, timeout=5000):
        page.save()
    assert rows(db_path)[0][3] == 14950


def test_duplicate_serial_is_refused_without_an_override(qtbot, window, db_path, monkeypatch):
    from returns_desk.ui.people_dialogs import ApprovalDialog

    page = window.counter
    fill_recalled(qtbot, page)
    with qtbot.waitSignal(page.return_recorded, timeout=5000) as first:
        page.save()
    fill_recalled(qtbot, page)
    assert first.args[0] in page.serial_hint.text()  # warned before saving
    monkeypatch.setattr(ApprovalDialog, "exec", lambda self: 0)  # no manager approves
    page.save()
    assert "already returned" in page.error_label.text() and len(rows(db_path)) == 1
    assert page.serial_edit.text() == "AKFF1Y0E48301745"
    shown = approve_with(monkeypatch, "Chen Jing", "0000", "two units")  # a wrong PIN approves nothing
    page.save()
    assert "not recognised" in shown[0].error.text() and len(rows(db_path)) == 1
    approve_with(monkeypatch, "Chen Jing", MANAGER_PIN, "customer brought two units with one label")
    with qtbot.waitSignal(page.return_recorded, timeout=5000):
        page.save()
    dup = rows(db_path, "SELECT duplicate_of, override_reason, override_by, clerk FROM returns ORDER BY id")[1]
    assert dup == (first.args[0], "customer brought two units with one label", "Chen Jing", "Li Na")


def test_amount_above_the_bound_needs_a_manager_pin(qtbot, window, db_path, monkeypatch):
    page = window.counter
    fill_recalled(qtbot, page, amount="300")
    shown = approve_with(monkeypatch, "Chen Jing", MANAGER_PIN, "bundle price on receipt")
    with qtbot.waitSignal(page.return_recorded, timeout=5000):
        page.save()
    assert "229.00" in shown[0].intro.text()  # the manager sees why approval is needed
    assert rows(db_path, "SELECT amount_minor, override_reason, override_by FROM returns") == [(30000, "bundle price on receipt", "Chen Jing")]


def test_a_signed_in_manager_overrides_with_a_reason_only(qtbot, window, people, db_path, monkeypatch):
    window.signed_in(people.authenticate("Chen Jing", MANAGER_PIN))
    page = window.counter
    fill_recalled(qtbot, page, amount="300")
    monkeypatch.setattr(messages, "ask_text", lambda *a, **k: "price on receipt")
    with qtbot.waitSignal(page.return_recorded, timeout=5000):
        page.save()
    assert rows(db_path, "SELECT clerk, override_by FROM returns") == [("Chen Jing", "Chen Jing")]


def test_lock_hides_the_counter_until_someone_signs_in(qtbot, window, people, monkeypatch):
    from returns_desk.ui.people_dialogs import SignInDialog

    qtbot.keyClicks(window.counter.model_edit, "A1257")
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.locked and not window.tabs.isVisible()
    monkeypatch.setattr(SignInDialog, "ask", classmethod(lambda cls, *a, **k: None))
    window.unlock()
    assert window.locked
    monkeypatch.setattr(SignInDialog, "ask", classmethod(lambda cls, *a, **k: people.authenticate("Chen Jing", MANAGER_PIN)))
    window.unlock()
    assert not window.locked and window.actor.name == "Chen Jing" and "Chen Jing" in window.status_label.text()


def test_auto_lock_after_idle_time(qtbot, window, desk):
    desk.update_settings({"auto_lock_minutes": "1"}, actor="test")
    window._apply_auto_lock()
    window.idle_timer.setInterval(50)  # a minute is long for a test; the mechanism is the same
    window.idle_timer.start()
    qtbot.waitUntil(lambda: window.locked, timeout=3000)


def test_a_scan_burst_in_another_field_lands_in_the_model_field(qtbot, window):
    page = window.counter
    qtbot.keyClicks(page.model_edit, "A1257")
    page.receipt_edit.setFocus()
    page.scanner.clock = _ticks(start=1.0, step=0.4)  # the clerk types at human speed
    qtbot.keyClicks(page.receipt_edit, "R-1")
    page.scanner.clock = _ticks(start=5.0, step=0.008)  # then the scanner's burst
    qtbot.keyClicks(page.receipt_edit, "PAC20-272")
    qtbot.keyClick(page.receipt_edit, Qt.Key.Key_Return)
    assert page.model_edit.text() == "PAC20-272"
    assert page.receipt_edit.text() == "R-1"  # the burst was taken back out of the receipt field
    assert focused() is page.batch_edit  # and the rule's next need has the focus


def test_a_scan_burst_with_shift_for_capitals_is_still_one_burst(qtbot, window):
    """A keyboard-wedge scanner presses Shift before each capital letter, as a keyboard would:
    the Shift key presses (no text) must not break the burst."""
    page = window.counter
    qtbot.keyClicks(page.model_edit, "A1257")
    page.receipt_edit.setFocus()
    page.scanner.clock = _ticks(start=5.0, step=0.004)
    for ch in "PAC20-272":
        if ch.isupper():
            qtbot.keyPress(page.receipt_edit, Qt.Key.Key_Shift, Qt.KeyboardModifier.ShiftModifier)
            qtbot.keyClick(page.receipt_edit, ch, Qt.KeyboardModifier.ShiftModifier)
            qtbot.keyRelease(page.receipt_edit, Qt.Key.Key_Shift)
        else:
            qtbot.keyClick(page.receipt_edit, ch)
    qtbot.keyClick(page.receipt_edit, Qt.Key.Key_Return)
    assert page.model_edit.text() == "PAC20-272" and page.receipt_edit.text() == ""


def test_scanner_prefix_and_suffix_are_stripped(qtbot, window, desk):
    desk.update_settings({"scanner_prefix": "]C0", "scanner_suffix": "#"}, actor="test")
    page = window.counter
    page.notes_edit.setFocus()
    page.scanner.clock = _ticks(start=1.0, step=0.005)
    qtbot.keyClicks(page.model_edit, "]C0A1257#")
    qtbot.keyClick(page.model_edit, Qt.Key.Key_Return)
    assert page.model_edit.text() == "A1257"


def test_slow_typing_and_serial_scans_stay_where_they_are(qtbot, window):
    page = window.counter
    qtbot.keyClicks(page.model_edit, "A1257")
    page.receipt_edit.setFocus()
    page.scanner.clock = _ticks(start=1.0, step=0.3)  # a person typing
    qtbot.keyClicks(page.receipt_edit, "A1647")
    qtbot.keyClick(page.receipt_edit, Qt.Key.Key_Return)
    assert page.receipt_edit.text() == "A1647" and page.model_edit.text() == "A1257"
    page.serial_edit.setFocus()
    page.scanner.clock = _ticks(start=9.0, step=0.005)  # a serial barcode scanned into the serial field
    qtbot.keyClicks(page.serial_edit, "AKFF1Y0E48301745")
    qtbot.keyClick(page.serial_edit, Qt.Key.Key_Return)
    assert page.serial_edit.text() == "AKFF1Y0E48301745" and page.model_edit.text() == "A1257"


def test_notes_field_is_never_taken_by_the_scanner(qtbot, window):
    page = window.counter
    fill_recalled(qtbot, page)
    page.notes_edit.setFocus()
    page.scanner.clock = _ticks(start=1.0, step=0.005)
    qtbot.keyClicks(page.notes_edit, "A1647")
    assert page.notes_edit.text() == "A1647" and page.model_edit.text() == "A1257"


def _ticks(start, step):
    state = {"t": start}

    def tick():
        state["t"] += step
        return state["t"]

    return tick


def test_chinese_window_shows_chinese_verdicts(qtbot, desk, people):
    from returns_desk.ui.app import make_application, ui_settings
    from returns_desk.ui.main_window import MainWindow

    make_application()
    w = MainWindow(desk, "zh_CN", ui_settings(), people.authenticate("Li Na", "1357"))
    qtbot.addWidget(w)
    try:
        type_text(qtbot, w.counter.model_edit, "安克Ａ１２５７")
        assert w.counter.verdict_banner.text().startswith("召回")
        assert "安克" in w.counter.reason_label.text()
    finally:
        w.close()


def test_keyboard_help_lists_the_shortcuts(window):
    text = window.keyboard_help_text()
    for key in ("F2", "F3", "Ctrl+S", "F4", "Ctrl+N"):
        assert key in text


def test_tabs_switch_with_f2_and_f3(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F3)
    assert window.tabs.currentWidget() is window.log_page
    qtbot.keyClick(window, Qt.Key.Key_F2)
    assert window.tabs.currentWidget() is window.counter and focused() is window.counter.model_edit


def test_restore_from_backup_in_the_window(qtbot, window, desk, db_path, monkeypatch):
    from returns_desk.services import backup_service

    copy = backup_service.backup(desk)
    fill_recalled(qtbot, window.counter)
    window.counter.save()
    monkeypatch.setattr(messages, "ask_open_path", lambda *a: str(copy))
    approve_with(monkeypatch, "Chen Jing", MANAGER_PIN, "")
    infos = []
    monkeypatch.setattr(messages, "info", lambda parent, title, text: infos.append(text))
    window.restore_from_backup()
    assert window.restored and "kept as" in infos[0]
    assert rows(db_path) == []  # the backup was taken before the return


def test_integrity_problem_is_reported(qtbot, window, monkeypatch):
    errors = []
    monkeypatch.setattr(messages, "error", lambda parent, title, text: errors.append(text))
    window.on_integrity_checked("")
    assert errors == []
    window.on_integrity_checked("*** in database main *** Page 7: btreeInitPage() returns error code 11")
    assert "Page 7" in errors[0] and "restore" in errors[0]


def test_start_up_checks_make_the_days_backup_in_the_background(qtbot, window, desk, db_path, monkeypatch):
    from returns_desk.ui.app import start_integrity_check

    checked = []
    monkeypatch.setattr(window, "on_integrity_checked", lambda problem: checked.append(problem))
    thread = start_integrity_check(window)
    qtbot.waitUntil(lambda: not thread.is_alive(), timeout=20000)
    assert list((db_path.parent / "backups").glob("returns-desk-*.db"))
    qtbot.waitUntil(lambda: checked == [""], timeout=5000)


def test_a_read_only_database_shows_a_banner_and_saving_is_off(qtbot, desk, people):
    from returns_desk.ui.app import make_application, ui_settings
    from returns_desk.ui.main_window import MainWindow

    make_application()
    clerk = people.authenticate("Li Na", "1357")
    desk.conn.readonly = True  # as Connection sets it for a file or folder it cannot write
    w = MainWindow(desk, "en", ui_settings(), clerk)
    qtbot.addWidget(w)
    page = w.counter
    assert page.readonly_banner.isVisibleTo(w) and "READ-ONLY" in page.readonly_banner.text()
    page.model_edit.setText("A1257")
    assert page.verdict_banner.text().startswith("RECALLED")  # look-ups still work
    page.condition_combo.setCurrentIndex(page.condition_combo.findData("intact"))
    assert not page.save_button.isEnabled()
    w.close()
