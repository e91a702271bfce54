"""Reports: the daily return report (preview, print, PDF, close day) and tally exports.

Long work (a year's export) runs in a worker thread on its own database connection, so the
window stays responsive; the page shows a busy bar and the result."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from returns_desk.domain.auth import Actor
from returns_desk.domain.errors import ReturnsDeskError
from returns_desk.domain.text import parse_date
from returns_desk.export.service import export_tally
from returns_desk.reports.html import render_daily_html
from returns_desk.reports.service import DailyReportService
from returns_desk.services.desk import Desk
from returns_desk.services.people_service import PeopleService
from returns_desk.ui import messages
from returns_desk.ui.claims_box import ClaimsBox
from returns_desk.ui.people_dialogs import ApprovalDialog

GROUP_KEYS = ("day", "clerk", "brand", "model", "remedy")
# The scope "whole store (head office)": every counter of the store, from head office's data
HQ_SCOPE = "@head-office"
#: Rows of the day's list shown on screen (all of them go to the preview and the PDF).
SCREEN_ROWS = 300


class _ExportJob(QObject):
    """Runs in a worker thread with its own connection to the same database file."""

    finished = Signal(str, int)  # path, rows
    failed = Signal(str)

    def __init__(self, db_path: str, args: dict, lang: str) -> None:
        super().__init__()
        self.db_path = db_path
        self.args = args
        self.lang = lang

    @Slot()
    def run(self) -> None:
        try:
            with Desk.open(self.db_path) as desk:
                out, tally = export_tally(desk, **self.args)
        except ReturnsDeskError as exc:
            self.failed.emit(exc.message(self.lang))
            return
        except Exception as exc:  # noqa: BLE001 - the window must show it, not crash
            self.failed.emit(str(exc))
            return
        self.finished.emit(str(out), len(tally.rows))


class ReportPage(QWidget):
    """Signals: export_done(path) when an export file is written."""

    export_done = Signal(str)

    def __init__(self, desk: Desk, lang: str, actor: Callable[[], Actor], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.lang = lang
        self.actor = actor
        self.reports = DailyReportService(desk)
        self.people = PeopleService(desk)
        self._thread: QThread | None = None
        self._job: _ExportJob | None = None
        layout = QHBoxLayout(self)

        left = QVBoxLayout()
        layout.addLayout(left, 1)
        daily = QGroupBox(self.tr("Daily return report"))
        form = QFormLayout(daily)
        self.date_edit = QLineEdit(self.reports.today().isoformat())
        self.scope_combo = QComboBox()
        self.scope_combo.addItem(self.tr("This counter (%1)").replace("%1", desk.settings["counter"]), desk.settings["counter"])
        self.scope_combo.addItem(self.tr("Whole store"), None)
        # a store manager's read-only head-office log-in, when this counter keeps one
        from returns_desk.services import sync_service

        self.hq_dsn = sync_service.reader_dsn(desk)
        if self.hq_dsn:
            self.scope_combo.addItem(self.tr("Whole store (head office)"), HQ_SCOPE)
        self.page_combo = QComboBox()
        self.page_combo.addItem("A4", "A4")
        self.page_combo.addItem(self.tr("Letter (US)"), "Letter")
        date_label = QLabel(self.tr("&Business date"))
        date_label.setBuddy(self.date_edit)
        form.addRow(date_label, self.date_edit)
        form.addRow(self.tr("Scope"), self.scope_combo)
        form.addRow(self.tr("Paper"), self.page_combo)
        buttons = QHBoxLayout()
        self.show_button = QPushButton(self.tr("&Show"))
        self.preview_button = QPushButton(self.tr("Print pre&view…"))
        self.pdf_button = QPushButton(self.tr("Save P&DF…"))
        self.close_button = QPushButton(self.tr("&Close day (Z)…"))
        for b in (self.show_button, self.preview_button, self.pdf_button, self.close_button):
            buttons.addWidget(b)
        form.addRow(buttons)
        left.addWidget(daily)

        export = QGroupBox(self.tr("Refund / replacement tally export"))
        eform = QFormLayout(export)
        today = self.reports.today()
        self.from_edit = QLineEdit(today.replace(day=1).isoformat())
        self.to_edit = QLineEdit(today.isoformat())
        eform.addRow(self.tr("From"), self.from_edit)
        eform.addRow(self.tr("To"), self.to_edit)
        group_row = QHBoxLayout()
        labels = {"day": self.tr("day"), "clerk": self.tr("clerk"), "brand": self.tr("brand"), "model": self.tr("model"), "remedy": self.tr("remedy")}
        self.group_checks = {}
        for key in GROUP_KEYS:
            box = QCheckBox(labels[key])
            box.setChecked(key in ("model", "remedy"))
            self.group_checks[key] = box
            group_row.addWidget(box)
        eform.addRow(self.tr("Group by"), group_row)
        self.format_combo = QComboBox()
        for text, value in ((self.tr("Excel workbook (XLSX)"), "xlsx"), ("CSV (UTF-8)", "csv"), ("PDF", "pdf")):
            self.format_combo.addItem(text, value)
        format_label = QLabel(self.tr("F&ormat"))
        format_label.setBuddy(self.format_combo)
        eform.addRow(format_label, self.format_combo)
        self.export_button = QPushButton(self.tr("&Export…"))
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the export's length is not known in advance
        self.progress.setVisible(False)
        eform.addRow(self.export_button, self.progress)
        left.addWidget(export)
        self.claims_box = ClaimsBox(desk, lang, actor)  # the manufacturer's answers (issue 14)
        left.addWidget(self.claims_box)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        left.addWidget(self.status)
        left.addWidget(self.error)
        left.addStretch(1)

        self.view = QTextBrowser()
        layout.addWidget(self.view, 2)

        self.show_button.clicked.connect(self.show_report)
        self.date_edit.returnPressed.connect(self.show_report)
        self.preview_button.clicked.connect(self.preview)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.close_button.clicked.connect(self.close_day)
        self.export_button.clicked.connect(self.export)

    # --- helpers ---------------------------------------------------------------------------

    def _day(self) -> dt.date | None:
        try:
            return parse_date(self.date_edit.text())
        except ValueError:
            self._fail(self.tr("The business date is YYYY-MM-DD."))
            self.date_edit.setFocus()
            return None

    def _fail(self, text: str) -> None:
        self.error.setText("⚠ " + text)

    def _manager(self, permission: str, why: str) -> Actor | None:
        """The signed-in manager, or a manager approving on the spot with their PIN."""
        actor = self.actor()
        if actor.may(permission):
            return actor
        approval = ApprovalDialog.ask(self.people, self.lang, permission, why, self, need_reason=False)
        return approval[0] if approval else None

    def _current(self) -> tuple[dict, bool] | None:
        day = self._day()
        if day is None:
            return None
        try:
            if self.scope_combo.currentData() == HQ_SCOPE:
                return self._head_office_report(day)
            return self.reports.report(day, self.scope_combo.currentData(), by=self.actor().name)
        except ReturnsDeskError as exc:
            self._fail(exc.message(self.lang))
            return None

    def _head_office_report(self, day: dt.date) -> tuple[dict, bool] | None:
        """Every counter of the store, as head office holds it (a manager's view)."""
        from returns_desk.reports.hq_report import store_daily_report

        if self._manager("export", self.tr("The whole store's report from head office is for managers.")) is None:
            return None
        assert self.hq_dsn is not None
        return store_daily_report(self.hq_dsn, self.desk.settings["store_code"], day, by=self.actor().name), False

    # --- daily report ----------------------------------------------------------------------

    @Slot()
    def show_report(self) -> None:
        self.error.setText("")
        got = self._current()
        if got is None:
            return
        report, reprint = got
        marker = {"at": "", "by": self.actor().name} if reprint else None
        entries = report["entries"]
        if len(entries) > SCREEN_ROWS:
            # laying out thousands of table rows as rich text takes seconds: the screen shows the
            # first ones (totals are over all of them); the preview and the PDF hold every row
            report = {**report, "entries": entries[:SCREEN_ROWS]}
            note = self.tr("The list shows the first %1 of %2 returns; print preview and the PDF hold them all.")
            self.status.setText(note.replace("%1", str(SCREEN_ROWS)).replace("%2", str(len(entries))))
        self.view.setHtml(render_daily_html(report, self.lang, reprint=marker))

    @Slot()
    def preview(self) -> None:
        from returns_desk.reports.html import daily_print
        from returns_desk.reports.printing import make_daily_preview_dialog

        got = self._current()
        if got is None:
            return
        report, reprint = got
        marker = {"at": "", "by": self.actor().name} if reprint else None
        dialog = make_daily_preview_dialog(self, daily_print(report, self.lang, reprint=marker), self.page_combo.currentData())
        if dialog.exec():
            self.reports.log_output(report, by=self.actor().name, target="printer", fmt="print", reprint=reprint)

    @Slot()
    def save_pdf(self) -> None:
        got = self._current()
        if got is None:
            return
        report, reprint = got
        suggested = str(Path.home() / f"returns-{report['business_date']}.pdf")
        path = messages.ask_save_path(self, self.tr("Save the daily report"), suggested, "PDF (*.pdf)")
        if not path:
            return
        try:
            out = self.reports.write_pdf(report, path, lang=self.lang, by=self.actor().name, page_size=self.page_combo.currentData(), reprint=reprint)
        except ReturnsDeskError as exc:
            self._fail(exc.message(self.lang))
            return
        self.status.setText(self.tr("Saved %1").replace("%1", str(out)))

    @Slot()
    def close_day(self) -> None:
        day = self._day()
        if day is None:
            return
        if self.scope_combo.currentData() == HQ_SCOPE:
            self._fail(self.tr("Head office's whole-store report cannot be closed from a counter: close each counter's day."))
            return
        manager = self._manager("close_day", self.tr("Closing %1 freezes its report as a numbered Z report.").replace("%1", day.isoformat()))
        if manager is None:
            return
        try:
            report = self.reports.close_day(day, self.scope_combo.currentData(), manager=manager)
        except ReturnsDeskError as exc:
            self._fail(exc.message(self.lang))
            return
        self.error.setText("")
        self.status.setText(self.tr("Day %1 closed: Z No. %2").replace("%1", day.isoformat()).replace("%2", str(report["z_number"])))
        self.view.setHtml(render_daily_html(report, self.lang))

    # --- export ----------------------------------------------------------------------------

    @Slot()
    def export(self) -> None:
        self.error.setText("")
        try:
            start, end = parse_date(self.from_edit.text()), parse_date(self.to_edit.text())
        except ValueError:
            self._fail(self.tr("Dates are YYYY-MM-DD."))
            return
        if start > end:
            self._fail(self.tr("The period ends before it starts."))
            return
        group_by = [k for k in GROUP_KEYS if self.group_checks[k].isChecked()]
        manager = self._manager("export", self.tr("Exports are for managers."))
        if manager is None:
            return
        fmt = self.format_combo.currentData()
        suggested = str(Path.home() / f"tally-{start.isoformat()}-{end.isoformat()}.{fmt}")
        path = messages.ask_save_path(self, self.tr("Export the tally"), suggested, f"{fmt.upper()} (*.{fmt})")
        if not path:
            return
        self.start_export(path, start, end, fmt, group_by, manager)

    def start_export(self, path: str, start: dt.date, end: dt.date, fmt: str, group_by: list[str], manager: Actor) -> None:
        args = dict(date_from=start, date_to=end, fmt=fmt, out=path, group_by=group_by, by=manager, lang=self.lang,
                    page_size=self.page_combo.currentData())
        self._thread = QThread(self)
        self._job = _ExportJob(self.desk.conn.path, args, self.lang)
        self._job.moveToThread(self._thread)
        self._thread.started.connect(self._job.run)
        self._job.finished.connect(self._on_export_finished)
        self._job.failed.connect(self._on_export_failed)
        self._job.finished.connect(self._thread.quit)
        self._job.failed.connect(self._thread.quit)
        self.export_button.setEnabled(False)
        self.progress.setVisible(True)
        self.status.setText(self.tr("Exporting…"))
        self._thread.start()

    @Slot(str, int)
    def _on_export_finished(self, path: str, rows: int) -> None:
        self.progress.setVisible(False)
        self.export_button.setEnabled(True)
        self.status.setText(self.tr("Exported %1 rows to %2").replace("%1", str(rows)).replace("%2", path))
        self.export_done.emit(path)

    @Slot(str)
    def _on_export_failed(self, text: str) -> None:
        self.progress.setVisible(False)
        self.export_button.setEnabled(True)
        self.status.setText("")
        self._fail(text)

    def focus_start(self) -> None:
        """Shown with F6: the keyboard is in the date field."""
        self.date_edit.setFocus()
        self.date_edit.selectAll()

    def shutdown(self) -> None:
        if self._thread is not None and self._thread.isRunning():
            self._thread.quit()
            self._thread.wait(30_000)
