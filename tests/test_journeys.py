"""Whole-app journeys: ``returns-desk`` started with no command on a fresh database, driven by
the keyboard through every page and dialog a person reaches (tests/journey.py explains how).

Every page of ``ui.pages.PAGES`` must be reached by a journey here (the last test checks it).
"""

from __future__ import annotations

import re
import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QToolBar

from journey import Journey, Wait, check, dialog_of, focus, gone, key, run_journey, type_text, window_of
from returns_desk.domain.messages import say
from returns_desk.reports.printing import print_action
from returns_desk.ui import messages

pytestmark = pytest.mark.gui

K = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
MANAGER, MANAGER_PIN = "Chen Jing", "482913"
CLERK, CLERK_PIN = "Li Na", "1357"
VALID_SERIAL = "AKFF1Y0E48301745"

REACHED: set[str] = set()  # the pages of ui.pages.PAGES the journeys went through


def db_rows(sql: str) -> list[tuple]:
    from returns_desk import paths

    con = sqlite3.connect(paths.default_db_path())
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def first_run(store: str = "Shop 1", *, chinese: bool = False) -> Journey:
    """The first-run dialog, by keyboard: the store name first, Tab through the form, Enter."""
    from returns_desk.ui.people_dialogs import FirstRunDialog

    d = yield Wait("the first-run dialog", dialog_of(FirstRunDialog))
    check(focus() is d.store_edit, "the first-run dialog starts in the store name")
    yield type_text(store)
    yield key(K.Key_Tab)  # counter id, C1 as it is
    yield key(K.Key_Tab)  # market: China is the first
    yield key(K.Key_Tab)  # language: 简体中文 first, English second (the system's language is chosen)
    if chinese:
        yield key(K.Key_Up)
    yield key(K.Key_Tab)
    check(focus() is d.manager_edit, "Tab reaches the manager's name")
    yield type_text(MANAGER)
    yield key(K.Key_Tab)
    yield type_text(MANAGER_PIN)
    yield key(K.Key_Tab)
    yield type_text("999999")  # a typing mistake: the second PIN differs
    yield key(K.Key_Return)
    check(d.isVisible() and d.pin2_edit.text() == "" and focus() is d.pin2_edit, "mismatched PINs clear the second field")
    yield type_text(MANAGER_PIN)
    yield key(K.Key_Return)
    yield Wait("the first-run dialog closes", gone(d))


def sign_in(name: str | None, pin: str, *, expect_name: str | None = None) -> Journey:
    from returns_desk.ui.people_dialogs import SignInDialog

    d = yield Wait("the sign-in dialog", dialog_of(SignInDialog))
    if expect_name is not None:
        check(d.name_combo.currentText() == expect_name, f"sign-in offers {expect_name!r}, not {d.name_combo.currentText()!r}")
    # the PIN when a name is offered, else the name (an editable combo box keeps the focus itself)
    check(focus() in (d.pin_edit, d.name_combo, d.name_combo.lineEdit()), "sign-in starts in a field")
    if name is not None:
        if focus() is d.pin_edit:
            yield key(K.Key_Backtab)
        yield key(K.Key_A, CTRL)
        yield type_text(name)
        yield key(K.Key_Tab)
    check(focus() is d.pin_edit, "the PIN field has the keyboard")
    yield type_text(pin)
    yield key(K.Key_Return)
    yield Wait("signed in", gone(d))


def main_window() -> Journey:
    from returns_desk.ui.main_window import MainWindow

    w = yield Wait("the main window", window_of(MainWindow))
    REACHED.add("counter")
    return w


