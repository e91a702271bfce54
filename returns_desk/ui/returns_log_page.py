"""The returns log: every return, newest first, filtered and searched, paged from storage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from itertools import pairwise

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from returns_desk.domain.auth import Actor
from returns_desk.domain.text import parse_date
from returns_desk.domain.vocab import CONDITIONS, INCIDENT_ACTIONS, INCIDENT_KINDS, REMEDIES
from returns_desk.services.desk import Desk
from returns_desk.services.log_service import LogService
from returns_desk.services.returns_service import ReturnsService
from returns_desk.storage.repository import ReturnFilter
from returns_desk.ui.keys import shortcut
from returns_desk.ui.returns_table_model import ReturnsTableModel
from returns_desk.ui.returns_table_view import ReturnsTableView


class ReturnsLogPage(QWidget):
    """Signals: entry_voided(ticket)."""

    entry_voided = Signal(str)

    def __init__(
        self, desk: Desk, lang: str, actor: Callable[[], Actor], parent: QWidget | None = None, *, first_count: Callable[[], int] | None = None
    ) -> None:
        """``first_count``: the log's count, started early (LogService.count_soon) by the caller."""
        super().__init__(parent)
        self.desk = desk
        self.lang = lang
        self.actor = actor
        self.log = LogService(desk)
        self.returns = ReturnsService(desk)
        layout = QVBoxLayout(self)

        bar = QHBoxLayout()
        self.from_edit = QLineEdit()
        self.from_edit.setPlaceholderText(self.tr("from YYYY-MM-DD"))
        self.to_edit = QLineEdit()
        self.to_edit.setPlaceholderText(self.tr("to YYYY-MM-DD"))
        self.clerk_edit = QLineEdit()
        self.clerk_edit.setPlaceholderText(self.tr("clerk"))
        self.model_edit = QLineEdit()
        self.model_edit.setPlaceholderText(self.tr("model"))
        self.remedy_combo = QComboBox()
        self.remedy_combo.addItem(self.tr("any remedy"), None)
        for code in REMEDIES:
            self.remedy_combo.addItem(REMEDIES.word(code, lang), code)
        self.status_combo = QComboBox()
        for text, value in ((self.tr("any status"), None), (self.tr("active"), "active"), (self.tr("void"), "void")):
            self.status_combo.addItem(text, value)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("search ticket, serial, receipt, notes"))
        # every filter has a visible label with its Alt key (placeholders vanish once typed into)
        labelled = (
            (self.tr("From &date"), self.from_edit), (self.tr("&To"), self.to_edit), (self.tr("Cl&erk"), self.clerk_edit),
            (self.tr("&Model"), self.model_edit), (self.tr("Remed&y"), self.remedy_combo), (self.tr("Stat&us"), self.status_combo),
            (self.tr("&Search"), self.search_edit),
        )
        for w in (self.from_edit, self.to_edit, self.clerk_edit, self.model_edit):
            w.setMaximumWidth(150)
        for text, field in labelled:
            label = QLabel(text)
            label.setBuddy(field)
            bar.addWidget(label)
            bar.addWidget(field, 1 if field is self.search_edit else 0)
        layout.addLayout(bar)

        self.model = ReturnsTableModel(self.log, self, lang=lang, first_count=first_count)
        self.table = ReturnsTableView()  # rows, one at a time, not editable; its column widths
        self.table.setModel(self.model)
        layout.addWidget(self.table, 1)

        # the counter's other work: hazardous units that stopped a return, and enquiries
        self.incidents_label = QLabel(self.tr("&Incidents and enquiries at the counter (newest first)"))
        self.incidents_table = QTableWidget(0, 7)
        self.incidents_label.setBuddy(self.incidents_table)
        self.incidents_table.setHorizontalHeaderLabels([
            self.tr("Time"), self.tr("Kind"), self.tr("Clerk"), self.tr("Model as typed"), self.tr("Condition"),
            self.tr("What was done"), self.tr("Notes"),
        ])
        self.incidents_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.incidents_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.incidents_table.setTabKeyNavigation(False)
        self.incidents_table.verticalHeader().hide()
        self.incidents_table.horizontalHeader().setStretchLastSection(True)
        self.incidents_table.setMaximumHeight(150)
        layout.addWidget(self.incidents_label)
        layout.addWidget(self.incidents_table)

        bottom = QHBoxLayout()
        self.count_label = QLabel()
        self.filter_error = QLabel()
        self.filter_error.setObjectName("errorLabel")
        self.open_button = QPushButton(self.tr("&Open entry (Enter)"))
        self.void_button = QPushButton(self.tr("&Void…"))
        bottom.addWidget(self.count_label)
        bottom.addWidget(self.filter_error, 1)
        bottom.addWidget(self.open_button)
        bottom.addWidget(self.void_button)
        layout.addLayout(bottom)
        # Tab from the table goes to the filters, then the buttons; Shift+Tab comes back
        chain = [self.table, *(w for _, w in labelled), self.incidents_table, self.open_button, self.void_button]
        for a, b in pairwise(chain):
            QWidget.setTabOrder(a, b)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.apply_filter)
        for w in (self.from_edit, self.to_edit, self.clerk_edit, self.model_edit, self.search_edit):
            w.textChanged.connect(self._debounce.start)
            w.returnPressed.connect(self.apply_filter)
        self.remedy_combo.currentIndexChanged.connect(self.apply_filter)
        self.status_combo.currentIndexChanged.connect(self.apply_filter)
        self.table.activated.connect(self._on_activated)
        self.model.counted.connect(self._on_counted)
        self.open_button.clicked.connect(self.open_current)
        self.void_button.clicked.connect(self.void_current)
        shortcut(Qt.Key.Key_Return, self.table, self.open_current, Qt.ShortcutContext.WidgetShortcut)
        self._update_count()

    def _date(self, edit: QLineEdit) -> str | None | bool:
        text = edit.text().strip()
        if not text:
            return None
        try:
            return parse_date(text).isoformat()
        except ValueError:
            return False

    @Slot()
    def apply_filter(self) -> None:
        start, end = self._date(self.from_edit), self._date(self.to_edit)
        if start is False or end is False:
            self.filter_error.setText(self.tr("Dates are YYYY-MM-DD"))
            return
        self.filter_error.setText("")
        flt = ReturnFilter(
            date_from=start if isinstance(start, str) else None, date_to=end if isinstance(end, str) else None,
            clerk=self.clerk_edit.text().strip() or None,
            model=self._canonical_model(self.model_edit.text()),
            remedy=self.remedy_combo.currentData(), status=self.status_combo.currentData(),
            search=self.search_edit.text().strip() or None,
        )
        if flt != self.model.filter:
            self.model.set_filter(flt)
            self.select_newest()
        self._update_count()

    def _canonical_model(self, text: str) -> str | None:
        if not text.strip():
            return None
        m = self.desk.engine.find_model(text)
        return m.model if m else text.strip()

    def _update_count(self) -> None:
        self.count_label.setText(self.tr("%n return(s)", "", self.model.rowCount()))

    @Slot(int)
    def _on_counted(self, n: int) -> None:
        """The real count has checked the one shown at once (see ReturnsTableModel): the label
        follows, and if the rows were read again the newest is current again."""
        self._update_count()
        if n and not self.table.currentIndex().isValid() and self.isVisible():
            self.select_newest()

    @Slot()
    def focus_start(self) -> None:
        """Shown with F3: the keyboard is in the list."""
        self.table.setFocus()

    @Slot()
    def refresh(self) -> None:
        self.model.refresh()
        self._update_count()
        self.refresh_incidents()

    def refresh_incidents(self, limit: int = 200) -> None:
        from returns_desk.services.clock import zone
        from returns_desk.services.incident_service import IncidentService

        rows = IncidentService(self.desk).recent(limit)
        here = zone(self.desk.settings["time_zone"])
        self.incidents_table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            when = dt.datetime.fromisoformat(row["recorded_at"].replace("Z", "+00:00")).astimezone(here).strftime("%Y-%m-%d %H:%M")
            cells = (when, INCIDENT_KINDS.word(row["kind"], self.lang), row["clerk"], row["model_input"] or "",
                     CONDITIONS.word(row["condition"], self.lang) if row["condition"] else "",
                     INCIDENT_ACTIONS.word(row["action"], self.lang), row["notes"] or "")
            for c, text in enumerate(cells):
                self.incidents_table.setItem(r, c, QTableWidgetItem(text))
        self.incidents_table.resizeColumnsToContents()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """Current every time it is shown: returns saved at this counter (before the page was
        built too), or by another counter or the command line on the same file, since it was
        last on screen. A count is one query (a million rows: milliseconds)."""
        super().showEvent(event)
        if not event.spontaneous():
            self.refresh()
            self.select_newest()

    def select_newest(self) -> None:
        """The newest row current and highlighted: Enter opens it, Down goes to the one before."""
        if self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, 0))
            self.table.selectRow(0)
            self.table.scrollToTop()

    def current_ticket(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.data(index, Qt.ItemDataRole.UserRole) if index.isValid() else None

    @Slot(QModelIndex)
    def _on_activated(self, index: QModelIndex) -> None:
        self.open_current()

    def _entry_dialog(self, ticket: str):
        # only when an entry is opened: not at start-up
        from returns_desk.ui.entry_dialog import EntryDialog

        dialog = EntryDialog(self.desk, self.lang, ticket, self.actor, self)
        dialog.entry_voided.connect(self._on_voided)
        return dialog

    @Slot()
    def open_current(self) -> None:
        ticket = self.current_ticket()
        if ticket:
            self._entry_dialog(ticket).exec()

    @Slot()
    def void_current(self) -> None:
        ticket = self.current_ticket()
        if ticket:
            dialog = self._entry_dialog(ticket)
            dialog.void()
            dialog.deleteLater()

    @Slot(str)
    def _on_voided(self, ticket: str) -> None:
        self.refresh()
        self.entry_voided.emit(ticket)
