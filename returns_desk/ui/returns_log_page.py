"""The returns log: every return, newest first, filtered and searched, paged from storage."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)


from returns_desk.domain.auth import Actor
from returns_desk.domain.text import parse_date
from returns_desk.services.desk import Desk
from returns_desk.services.log_service import LogService
from returns_desk.services.returns_service import ReturnsService
from returns_desk.storage.repository import ReturnFilter
from returns_desk.ui.keys import shortcut
from returns_desk.ui.returns_table_model import ReturnsTableModel


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
        for text, value in ((self.tr("any remedy"), None), (self.tr("refund"), "refund"), (self.tr("replacement"), "replacement"), (self.tr("voucher"), "voucher")):
            self.remedy_combo.addItem(text, value)
        self.status_combo = QComboBox()
        for text, value in ((self.tr("any status"), None), (self.tr("active"), "active"), (self.tr("void"), "void")):
            self.status_combo.addItem(text, value)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("search ticket, serial, receipt, notes"))
        search_label = QLabel(self.tr("&Search"))
        search_label.setBuddy(self.search_edit)
        for w in (self.from_edit, self.to_edit, self.clerk_edit, self.model_edit):
            w.setMaximumWidth(150)
            bar.addWidget(w)
        bar.addWidget(self.remedy_combo)
        bar.addWidget(self.status_combo)
        bar.addWidget(search_label)
        bar.addWidget(self.search_edit, 1)
        layout.addLayout(bar)

        self.model = ReturnsTableModel(self.log, self, lang=lang, first_count=first_count)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((130, 175, 95, 140, 215, 160, 75, 95, 105, 150)):
            self.table.setColumnWidth(col, width)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)

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
        self.open_button.clicked.connect(self.open_current)
        self.void_button.clicked.connect(self.void_current)
        shortcut(QKeySequence(Qt.Key.Key_Return), self.table, self.open_current, Qt.ShortcutContext.WidgetShortcut)
        self._update_count()

    def _date(self, edit: QLineEdit) -> str | Literal[False] | None:
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
            date_from=start or None, date_to=end or None,
            clerk=self.clerk_edit.text().strip() or None,
            model=self._canonical_model(self.model_edit.text()),
            remedy=self.remedy_combo.currentData(), status=self.status_combo.currentData(),
            search=self.search_edit.text().strip() or None,
        )
        if flt != self.model.filter:
            self.model.set_filter(flt)
        self._update_count()

    def _canonical_model(self, text: str) -> str | None:
        if not text.strip():
            return None
        m = self.desk.engine.find_model(text)
        return m.model if m else text.strip()

    def _update_count(self) -> None:
        self.count_label.setText(self.tr("%n return(s)", "", self.model.rowCount()))

    @Slot()
    def focus_start(self) -> None:
        """Shown with F3: the keyboard is in the list."""
        self.table.setFocus()

    def refresh(self) -> None:
        self.model.refresh()
        self._update_count()

    def current_ticket(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.data(index, Qt.ItemDataRole.UserRole) if index.isValid() else None

    @Slot(QModelIndex)
    def _on_activated(self, index: QModelIndex) -> None:
        self.open_current()

    def _entry_dialog(self, ticket: str):
        from returns_desk.ui.entry_dialog import EntryDialog  # only when an entry is opened: not at start-up

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