def record_a1257(w, *, serial: str = VALID_SERIAL, amount: str | None = "149.00") -> Journey:
    """A recalled Anker A1257 from the model field to the ticket, by Enter alone."""
    page = w.counter
    check(focus() is page.model_edit, "the counter starts in the model field")
    yield type_text("A1257")
    yield key(K.Key_Return)
    check(focus() is page.serial_edit, "Enter after a model that needs its serial goes to the serial")
    yield type_text(serial)
    yield key(K.Key_Return)
    check(focus() is page.condition_combo, "then to the condition")
    yield key(K.Key_Down)  # intact
    yield key(K.Key_Return)
    check(focus() is page.isolated_check, "then to the isolation step")
    yield key(K.Key_Space)
    yield key(K.Key_Return)
    check(focus() is page.remedy_combo, "then to the remedy")
    yield key(K.Key_Return)
    check(focus() is page.amount_edit, "then to the amount")
    if amount is not None:
        yield key(K.Key_A, CTRL)
        yield type_text(amount)
    before = page.ticket_label.text()
    for _ in range(4):  # proof, receipt, contact, notes
        yield key(K.Key_Return)
    check(focus() is page.notes_edit, "Enter leads to Notes")
    yield key(K.Key_Return)  # Enter in Notes saves
    yield Wait("the ticket or an error", lambda: page.ticket_label.text() != before or page.error_label.text())
    check(not page.error_label.text(), f"saved without an error, not {page.error_label.text()!r}")
    return page.last_entry["ticket"]


