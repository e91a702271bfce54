"""The main window: the Counter and the Returns log, a status bar, menus with every shortcut."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget, QWidget

from returns_desk import APP_NAME, __version__
from returns_desk.domain.errors import ReturnsDeskError
from returns_desk.services.desk import Desk
from returns_desk.services.log_service import LogService
from returns_desk.ui import messages
from returns_desk.ui.counter_page import CounterPage
from returns_desk.storage.repository import ReturnFilter
from returns_desk.ui.returns_log_page import ReturnsLogPage


class MainWindow(QMainWindow):
    def __init__(self, desk: Desk, lang: str, ui_settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.lang = lang
        self.ui_settings = ui_settings
        self.setWindowTitle(f"{APP_NAME} — {desk.settings['store_name']}")
        # the log's count of a million rows runs on a second connection while the pages are built
        first_count = LogService(desk).count_soon(ReturnFilter())
        self.tabs = QTabWidget()
        self.counter = CounterPage(desk, lang, ui_settings)
        self.log_page = ReturnsLogPage(desk, lang, first_count=first_count)
        self.tabs.addTab(self.counter, self.tr("&Counter (F2)"))
        self.tabs.addTab(self.log_page, self.tr("Returns &log (F3)"))
        self.setCentralWidget(self.tabs)
        self.counter.return_recorded.connect(self.log_page.refresh)
        self.counter.return_recorded.connect(self._update_status)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self._build_menus()
        self._build_status()
        geometry = ui_settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 860)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        backup = QAction(self.tr("&Back up the database now"), self)
        backup.triggered.connect(self.backup_now)
        file_menu.addAction(backup)
        file_menu.addSeparator()
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view = self.menuBar().addMenu(self.tr("&View"))
        self.counter_action = QAction(self.tr("&Counter"), self)
        self.counter_action.setShortcuts([QKeySequence("F2"), QKeySequence("Ctrl+1")])
        self.counter_action.triggered.connect(self.show_counter)
        self.log_action = QAction(self.tr("Returns &log"), self)
        self.log_action.setShortcuts([QKeySequence("F3"), QKeySequence("Ctrl+2")])
        self.log_action.triggered.connect(self.show_log)
        view.addAction(self.counter_action)
        view.addAction(self.log_action)

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        keys = QAction(self.tr("&Keyboard"), self)
        keys.setShortcut(QKeySequence("F1"))
        keys.triggered.connect(self.show_keyboard_help)
        about = QAction(self.tr("&About Returns Desk"), self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(keys)
        help_menu.addAction(about)

    def _build_status(self) -> None:
        self.status_label = QLabel()
        self.statusBar().addPermanentWidget(self.status_label, 1)
        self._update_status()

    @Slot()
    def _update_status(self) -> None:
        s = self.desk.settings
        self.status_label.setText(
            self.tr("Store: %1 · Counter: %2 · Market: %3 (%4) · Catalogue %5 · %6")
            .replace("%1", s["store_name"]).replace("%2", s["counter"]).replace("%3", s.market)
            .replace("%4", s.currency).replace("%5", self.desk.catalogue.version).replace("%6", self.desk.conn.path)
        )

    @Slot()
    def show_counter(self) -> None:
        self.tabs.setCurrentWidget(self.counter)
        self.counter.model_edit.setFocus()

    @Slot()
    def show_log(self) -> None:
        self.tabs.setCurrentWidget(self.log_page)
        self.log_page.table.setFocus()

    @Slot(int)
    def _on_tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.counter:
            self.counter.model_edit.setFocus()

    @Slot()
    def backup_now(self) -> None:
        from returns_desk.services import backup_service  # not needed at start-up

        try:
            path = backup_service.backup(self.desk, actor=self.counter.clerk_edit.text().strip() or "window")
        except ReturnsDeskError as exc:
            messages.error(self, self.tr("Backup"), exc.message(self.lang))
            return
        messages.info(self, self.tr("Backup"), self.tr("Backup written to %1").replace("%1", str(path)))

    def keyboard_help_text(self) -> str:
        rows = [
            ("F2 / Ctrl+1", self.tr("Counter")), ("F3 / Ctrl+2", self.tr("Returns log")),
            ("Enter", self.tr("next field; in the model field: the first field still needed")),
            ("↓", self.tr("in the model field: the “did you mean” list")),
            ("F4", self.tr("use the corrected serial number")), ("Ctrl+S", self.tr("save the return")),
            (self.tr("Enter in Notes"), self.tr("save the return")), ("Ctrl+N", self.tr("clear the form")),
            ("Alt+M / B / D / S / O / R / A", self.tr("model, batch, date, serial, condition, remedy, amount")),
            (self.tr("Scanner"), self.tr("a scan in any other field goes to the model field")),
            (self.tr("Enter in the log"), self.tr("open the selected return")), ("Ctrl+Q", self.tr("quit")),
        ]
        return "<table>" + "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{v}</td></tr>" for k, v in rows) + "</table>"

    @Slot()
    def show_keyboard_help(self) -> None:
        QMessageBox.information(self, self.tr("Keyboard"), self.keyboard_help_text())

    @Slot()
    def show_about(self) -> None:
        QMessageBox.about(
            self, self.tr("About Returns Desk"),
            self.tr("%1 %2<br>Recall catalogue %3<br>Database: %4")
            .replace("%1", APP_NAME).replace("%2", __version__).replace("%3", self.desk.catalogue.version).replace("%4", self.desk.conn.path),
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.ui_settings.setValue("window/geometry", self.saveGeometry())
        self.ui_settings.sync()
        super().closeEvent(event)
