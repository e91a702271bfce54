"""Issue 17, as clerks and managers really use the window: the whole MainWindow, driven by key
events, into a real database file (the log, reprints, print preview, first run, sign-in, the
entry's history)."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

pytestmark = pytest.mark.gui

MANAGER_PIN = "482913"
CLERK_PIN = "1357"


@pytest.fixture
def people(desk):
    from returns_desk.domain.auth import Actor
    from returns_desk.services.people_service import PeopleService

    p = PeopleService(desk)
    p.setup(store="Shop 1", counter="C1", market="CN", manager="Chen Jing", pin=MANAGER_PIN)
    p.add_clerk(Actor("Chen Jing", "manager"), "Li Na", "clerk", CLERK_PIN)
    return p


def open_window(qtbot, desk, people, lang="en", who=("Li Na", CLERK_PIN)):
    from returns_desk.ui.app import make_application, ui_settings
    from returns_desk.ui.i18n import set_language
    from returns_desk.ui.main_window import MainWindow

    make_application()
    set_language(lang)
    w = MainWindow(desk, lang, ui_settings(), people.authenticate(*who))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.counter.model_edit.setFocus()
    return w


@pytest.fixture
def window(qtbot, desk, people):
    w = open_window(qtbot, desk, people)
    yield w
    w.close()


@pytest.fixture
def english_after():
    """A test that switches the window to Chinese leaves English behind for the next one."""
    yield
    from returns_desk.ui.i18n import set_language

    set_language("en")


def focused():
    return QApplication.focusWidget()


def type_text(widget, text):
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def save_return(qtbot, window, serial, amount="149"):
    """One recalled Anker return typed into the counter and saved with Ctrl+S; its ticket."""
    page = window.counter
    window.show_counter()
    qtbot.keyClicks(page.model_edit, "A1257")
    qtbot.keyClicks(page.serial_edit, serial)
    page.condition_combo.setCurrentIndex(page.condition_combo.findData("intact"))
    page.isolated_check.setChecked(True)
    page.amount_edit.clear()
    qtbot.keyClicks(page.amount_edit, amount)
    with qtbot.waitSignal(page.return_recorded, timeout=5000) as saved:
        qtbot.keyClick(page.amount_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    return saved.args[0]


def log_tickets(page):
    return [page.model.data(page.model.index(r, 1)) for r in range(page.model.rowCount())]


# --- 4. the log is current every time it is shown -------------------------------------------


def test_returns_saved_before_the_first_f3_are_in_the_log(qtbot, window):
    first = save_return(qtbot, window, "AKFF1Y0E48301745")
    second = save_return(qtbot, window, "AKFF1Y0E48301746")
    qtbot.keyClick(focused(), Qt.Key.Key_F3)
    page = window.log_page
    assert window.tabs.currentWidget() is page
    assert log_tickets(page) == [second, first]
    assert "2 returns" in page.count_label.text()


def test_the_log_is_current_every_time_it_is_shown(qtbot, window, desk):
    from returns_desk.domain.returns import ReturnDraft
    from returns_desk.services.returns_service import ReturnsService

    qtbot.keyClick(focused(), Qt.Key.Key_F3)
    assert log_tickets(window.log_page) == []
    qtbot.keyClick(focused(), Qt.Key.Key_F2)
    first = save_return(qtbot, window, "AKFF1Y0E48301745")
    # a return recorded by another caller (the command line) on the same file
    other = ReturnsService(desk).record(ReturnDraft(model_input="A1257", remedy="refund", amount="149",
                                                    serial="AKFF1Y0E48301747", clerk="Wang", condition="intact",
                                                    isolation_confirmed=True))["ticket"]
    qtbot.keyClick(focused(), Qt.Key.Key_F3)
    assert log_tickets(window.log_page) == [other, first]


# --- 11. the log by keyboard --------------------------------------------------------------


def test_f3_makes_the_newest_row_current_and_enter_opens_it(qtbot, window, monkeypatch):
    from returns_desk.ui.entry_dialog import EntryDialog

    save_return(qtbot, window, "AKFF1Y0E48301745")
    newest = save_return(qtbot, window, "AKFF1Y0E48301746")
    qtbot.keyClick(focused(), Qt.Key.Key_F3)
    page = window.log_page
    assert focused() is page.table
    assert page.table.currentIndex().row() == 0 and page.current_ticket() == newest
    assert [i.row() for i in page.table.selectionModel().selectedRows()] == [0]  # shown highlighted
    opened = []
    monkeypatch.setattr(EntryDialog, "exec", lambda self: opened.append(self.ticket) or 0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened == [newest]
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    assert page.table.currentIndex().row() == 1
    # shown again (F2, F3): the newest row again, even after moving down
    qtbot.keyClick(focused(), Qt.Key.Key_F2)
    qtbot.keyClick(focused(), Qt.Key.Key_F3)
    assert page.table.currentIndex().row() == 0


def test_tab_leaves_the_table_for_the_filters_which_have_labels(qtbot, window):
    from PySide6.QtWidgets import QLabel

    save_return(qtbot, window, "AKFF1Y0E48301745")
    qtbot.keyClick(focused(), Qt.Key.Key_F3)
    page = window.log_page
    qtbot.keyClick(page.table, Qt.Key.Key_Tab)
    assert focused() is page.from_edit  # out of the table, to the first filter
    qtbot.keyClick(focused(), Qt.Key.Key_Backtab)
    assert focused() is page.table
    filters = [page.from_edit, page.to_edit, page.clerk_edit, page.model_edit, page.remedy_combo, page.status_combo, page.search_edit]
    labels = {label.buddy(): label for label in page.findChildren(QLabel) if label.buddy() is not None}
    for w in filters:
        assert w in labels and labels[w].isVisible() and "&" in labels[w].text()  # a visible label with a mnemonic
    # each filter is reached by its Alt key, and the table is reached again by Tab
    qtbot.keyClick(page.table, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    assert focused() is page.clerk_edit
    qtbot.keyClicks(page.clerk_edit, "Nobody")
    qtbot.keyClick(page.clerk_edit, Qt.Key.Key_Return)
    assert page.model.rowCount() == 0
    qtbot.keyClick(page.table, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    assert focused() is page.model_edit
    mnemonics = [labels[w].text().split("&")[1][0].lower() for w in filters]
    assert len(set(mnemonics)) == len(mnemonics)


# --- 14. the entry's history in the clerk's language --------------------------------------


def open_entry_from_log(qtbot, window, monkeypatch):
    """F3, Enter on the newest row: the entry dialog as it opens (its exec() does not block here)."""
    from returns_desk.ui.entry_dialog import EntryDialog

    opened = []
    monkeypatch.setattr(EntryDialog, "exec", lambda self: opened.append(self) or 0)
    qtbot.keyClick(focused(), Qt.Key.Key_F3)
    qtbot.keyClick(window.log_page.table, Qt.Key.Key_Return)
    assert len(opened) == 1
    return opened[0]


def history_rows(dialog):
    return [[dialog.history.item(r, c).text() for c in range(dialog.history.columnCount())] for r in range(dialog.history.rowCount())]


@pytest.mark.parametrize("lang, expected", [
    ("en", ["Return recorded: refund, 300.00 CNY. Override (amount above the bound) approved by Chen Jing: price on receipt.",
            "Manufacturer's answer recorded: confirmed. Note: Anker case 778.",
            "Return voided. Reason: keyed twice."]),
    ("zh_CN", ["登记退货：退款，¥300.00。Chen Jing 批准例外（金额超出上限）：price on receipt。",
               "已登记厂家答复：已确认。备注：Anker case 778。",
               "退货已作废。原因：keyed twice。"]),
])
def test_the_entry_history_reads_as_sentences(qtbot, desk, people, monkeypatch, english_after, lang, expected):
    from returns_desk.ui import messages

    window = open_window(qtbot, desk, people, lang, who=("Chen Jing", MANAGER_PIN))
    try:
        answers = iter(["price on receipt", "Anker case 778", "keyed twice"])
        monkeypatch.setattr(messages, "ask_text", lambda *a, **k: next(answers))
        save_return(qtbot, window, "AKFF1Y0E48301745", amount="300")  # above the bound: the manager gives a reason
        dialog = open_entry_from_log(qtbot, window, monkeypatch)
        qtbot.addWidget(dialog)
        dialog.confirm_button.click()
        dialog.void_button.click()
        rows = history_rows(dialog)
        assert [r[2] for r in rows] == expected
        assert all(r[1] == "Chen Jing" for r in rows)
        shown = " ".join(" ".join(r) for r in rows)
        for raw in ("return_recorded", "amount_minor", "sha256", "{", "CNY" if lang == "zh_CN" else "¥"):
            assert raw not in shown
    finally:
        window.close()


# --- 8, 9. first start, sign-in and the lock screen by keyboard ---------------------------


class ModalDriver:
    """Acts on the application's modal dialogs as they open (their exec() runs for real):
    ``steps`` is a list of (dialog class, what a person does in it). Failures inside a step are
    kept and raised by :meth:`check` (an exception in an event loop would be lost)."""

    def __init__(self, steps, timeout=20.0):
        import time

        self.steps = list(steps)
        self.errors = []
        self.deadline = time.monotonic() + timeout
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._poll)
        self.timer.start()

    def _poll(self):
        import time

        dialog = QApplication.activeModalWidget()
        if dialog is not None and time.monotonic() > self.deadline:  # never hang the suite
            self.errors.append(AssertionError(f"{type(dialog).__name__} still open"))
            dialog.reject()
            return
        if not self.steps or dialog is None or not isinstance(dialog, self.steps[0][0]) or not dialog.isVisible():
            return
        if QApplication.activeWindow() is not dialog:
            dialog.activateWindow()  # what the window manager does (Xvfb here has none)
            return
        _, act = self.steps.pop(0)
        # run apart from this timer: a step that opens another dialog blocks in its exec()
        QTimer.singleShot(0, lambda: self._run(act, dialog))

    def _run(self, act, dialog):
        try:
            act(dialog)
        except Exception as exc:  # noqa: BLE001 - reported by check()
            self.errors.append(exc)
            dialog.reject()

    def check(self):
        self.timer.stop()
        if self.errors:
            raise self.errors[0]
        assert not self.steps, f"dialogs never shown: {[c.__name__ for c, _ in self.steps]}"


def key(widget, k, modifier=Qt.KeyboardModifier.NoModifier):
    from PySide6.QtTest import QTest

    QTest.keyClick(widget, k, modifier)


def typed(text):
    from PySide6.QtTest import QTest

    QTest.keyClicks(focused(), text)


def test_first_start_by_keyboard_only(qtbot, db_path, monkeypatch):
    """A fresh database: the first-run dialog, then sign-in, then the window, all by keys."""
    from returns_desk.ui import app as app_module
    from returns_desk.ui.people_dialogs import FirstRunDialog, SignInDialog

    def first_run(d):
        assert focused() is d.store_edit  # typing works at once; Space does not press OK
        typed("Wangfujing")
        assert d.store_edit.text() == "Wangfujing"
        for _ in range(6):
            if focused() is d.manager_edit:
                break
            key(focused(), Qt.Key.Key_Tab)
        assert focused() is d.manager_edit
        typed("Chen Jing")
        key(focused(), Qt.Key.Key_Tab)
        typed("12")
        key(focused(), Qt.Key.Key_Tab)
        typed("12")
        key(focused(), Qt.Key.Key_Return)
        assert "4 to 12 digits" in d.error.text() and focused() is d.pin_edit  # the field at fault
        key(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        typed("2580")
        assert d.error.text() == ""  # the field was fixed: its message goes
        key(focused(), Qt.Key.Key_Tab)
        assert focused() is d.pin2_edit
        key(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        typed("2581")
        key(focused(), Qt.Key.Key_Return)
        assert "differ" in d.error.text()
        assert focused() is d.pin2_edit and d.pin2_edit.text() == ""  # typed again from the start
        typed("2580")
        assert d.error.text() == ""
        key(focused(), Qt.Key.Key_Return)

    def sign_in(d):
        assert d.name_combo.currentText() == "Chen Jing"  # the manager who just set up
        assert focused() is d.pin_edit
        typed("2580")
        key(focused(), Qt.Key.Key_Return)

    seen = []

    def fake_exec(*_args):
        window = next(w for w in QApplication.topLevelWidgets() if w.__class__.__name__ == "MainWindow" and w.isVisible())
        seen.append((window.actor.name, window.desk.settings["store_name"]))
        window.close()
        return 0

    monkeypatch.setattr(app_module, "start_integrity_check", lambda window: None)
    monkeypatch.setattr(QApplication, "exec", fake_exec)
    driver = ModalDriver([(FirstRunDialog, first_run), (SignInDialog, sign_in)])
    assert app_module.run_window(str(db_path), "en") == 0
    driver.check()
    assert seen == [("Chen Jing", "Wangfujing")]


def test_enter_on_the_lock_screen_signs_in(qtbot, window):
    from returns_desk.ui.people_dialogs import SignInDialog

    qtbot.keyClick(focused(), Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.locked and focused() is window.unlock_button

    def sign_in(d):
        assert d.name_combo.currentText() == "Li Na" and focused() is d.pin_edit
        typed(CLERK_PIN)
        key(focused(), Qt.Key.Key_Return)

    driver = ModalDriver([(SignInDialog, sign_in)])
    key(window.unlock_button, Qt.Key.Key_Return)
    driver.check()
    assert not window.locked and window.actor.name == "Li Na" and window.focusWidget() is window.counter.model_edit
    window.activateWindow()  # back from the dialog (what a window manager does)
    qtbot.waitUntil(lambda: focused() is window.counter.model_edit)
    qtbot.keyClick(focused(), Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    driver = ModalDriver([(SignInDialog, sign_in)])
    key(window.unlock_button, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)  # the keypad's Enter too
    driver.check()
    assert not window.locked


# --- 7. print preview: large enough for its Print button, and Ctrl+P / Enter prints ----------


def pdf_text(path):
    import subprocess

    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def print_from_preview(tmp_path, name, press):
    """What a person does in the print preview: sees the Print button, presses ``press`` to
    print, and presses Enter in the print dialog (the printer is "Print to file (PDF)" here: the
    preview's printer is pointed at a file, as that choice does). Returns the driver steps and
    the PDF's path."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrintPreviewDialog
    from PySide6.QtWidgets import QToolBar

    from returns_desk.reports.printing import print_action

    out = tmp_path / name

    def preview(d):
        bar = d.findChild(QToolBar)
        printing = print_action(d)
        assert printing.text() in ("Print", "打印") and bar.widgetForAction(printing).isVisible()  # not behind the overflow
        assert d.width() >= bar.sizeHint().width() and d.height() >= 500
        d._returns_desk_printer.setOutputFileName(str(out))
        key(focused(), *press)

    def print_dialog(d):
        key(focused(), Qt.Key.Key_Return)

    return [(QPrintPreviewDialog, preview), (QPrintDialog, print_dialog)], out


@pytest.mark.parametrize("press", [(Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier), (Qt.Key.Key_Return,)], ids=["ctrl-p", "enter"])
def test_the_slip_preview_shows_print_and_prints_by_keyboard(qtbot, window, tmp_path, press):
    ticket = save_return(qtbot, window, "AKFF1Y0E48301745")
    steps, out = print_from_preview(tmp_path, "slip.pdf", press)
    driver = ModalDriver(steps)
    qtbot.keyClick(focused(), Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)  # the counter's Ctrl+P: the slip
    driver.check()
    assert ticket in pdf_text(out)


# --- 6. reprint from the log: slip and bag label, marked, audited -------------------------


def test_reprint_the_slip_and_the_bag_label_from_the_log(qtbot, window, desk, tmp_path):
    from returns_desk.ui.entry_dialog import EntryDialog

    ticket = save_return(qtbot, window, "AKFF1Y0E48301745")
    save_return(qtbot, window, "AKFF1Y0E48301746")  # the last return is another one: Ctrl+P would print that
    slip_steps, slip_pdf = print_from_preview(tmp_path, "slip-again.pdf", (Qt.Key.Key_Return,))
    label_steps, label_pdf = print_from_preview(tmp_path, "label-again.pdf", (Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier))
    history = []

    def reprint_slip(d):
        assert d.ticket == ticket
        key(focused(), Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)

    def reprint_label(d):
        key(focused(), Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)

    def look_and_close(d):
        history.extend(d.history.item(r, 2).text() for r in range(d.history.rowCount()))
        key(focused(), Qt.Key.Key_Escape)

    driver = ModalDriver([(EntryDialog, reprint_slip), *slip_steps, (EntryDialog, reprint_label), *label_steps, (EntryDialog, look_and_close)])
    qtbot.keyClick(focused(), Qt.Key.Key_F3)
    qtbot.keyClick(window.log_page.table, Qt.Key.Key_Down)  # the older return
    qtbot.keyClick(window.log_page.table, Qt.Key.Key_Return)
    driver.check()
    slip, label = pdf_text(slip_pdf), pdf_text(label_pdf)
    assert "REPRINT" in slip and ticket in slip and "Li Na" in slip and "149.00" in slip
    assert "REPRINT" in label and ticket in label and "DO NOT SELL" in label
    assert history[-2:] == ["Return slip reprinted (marked REPRINT).", "Bag label reprinted (marked REPRINT)."]
    con = sqlite3.connect(desk.conn.path)
    events = con.execute("SELECT actor, details FROM audit WHERE action = 'return_reprinted' ORDER BY id").fetchall()
    assert [(a, ticket in d) for a, d in events] == [("Li Na", True), ("Li Na", True)]


def test_a_reprint_is_marked_in_chinese_too():
    from returns_desk.reports.slip import bag_label, render_slip_html

    entry = {"ticket": "S1-C1-20250701-0001", "recorded_at": "2025-07-01T02:00:00Z", "brand": "Anker", "model": "A1257",
             "serial": "AKFF1Y0E48301745", "batch_code": None, "recall_id": "cn-samr-2025-anker", "remedy": "refund",
             "amount_minor": 14900, "currency": "CNY", "clerk": "Li Na", "condition": "intact", "replacement_model": None}
    marker = {"at": "2025-07-02T03:04:00Z", "by": "陈静"}
    for render in (lambda **k: render_slip_html(entry, store_name="S", recall_title="T", time_zone="Asia/Shanghai", **k),
                   lambda **k: bag_label(entry, time_zone="Asia/Shanghai", **k).mark):
        assert "补打" not in render(lang="zh_CN") and "REPRINT" not in render(lang="en")
        assert "补打" in render(lang="zh_CN", reprint=marker) and "陈静" in render(lang="zh_CN", reprint=marker)
        assert "REPRINT" in render(lang="en", reprint=marker)