def test_manager_journey_first_run_to_z_report(qtbot, tmp_path, monkeypatch):
    from PySide6.QtPrintSupport import QPrintPreviewDialog
    from returns_desk.ui.entry_dialog import EntryDialog
    from returns_desk.ui.report_page import ReportPage

    saved = iter([str(tmp_path / "day.pdf"), str(tmp_path / "tally.csv"), str(tmp_path / "tally.xlsx"), str(tmp_path / "manifest.pdf")])
    monkeypatch.setattr(messages, "ask_save_path", lambda *a: next(saved))  # the platform's file dialog
    results: dict[str, object] = {}

    def journey() -> Journey:
        yield from first_run()
        yield from sign_in(None, MANAGER_PIN, expect_name=MANAGER)
        w = yield from main_window()
        check(w.width() <= w.screen().availableGeometry().width() and w.height() <= w.screen().availableGeometry().height(),
              "the window fits the screen")
        ticket = yield from record_a1257(w)
        results["ticket"] = ticket
        # a customer who is not affected: Romoss batch not listed, nothing saved
        yield type_text("PAC20-272")
        yield key(K.Key_Return)
        check(focus() is w.counter.batch_edit, "a batch-list model asks for the batch first")
        yield type_text("C14-P5")
        check(w.counter.verdict_banner.text().startswith("NOT AFFECTED"), "batch C14-P5 is not affected")
        yield key(K.Key_N, CTRL)
        second = yield from record_a1257(w, serial="AKFF1Y0E48301746")
        results["second"] = second

        # the log: newest first, Enter opens it, void it
        yield key(K.Key_F3)
        REACHED.add("log")
        log = w.log_page
        check(log.model.rowCount() == 2, f"the log shows both returns at once, not {log.model.rowCount()}")
        check(log.current_ticket() == second, "the newest return is current")
        yield key(K.Key_Return)
        entry = yield Wait("the entry", dialog_of(EntryDialog))
        yield key(K.Key_V, ALT)
        from PySide6.QtWidgets import QInputDialog

        ask = yield Wait("the void reason", dialog_of(QInputDialog))
        yield type_text("customer changed mind, unit kept")
        yield key(K.Key_Return)
        yield Wait("the reason dialog closes", gone(ask))
        check("void" in entry.windowTitle().lower() or entry.void_button.isEnabled() is False, "the entry shows it is void")
        yield key(K.Key_Escape)
        yield Wait("the entry closes", gone(entry))

        # reports: show, preview, PDF, close the day, export CSV and XLSX
        yield key(K.Key_F6)
        REACHED.add("reports")
        page = w.report_page
        check(isinstance(page, ReportPage) and focus() is page.date_edit, "F6 opens the reports in the date field")
        yield key(K.Key_Return)
        yield Wait("the report on screen", lambda: "A1257" in page.view.toPlainText())
        yield key(K.Key_V, ALT)
        preview = yield Wait("the print preview", dialog_of(QPrintPreviewDialog))
        bar = preview.findChild(QToolBar)
        results["preview_fits"] = preview.width() >= bar.sizeHint().width() and bar.widgetForAction(print_action(preview)).isVisible()
        yield key(K.Key_Escape)
        yield Wait("the preview closes", gone(preview))
        yield key(K.Key_D, ALT)
        yield Wait("the PDF", lambda: (tmp_path / "day.pdf").exists())
        yield key(K.Key_C, ALT)
        yield Wait("the Z", lambda: "Z No. 1" in page.status.text())
        yield key(K.Key_O, ALT)  # format: CSV
        yield key(K.Key_Down)
        yield key(K.Key_E, ALT)
        yield Wait("the CSV export", lambda: (tmp_path / "tally.csv").exists() and page.export_button.isEnabled())
        yield key(K.Key_O, ALT)
        yield key(K.Key_Up)
        yield key(K.Key_E, ALT)
        yield Wait("the XLSX export", lambda: (tmp_path / "tally.xlsx").exists() and page.export_button.isEnabled())

        # custody: open a container, scan the bag label of the return in (the voided one is refused), seal, hand over
        from returns_desk.ui.custody_page import HandOverDialog, OpenContainerDialog

        yield key(K.Key_F7)
        REACHED.add("custody")
        custody = w.page("custody")
        check(focus() is custody.ticket_edit, "F7 opens custody in the ticket field, ready for a scan")
        yield key(K.Key_O, ALT)
        opener = yield Wait("the open-container dialog", dialog_of(OpenContainerDialog))
        check(focus() is opener.type_combo, "the dialog starts in the container type")
        yield key(K.Key_Tab)
        check(focus() is opener.location_edit, "Tab reaches the location")
        yield type_text("Back room, bin 1")
        yield key(K.Key_Return)
        yield Wait("the dialog closes", gone(opener))
        yield Wait("the new container, selected", lambda: custody.table.rowCount() == 1 and custody.selected_code())
        check(focus() is custody.ticket_edit, "back in the ticket field")
        yield type_text(ticket)
        yield key(K.Key_Return)
        yield Wait("the unit in the container", lambda: custody.units.rowCount() == 1)
        yield type_text(second)
        yield key(K.Key_Return)
        yield Wait("the voided entry refused", lambda: "void" in custody.message_label.text())
        yield key(K.Key_E, ALT)
        sure = yield Wait("seal: are you sure", dialog_of(QMessageBox))
        yield key(K.Key_Return)
        yield Wait("the question closes", gone(sure))
        yield Wait("sealed", custody.handover_button.isEnabled)
        check(focus() is custody.handover_button, "after sealing, the hand-over is next")
        yield key(K.Key_V, ALT)
        handover = yield Wait("the hand-over dialog", dialog_of(HandOverDialog))
        check(focus() is handover.to_edit, "the hand-over starts with who takes it")
        yield type_text("Call2Recycle")
        yield key(K.Key_Tab)
        yield type_text("DDR-2025-0042")
        yield key(K.Key_Tab)
        check(handover.packed_combo.currentText() == MANAGER, "packed by: the store's people are offered")
        yield key(K.Key_Return)
        yield Wait("the hand-over dialog closes", gone(handover))
        yield Wait("the manifest", lambda: (tmp_path / "manifest.pdf").exists() and "manifest" in custody.message_label.text())
        results["manifest"] = tmp_path / "manifest.pdf"

        # lock, and sign in again with Enter alone on the lock screen
        yield key(K.Key_L, CTRL)
        check(w.locked, "Ctrl+L locks")
        yield key(K.Key_Return)
        yield from sign_in(None, MANAGER_PIN, expect_name=MANAGER)
        check(not w.locked and focus() is w.counter.model_edit, "signed in again, back at the counter")

        # help lists the keys
        yield key(K.Key_F1)
        box = yield Wait("the keyboard help", dialog_of(QMessageBox))
        for k in ("Ctrl+L", "Alt+I", "Alt+V"):
            check(k in box.text(), f"F1 lists {k}")
        yield key(K.Key_Return)
        yield Wait("help closes", gone(box))
        yield key(K.Key_Q, CTRL)

    assert run_journey(journey()) == 0
    assert results["preview_fits"], "the print preview opens large enough for its toolbar: Print is not behind the overflow"
    rows = db_rows("SELECT ticket, model, serial, batch_code, status, isolation_confirmed_at IS NOT NULL FROM returns ORDER BY id")
    assert [(r[1], r[2], r[3], r[4], r[5]) for r in rows] == [
        ("A1257", VALID_SERIAL, None, "active", 1), ("A1257", "AKFF1Y0E48301746", None, "void", 1),
    ]
    assert db_rows("SELECT z_number FROM closures") == [(1,)]
    assert (tmp_path / "day.pdf").read_bytes().startswith(b"%PDF")
    assert "A1257" in (tmp_path / "tally.csv").read_text(encoding="utf-8-sig")
    assert (tmp_path / "tally.xlsx").stat().st_size > 0
    assert db_rows("SELECT count(*), min(c.handed_to), min(c.handover_reference) FROM container_units u JOIN containers c ON c.id = u.container_id") \
        == [(1, "Call2Recycle", "DDR-2025-0042")]
    assert (tmp_path / "manifest.pdf").read_bytes().startswith(b"%PDF")


