"""The Reports page: the daily report on screen, close day with a manager's PIN, an export that
runs in a worker thread, and the customer slip after a save."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from returns_desk.domain.auth import Actor
from returns_desk.domain.returns import ReturnDraft
from returns_desk.services.people_service import PeopleService
from returns_desk.ui import messages

pytestmark = pytest.mark.gui
CLERK = Actor("Li Na", "clerk")


@pytest.fixture
def page(qtbot, desk, returns):
    from returns_desk.ui.app import make_application
    from returns_desk.ui.report_page import ReportPage

    make_application()
    people = PeopleService(desk)
    people.setup(store="Shop", counter="C1", market="CN", manager="Chen Jing", pin="482913")
    day = dt.datetime(2025, 7, 1, 2, tzinfo=dt.timezone.utc)
    for i, (remedy, amount) in enumerate((("refund", "149"), ("voucher", "199"), ("replacement", None))):
        returns.record(ReturnDraft(isolation_confirmed=True, model_input="A1257", remedy=remedy, amount=amount, serial=f"AKFF1Y0E4830{i:04d}", clerk="Li",
                                   at=day + dt.timedelta(minutes=i)))
    p = ReportPage(desk, "en", lambda: CLERK)
    qtbot.addWidget(p)
    p.date_edit.setText("2025-07-01")
    yield p
    p.shutdown()


def test_show_the_daily_report(page):
    page.show_report()
    text = page.view.toPlainText()
    assert "Daily return report" in text and "348.00" in text  # 149 refund + 199 voucher
    page.date_edit.setText("July 1st")
    page.show_report()
    assert "YYYY-MM-DD" in page.error.text() and page.date_edit.text() == "July 1st"


def test_close_day_needs_a_manager_pin(page, monkeypatch, desk):
    from returns_desk.ui.people_dialogs import ApprovalDialog

    def fake_exec(self):
        self.manager_combo.setCurrentText("Chen Jing")
        self.pin_edit.setText("482913")
        self.submit()
        return self.result()

    monkeypatch.setattr(ApprovalDialog, "exec", fake_exec)
    page.close_day()
    assert "Z No. 1" in page.status.text()
    closed_by = desk.conn.read("SELECT closed_by FROM closures")[0]["closed_by"]
    assert closed_by == "Chen Jing"


def test_export_runs_in_a_worker_thread(qtbot, page, tmp_path, monkeypatch):
    out = tmp_path / "tally.csv"
    manager = Actor("Chen Jing", "manager")
    with qtbot.waitSignal(page.export_done, timeout=20000):
        page.start_export(str(out), dt.date(2025, 7, 1), dt.date(2025, 7, 31), "csv", ["model", "remedy"], manager)
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == ["model", "remedy", "count", "amount", "currency"]
    assert ["A1257", "refund", "1", "149.00", "CNY"] in rows
    assert page.export_button.isEnabled() and not page.progress.isVisible()


def test_export_by_a_clerk_asks_for_a_manager(page, monkeypatch, tmp_path):
    from returns_desk.ui.people_dialogs import ApprovalDialog

    monkeypatch.setattr(ApprovalDialog, "exec", lambda self: 0)
    asked = []
    monkeypatch.setattr(messages, "ask_save_path", lambda *a: asked.append(a))
    page.export()
    assert asked == []  # no manager, no file dialog, no export


def test_slip_preview_after_a_save(qtbot, desk, monkeypatch):
    from returns_desk.ui.app import make_application, ui_settings
    from returns_desk.ui.main_window import MainWindow

    make_application()
    people = PeopleService(desk)
    people.setup(store="Shop", counter="C1", market="CN", manager="Chen Jing", pin="482913")
    w = MainWindow(desk, "en", ui_settings(), people.authenticate("Chen Jing", "482913"))
    qtbot.addWidget(w)
    page = w.counter
    assert not page.slip_button.isEnabled()
    page.model_edit.setText("A1257")
    page.serial_edit.setText("AKFF1Y0E48301745")
    page.condition_combo.setCurrentIndex(page.condition_combo.findData("intact"))
    page.isolated_check.setChecked(True)
    page.amount_edit.setText("149")
    page.save()
    assert page.slip_button.isEnabled()
    shown = []
    from PySide6.QtPrintSupport import QPrintPreviewDialog

    monkeypatch.setattr(QPrintPreviewDialog, "exec", lambda self: shown.append(self.windowTitle()) or 0)
    page.print_slip()
    page.print_bag_label()
    assert len(shown) == 2
    w.close()


def test_a_long_day_shows_the_first_rows_on_screen(page, monkeypatch):
    from returns_desk.ui import report_page

    monkeypatch.setattr(report_page, "SCREEN_ROWS", 2)
    page.show_report()
    assert "first 2 of 3" in page.status.text()
    assert "348.00" in page.view.toPlainText()  # the totals still count every return


def test_claims_export_and_import_from_the_reports_page(page, monkeypatch, tmp_path, desk):
    """The manufacturer's answers on the Reports page: export the pending serials, the
    manufacturer fills in the result, import shows the preview and a manager's PIN applies it."""
    from returns_desk.ui.people_dialogs import ApprovalDialog

    box = page.claims_box
    box.recall_combo.setCurrentIndex(box.recall_combo.findData("CN-SAMR-ANKER-2025-06-20"))
    box.format_combo.setCurrentIndex(box.format_combo.findData("csv"))
    out = tmp_path / "claims.csv"
    monkeypatch.setattr(messages, "ask_save_path", lambda *a, **k: str(out))
    box.export_button.click()
    assert "3 pending units" in box.status.text()
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][7], rows[2][7], rows[2][8] = "confirmed", "rejected", "AN-88"
    with open(out, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)

    monkeypatch.setattr(messages, "ask_open_path", lambda *a, **k: str(out))
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)

    def fake_exec(self):
        self.manager_combo.setCurrentText("Chen Jing")
        self.pin_edit.setText("482913")
        self.submit()
        return self.result()

    monkeypatch.setattr(ApprovalDialog, "exec", fake_exec)
    box.import_button.click()
    assert "matched 2" in box.status.text() and "unreadable 1" in box.status.text()  # the row left blank
    assert "2 answers applied" in box.status.text()
    got = sorted(r["confirmation"] for r in desk.conn.read("SELECT confirmation FROM returns"))
    assert got == ["confirmed", "pending", "rejected"]