def set_up_by_command_line() -> None:
    """A store set up from the command line, with a clerk added by the manager (PIN checked)."""
    from returns_desk import cli

    assert cli.main(["setup", "--store", "Shop 1", "--counter", "C1", "--market", "CN", "--manager", MANAGER, "--pin", MANAGER_PIN]) == 0
    assert cli.main(["clerks", "add", CLERK, "--role", "clerk", "--pin", CLERK_PIN, "--manager", MANAGER, "--manager-pin", MANAGER_PIN]) == 0


def test_clerk_journey_with_interrupted_flows(qtbot):
    """A clerk's day as it really goes: a customer who is not affected, then another model typed
    over it; a Romoss replacement then an Anker refund; a hot unit; a clerk switch mid-form."""
    set_up_by_command_line()
    seen: dict[str, object] = {}

    def journey() -> Journey:
        yield from sign_in(CLERK, CLERK_PIN)
        w = yield from main_window()
        page = w.counter
        # 1. not affected: Romoss batch C14-P5; the customer is told, the enquiry logged with F8
        yield type_text("PAC20-272")
        yield key(K.Key_Return)
        yield type_text("C14-P5")
        check(page.verdict_banner.text().startswith("NOT AFFECTED"), page.verdict_banner.text())
        check(page.enquiry_button.isVisible(), "a not-affected verdict offers to log the enquiry")
        yield key(K.Key_F8)
        check(page.model_edit.text() == "" and "enquiry" in page.incident_note.text(),
              f"the enquiry is logged and the form is clear ({page.error_label.text()!r}, {page.incident_note.text()!r})")
        # the same customer again, then A1257 typed over the Romoss model: its batch must not follow
        yield type_text("PAC20-272")
        yield key(K.Key_Return)
        yield type_text("C14-P5")
        yield key(K.Key_M, ALT)
        yield key(K.Key_A, CTRL)
        seen["abandoned"] = yield from record_a1257(w, serial="AKFF1Y0E48301750")
        # 2. a Romoss replacement, then an Anker: the remedy and amount start from Anker's recall
        yield type_text("PAC20-272")
        yield key(K.Key_Return)
        yield type_text("C14-P6")
        yield key(K.Key_Return)
        check(focus() is page.condition_combo, "a listed batch with no date needed goes straight to the condition")
        yield key(K.Key_Down)
        yield key(K.Key_Return)
        yield key(K.Key_Space)
        yield key(K.Key_Return)
        check(page.remedy_combo.currentData() == "replacement", f"Romoss starts from replacement, not {page.remedy_combo.currentData()}")
        yield key(K.Key_S, CTRL)  # the recall names no replacement model: the counter asks for it
        check(focus() is page.replacement_edit and page.error_label.text(), "a replacement of nothing is not saved")
        yield type_text("PAC20-272 new")
        yield key(K.Key_S, CTRL)
        yield Wait("the Romoss ticket", lambda: page.last_entry is not None and page.last_entry["model"] == "PAC20-272")
        yield type_text("A1257")
        check(page.remedy_combo.currentData() == "refund" and page.amount_edit.text() == "",
              f"A1257 starts from refund with no amount, not {page.remedy_combo.currentData()} {page.amount_edit.text()!r}")
        yield key(K.Key_N, CTRL)
        # 3. a hot unit: the return stops; F9 records the incident
        yield type_text("A1257")
        yield key(K.Key_Return)
        yield type_text("AKFF1Y0E48301751")
        yield key(K.Key_Return)
        for _ in range(3):  # intact, swollen, hot
            yield key(K.Key_Down)
        check(page.incident_row.isVisible() and not page.save_button.isEnabled(), "the hot card stops the return")
        yield key(K.Key_S, CTRL)
        check("hot" in page.error_label.text().lower() or not page.error_label.text(), page.error_label.text())
        yield key(K.Key_F9)
        check(page.model_edit.text() == "" and page.incident_note.text(),
              f"the incident is recorded and the form cleared ({page.error_label.text()!r} {page.model_edit.text()!r})")
        # 4. a clerk switch with a half-filled form: the next clerk starts on an empty form
        yield type_text("A1642")
        yield key(K.Key_Return)
        yield type_text("AKFF1Y0E4830")
        yield key(K.Key_L, CTRL)
        yield key(K.Key_Return)
        yield from sign_in(MANAGER, MANAGER_PIN, expect_name=CLERK)
        check(page.model_edit.text() == "" and page.serial_edit.text() == "", "the earlier clerk's form is gone")
        check(MANAGER in page.clerk_label.text(), "the counter names the clerk now signed in")
        # the log shows them too
        yield key(K.Key_F3)
        log = w.log_page
        kinds = [log.incidents_table.item(r, 1).text() for r in range(log.incidents_table.rowCount())]
        check(kinds == ["hazardous unit, return stopped", "enquiry, not affected"], f"the log's incidents: {kinds}")
        # the day's report shows the stopped return and the enquiry
        yield key(K.Key_F6)
        yield key(K.Key_Return)
        report = w.report_page
        yield Wait("the report", lambda: "Returns stopped" in report.view.toPlainText())
        text = report.view.toPlainText()
        check("Enquiries (not affected, customer told): 1" in text and "fire procedure followed" in text, text[-800:])
        yield key(K.Key_Q, CTRL)

    assert run_journey(journey()) == 0
    rows = db_rows("SELECT model, batch_code, serial, remedy, clerk FROM returns ORDER BY id")
    assert rows[0] == ("A1257", None, "AKFF1Y0E48301750", "refund", CLERK)  # no Romoss batch on an Anker unit
    assert rows[1][:2] == ("PAC20-272", "C14-P6") and rows[1][3] == "replacement"
    assert len(rows) == 2
    incidents = db_rows("SELECT kind, action, model, condition, clerk FROM incidents ORDER BY id")
    assert incidents == [("enquiry", "customer_told", "PAC20-272", None, CLERK), ("hazard", "fire_procedure", "A1257", "hot", CLERK)]
    assert [a for (a,) in db_rows("SELECT action FROM audit WHERE action = 'incident_recorded'")] == ["incident_recorded"] * 2


#: Codes that must never reach a Chinese clerk as English words.
CODE_WORDS = re.compile(r"\b(refund|replacement|voucher|intact|swollen|hot|leaking|burnt|damaged|pending|not_required|"
                        r"recalled|check_required|not_affected|not_recalled|unknown|batch code|serial number|manufacture date|cli)\b", re.I)


def shown_texts(w) -> str:
    from PySide6.QtWidgets import QAbstractButton, QLabel

    parts = [x.text() for x in w.findChildren(QLabel) if x.isVisible()]
    parts += [x.text() for x in w.findChildren(QAbstractButton) if x.isVisible()]
    return "\n".join(parts)


def test_chinese_journey_says_everything_in_chinese(qtbot):
    """A Chinese store from the first start: the clerk types brand names in Chinese, and nothing
    shown — verdicts, reasons, refusals, the ticket — carries an English code word."""
    seen: list[str] = []

    def journey() -> Journey:
        yield from first_run(store="王府井店", chinese=True)
        yield from sign_in(None, MANAGER_PIN, expect_name=MANAGER)
        w = yield from main_window()
        page = w.counter
        yield type_text("安克Ａ１２５７")
        check(page.verdict_banner.text().startswith("召回") and "安克 A1257" in page.verdict_banner.text(), page.verdict_banner.text())
        yield key(K.Key_Return)
        yield type_text(VALID_SERIAL)
        yield key(K.Key_S, CTRL)  # too early: the condition is not chosen
        check(page.error_label.text(), "saving before the safety step is refused")
        seen.append(shown_texts(w))
        yield key(K.Key_Down)
        yield key(K.Key_Return)
        yield key(K.Key_Return)  # the isolation step not ticked
        yield key(K.Key_S, CTRL)
        check("隔离" in page.error_label.text(), page.error_label.text())
        seen.append(shown_texts(w))
        yield key(K.Key_I, ALT)  # the mnemonic ticks the box
        yield Wait("Alt+I ticks the isolation step", page.isolated_check.isChecked)
        yield key(K.Key_S, CTRL)  # no amount for a refund
        check(page.error_label.text(), "a refund without an amount is refused")
        seen.append(shown_texts(w))
        check("¥" in page.bound_label.text() or "¥" in page.error_label.text(), page.bound_label.text())
        yield key(K.Key_A, ALT)
        yield type_text("１４９")
        yield key(K.Key_S, CTRL)
        yield Wait("the ticket", lambda: page.last_entry is not None)
        check("退款" in page.ticket_label.text() and "¥149.00" in page.ticket_label.text(), page.ticket_label.text())
        seen.append(shown_texts(w))
        # a capacity is not a model number: candidates, never NOT RECALLED
        yield type_text("罗马仕 2万毫安")
        check(page.verdict_banner.text().startswith(say("verdict_unknown", "zh_CN")), page.verdict_banner.text())
        check(page.suggest_list.isVisible() and page.suggest_list.count() >= 1, "the candidates are offered")
        seen.append(shown_texts(w))
        yield key(K.Key_1, ALT)
        check(page.model_edit.text() != "罗马仕 2万毫安", "Alt+1 takes the first candidate")
        seen.append(shown_texts(w))
        yield key(K.Key_Q, CTRL)

    assert run_journey(journey()) == 0
    for text in seen:
        words = [m.group(0) for m in CODE_WORDS.finditer(text) if m.group(0) not in ("A1257",)]
        assert not words, f"English code words shown to a Chinese clerk: {words}\n{text}"


def test_refusals_in_chinese_carry_no_english_code_word(desk):
    """Every refusal a return can meet, said in Chinese: the words inside are Chinese too."""
    from returns_desk.domain.errors import ReturnsDeskError
    from returns_desk.domain.returns import ReturnDraft
    from returns_desk.services.returns_service import ReturnsService

    service = ReturnsService(desk)
    drafts = [
        dict(model_input="A1257", remedy="refund", serial=VALID_SERIAL),  # amount required
        dict(model_input="PAC20-272", remedy="voucher", batch="C14-P6"),  # remedy not allowed
        dict(model_input="A1263", remedy="refund", amount="10"),  # not returnable in CN
        dict(model_input="PAC20-272", remedy="replacement"),  # needs the batch code
        dict(model_input="A1257", remedy="refund", amount="10", serial=VALID_SERIAL, batch="C14-P6"),  # not asked
        dict(model_input="A1257", remedy="refund", amount="10", serial=VALID_SERIAL, condition="hot"),
        dict(model_input="A1257", remedy="refund", amount="10", serial=VALID_SERIAL, isolated=False),
        dict(model_input="A1257", remedy="refund", amount="99999", serial=VALID_SERIAL),
    ]
    said = []
    for d in drafts:
        isolated = d.pop("isolated", True)
        try:
            service.record(ReturnDraft(clerk="李娜", isolation_confirmed=isolated, **d))
        except ReturnsDeskError as exc:
            said.append(exc.message("zh_CN"))
        else:
            said.append("")
    assert all(said), said
    for text in said:
        assert re.search(r"[\u4e00-\u9fff]", text) and not CODE_WORDS.search(text), text


def test_every_page_has_a_journey():
    """Runs after the journeys above (file order): a page added to PAGES without one fails here."""
    from returns_desk.ui.pages import PAGES

    missing = {p.key for p in PAGES} - REACHED
    assert not missing, f"pages no journey reaches: {sorted(missing)}"
