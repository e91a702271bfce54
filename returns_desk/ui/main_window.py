"""The main window: the Counter and the Returns log, a status bar, menus with every shortcut.

Start-up comes in stages (issue 15): the first frame is the window's frame with the counter's
model field and verdict banner (``ui.first_frame``); the database, the counter page around those
widgets, the menus' actions, the lock screen and the background services follow, one stage each
time the event loop is idle (:class:`returns_desk.ui.first_frame.IdleStages`). This module
imports no more than that first frame needs; the rest is imported by the stage that uses it.
``MainWindow(desk, ...)`` builds every stage at once; ``MainWindow.staged(...)`` is the start-up.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, QTimer, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QMainWindow, QScrollArea, QStackedWidget, QTabWidget, QWidget

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from returns_desk import __version__
from returns_desk.ui.first_frame import CounterHead, IdleStages, first_page
from returns_desk.ui.pages import PAGES

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QCloseEvent

    from returns_desk.domain.auth import Actor
    from returns_desk.services.desk import Desk
    from returns_desk.services.people_service import PeopleService
    from returns_desk.ui.counter_page import CounterPage
    from returns_desk.ui.report_page import ReportPage
    from returns_desk.ui.returns_log_page import ReturnsLogPage
    from returns_desk.ui.ticket_scan import TicketScanWatch

# The window's start-up stages, in order (``IdleStages``); the start-up checks come after them.
DATABASE, COUNTER_MODULES, COUNTER = "database", "counter page's modules", "counter page"
MENUS, SERVICES = "menus, lock screen, status", "head-office sync, scans, idle lock"


def _app() -> QApplication:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app


class _IdleWatch(QObject):
    """Restarts the auto-lock timer on every key press or mouse click in the application."""

    def __init__(self, timer: QTimer) -> None:
        from PySide6.QtCore import QEvent

        super().__init__(timer)
        self.timer = timer
        self.types = (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in self.types and self.timer.interval() > 0:
            self.timer.start()
        return False


class MainWindow(QMainWindow):
    """The signed-in clerk (``actor``) is passed to every page; locking hides the pages until
    someone signs in again (the same clerk, or another: a quick switch)."""

    actor: Actor
    ticket_scans: TicketScanWatch
    _startup_checks: QObject  # ui.app.start_integrity_check keeps its job alive here

    def __init__(self, desk: Desk, lang: str, ui_settings: QSettings, actor: Actor, parent: QWidget | None = None) -> None:
        """The whole window at once, on an open database."""
        super().__init__(parent)
        self._first_frame(lang, ui_settings, desk.settings["store_name"], desk.conn.path, desk.conn.readonly, lambda: desk)
        self.begin(actor)
        self.stages.run_all()

    @classmethod
    def staged(cls, lang: str, ui_settings: QSettings, store_name: str, db_path: str, readonly: bool,
               open_desk: Callable[[], Desk | None]) -> MainWindow:
        """The first frame only (not shown yet); the rest is built by ``stages`` when the event
        loop is idle. ``open_desk`` opens the database (None: it could not be, and said why);
        :meth:`begin` names the clerk once signed in."""
        window = cls.__new__(cls)
        QMainWindow.__init__(window)
        window._first_frame(lang, ui_settings, store_name, db_path, readonly, open_desk)
        return window

    # --- the first frame ----------------------------------------------------------------------

    def _first_frame(self, lang: str, ui_settings: QSettings, store_name: str, db_path: str, readonly: bool,
                     open_desk: Callable[[], Desk | None]) -> None:
        self.lang = lang
        self.ui_settings = ui_settings
        self.restored = False
        self.failed = False  # the database could not be opened behind the first frame
        self._open_desk = open_desk
        self._db_path = db_path
        self._desk: Desk | None = None
        self._people: PeopleService | None = None
        self._signed_in = False
        self._idle_watch: _IdleWatch | None = None
        self.setWindowTitle(self.tr("Returns Desk — %1").replace("%1", store_name))
        # the log's count of a million rows runs on a second connection while the window starts
        self.first_count: Callable[[], int] | None = None
        self.head = CounterHead(db_path, readonly)
        self.tabs = QTabWidget()
        # every page comes from ui.pages.PAGES; the counter is built by a start-up stage around
        # the head, the others the first time they are shown
        self._pages: dict[str, QWidget] = {}
        for spec in PAGES:
            self.tabs.addTab(first_page(self.head) if spec.eager else QWidget(), spec.tab_title())
        self.lock_page = QWidget()  # its contents come with the menus (nothing can lock before)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tabs)
        self.stack.addWidget(self.lock_page)
        # on a screen smaller than the pages need (1024x768) the pages scroll rather than being cut
        self.page_scroll = QScrollArea()
        self.page_scroll.setWidget(self.stack)
        self.page_scroll.setWidgetResizable(True)
        self.page_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.setCentralWidget(self.page_scroll)
        # the menu bar's titles and the status bar are there from the first frame: nothing moves
        # when their contents arrive
        self.file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.go_menu = self.menuBar().addMenu(self.tr("&Go"))  # not &View: Alt+V is Void and Print preview
        self.help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.status_label = QLabel(" ")  # a line's height already: the status bar keeps its height when the text comes
        self.statusBar().addPermanentWidget(self.status_label, 1)
        # head office: background sync and its state in the status bar (ui/sync_status.py); its
        # hidden button already counts in the status bar's height. Started by a stage.
        from returns_desk.ui.sync_status import SyncStatus

        self.sync_status = SyncStatus(self, db_path, lang)
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.timeout.connect(self.lock)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        geometry = ui_settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 860)
        self.fit_to_screen()
        self.stages = IdleStages(self)
        self.stages.add(DATABASE, self._stage_database)
        self.stages.add(COUNTER_MODULES, self._stage_counter_modules)
        self.stages.add(COUNTER, self._stage_counter)
        self.stages.add(MENUS, self._stage_menus)
        self.stages.add(SERVICES, self._stage_services)

    def begin(self, actor: Actor) -> None:
        """The clerk who signed in at start-up (before or after the stages are done)."""
        self.actor = actor
        self._signed_in = True
        self.head.set_clerk(actor.name)
        if self.stages.done(MENUS):
            self._update_status()
        if self.stages.done(SERVICES):
            self._apply_auto_lock()

    # --- the stages ---------------------------------------------------------------------------

    def _stage_database(self) -> None:
        desk = self._open_desk()
        if desk is None:  # said why already (a damaged file, a refused restore)
            self.failed = True
            self.stages.stop()
            from PySide6.QtWidgets import QDialog

            modal = QApplication.activeModalWidget()
            if isinstance(modal, QDialog):
                modal.reject()  # the sign-in dialog waiting behind the failure
            QTimer.singleShot(0, self.close)
            return
        from returns_desk.services.people_service import PeopleService

        self._desk = desk
        self._people = PeopleService(desk)

    def _stage_counter_modules(self) -> None:
        # imported in a stage of their own (Qt's enum namespace and the lookup engine's modules
        # are a good part of the page's cost): a key typed meanwhile waits for half as long
        import returns_desk.ui.counter_page  # noqa: F401

    def _stage_counter(self) -> None:
        from returns_desk.ui.counter_page import CounterPage

        had_focus = QApplication.focusWidget() in (None, self.head.model_edit)
        page = CounterPage(self.desk, self.lang, lambda: self.actor, head=self.head)
        self._put_page("counter", page)
        if self._signed_in:
            page.set_signed_in(self.actor)
        page.return_recorded.connect(self._on_return_recorded)
        page.return_recorded.connect(self._update_status)
        page.incident_recorded.connect(self._on_return_recorded)
        if had_focus and not self.locked and self.tabs.currentWidget() is page:
            page.resume_typing()  # the keyboard stays in the model field; Enter pressed meanwhile acts now

    def _stage_menus(self) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QKeySequence
        from PySide6.QtWidgets import QPushButton, QVBoxLayout

        from returns_desk.services.log_service import LogService
        from returns_desk.storage.repository import ReturnFilter
        from returns_desk.ui.keys import shortcut

        # the log's count of a million rows runs on a second connection while the window starts
        if "log" not in self._pages:
            self.first_count = LogService(self.desk).count_soon(ReturnFilter())
        lock_layout = QVBoxLayout(self.lock_page)
        lock_label = QLabel(self.tr("Locked. Sign in to continue."))
        lock_label.setObjectName("verdictReason")
        self.unlock_button = QPushButton(self.tr("&Sign in…"))
        self.unlock_button.clicked.connect(self.unlock)
        for k in (Qt.Key.Key_Return, Qt.Key.Key_Enter):  # Enter signs in, as Space does
            shortcut(QKeySequence(k), self.lock_page, self.unlock, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        lock_layout.addStretch(1)
        lock_layout.addWidget(lock_label, 0, Qt.AlignmentFlag.AlignHCenter)
        lock_layout.addWidget(self.unlock_button, 0, Qt.AlignmentFlag.AlignHCenter)
        lock_layout.addStretch(1)
        self._build_menus()
        if self._signed_in:
            self._update_status()

    def _stage_services(self) -> None:
        from returns_desk.ui.ticket_scan import TicketScanWatch, open_entry_dialog

        desk, lang = self.desk, self.lang
        self.counter.return_recorded.connect(self.sync_status.after_save)
        QTimer.singleShot(1500, self.sync_status.start)  # after start-up, off its path
        # a bag label scanned anywhere but on the Custody page opens its return (issue 14)
        self.ticket_scans = TicketScanWatch(self, lambda: self.built_page("custody"), desk,
                                            lambda ticket: open_entry_dialog(self, desk, lang, lambda: self.actor, ticket))
        self.ticket_scans.install()
        # application-wide, so installed after the first frame rather than on the start-up path
        self._idle_watch = _IdleWatch(self.idle_timer)
        _app().installEventFilter(self._idle_watch)
        if self._signed_in:
            self._apply_auto_lock()

    # --- what the stages give (built now when asked for before their stage ran) ----------------

    @property
    def desk(self) -> Desk:
        if self._desk is None:
            self.stages.run_through(DATABASE)
        if self._desk is None:  # the stage failed and said why
            from returns_desk.storage.database import StorageError

            raise StorageError("db_unreadable", path=self._db_path, detail="")
        return self._desk

    @property
    def opened_desk(self) -> Desk | None:
        """The database, when a stage has opened it (None before, or when it could not be)."""
        return self._desk

    @property
    def people(self) -> PeopleService:
        self.desk  # noqa: B018 - opened now when the stage has not run yet
        assert self._people is not None
        return self._people

    @property
    def counter(self) -> CounterPage:
        if "counter" not in self._pages:
            self.stages.run_through(COUNTER)
        return self._pages["counter"]  # type: ignore[return-value]

    def fit_to_screen(self) -> None:
        """Keep the window inside the screen's available area (a remembered size from a bigger
        screen, or the default size on a 1366x768 counter screen, would put the status bar and
        the buttons below the edge)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        frame_w = max(0, self.frameGeometry().width() - self.geometry().width())
        frame_h = max(0, self.frameGeometry().height() - self.geometry().height())
        width = min(self.width(), area.width() - frame_w)
        height = min(self.height(), area.height() - frame_h)
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)
        x = min(max(self.x(), area.left()), area.right() - width - frame_w + 1)
        y = min(max(self.y(), area.top()), area.bottom() - height - frame_h + 1)
        if (x, y) != (self.x(), self.y()):
            self.move(x, y)

    def _build_menus(self) -> None:
        from PySide6.QtGui import QAction, QKeySequence

        file_menu = self.file_menu
        lock = QAction(self.tr("&Lock / switch clerk"), self)
        lock.setShortcut(QKeySequence("Ctrl+L"))
        lock.triggered.connect(self.lock)
        file_menu.addAction(lock)
        backup = QAction(self.tr("&Back up the database now"), self)
        backup.triggered.connect(self.backup_now)
        file_menu.addAction(backup)
        restore = QAction(self.tr("&Restore from backup…"), self)
        restore.triggered.connect(self.restore_from_backup)
        file_menu.addAction(restore)
        file_menu.addSeparator()
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view = self.go_menu
        self.page_actions: dict[str, QAction] = {}
        for spec in PAGES:
            action = QAction(spec.menu_title(), self)
            action.setShortcuts([QKeySequence(k) for k in spec.shortcuts])
            action.triggered.connect(lambda _checked=False, key=spec.key: self.show_page(key))
            view.addAction(action)
            self.page_actions[spec.key] = action

        help_menu = self.help_menu
        keys = QAction(self.tr("&Keyboard"), self)
        keys.setShortcut(QKeySequence("F1"))
        keys.triggered.connect(self.show_keyboard_help)
        about = QAction(self.tr("&About Returns Desk"), self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(keys)
        help_menu.addAction(about)

    @Slot()
    def _update_status(self) -> None:
        s = self.desk.settings
        self.status_label.setText(
            self.tr("Store: %1 · Counter: %2 · Clerk: %7 · Market: %3 (%4) · Catalogue %5 · %6")
            .replace("%1", s["store_name"]).replace("%2", s["counter"]).replace("%3", s.market)
            .replace("%4", s.currency).replace("%5", self.desk.catalogue.version).replace("%6", self.desk.conn.path)
            .replace("%7", self.actor.name)
        )

    def _apply_auto_lock(self) -> None:
        try:
            minutes = max(0, int(self.desk.settings["auto_lock_minutes"] or 0))
        except ValueError:
            minutes = 10
        self.idle_timer.setInterval(minutes * 60_000)
        if minutes:
            self.idle_timer.start()
        else:
            self.idle_timer.stop()

    @property
    def locked(self) -> bool:
        return self.stack.currentWidget() is self.lock_page

    @Slot()
    def lock(self) -> None:
        """Ctrl+L, or idle for the manager's auto-lock time: hide everything until a sign-in."""
        if self.locked:
            return
        self.people.sign_out(self.actor)
        self.stack.setCurrentWidget(self.lock_page)
        self.menuBar().setEnabled(False)
        self.unlock_button.setFocus()

    @Slot()
    def unlock(self) -> None:
        from returns_desk.ui.people_dialogs import SignInDialog

        actor = SignInDialog.ask(self.people, self.lang, self, who=self.actor.name)
        if actor is None:
            return
        self.signed_in(actor)

    def signed_in(self, actor: Actor) -> None:
        if actor.name != self.actor.name:
            self.counter.clear_form()  # a half-filled form is the earlier clerk's, never the new one's
        self.actor = actor
        self.counter.set_signed_in(actor)
        self.stack.setCurrentWidget(self.tabs)
        self.menuBar().setEnabled(True)
        self._update_status()
        self._apply_auto_lock()
        self.show_counter()

    def page(self, key: str) -> QWidget:
        """The page ``key`` of ui.pages.PAGES, built (and put in its tab) the first time it is asked for."""
        if key == "counter":
            return self.counter  # built by its start-up stage, around the first frame's head
        if key not in self._pages:
            self._put_page(key, next(spec for spec in PAGES if spec.key == key).factory(self))
        return self._pages[key]

    def _put_page(self, key: str, page: QWidget) -> None:
        """``page`` in its tab, in place of the stand-in the tab had, the current tab kept."""
        index = next(i for i, spec in enumerate(PAGES) if spec.key == key)
        self._pages[key] = page
        text = self.tabs.tabText(index)
        current = self.tabs.currentIndex()
        self.tabs.blockSignals(True)
        old = self.tabs.widget(index)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, page, text)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        if old is not None:
            old.deleteLater()

    def built_page(self, key: str) -> QWidget | None:
        return self._pages.get(key)

    @Slot(str)
    def show_page(self, key: str) -> None:
        """F2 / F3 / F6 …: show the page and put the keyboard where its work starts."""
        page = self.page(key)
        self.tabs.setCurrentWidget(page)
        focus = getattr(page, "focus_start", None)
        if callable(focus):
            focus()

    @Slot()
    def show_counter(self) -> None:
        self.show_page("counter")

    @Slot()
    def show_log(self) -> None:
        self.show_page("log")

    @property
    def log_page(self) -> ReturnsLogPage:
        return self.page("log")  # type: ignore[return-value]

    @property
    def report_page(self) -> ReportPage:
        return self.page("reports")  # type: ignore[return-value]

    @Slot(str)
    def _on_return_recorded(self, ticket: str) -> None:
        self.first_count = None  # counted before this return: the log, when built, counts again
        log = self.built_page("log")
        if log is not None:
            log.refresh()  # type: ignore[attr-defined]

    @Slot(int)
    def _on_tab_changed(self, index: int) -> None:
        page = self.page(PAGES[index].key)  # a page is built the first time its tab is shown
        focus = getattr(page, "focus_start", None)
        if callable(focus):
            focus()

    @Slot(str)
    def on_integrity_checked(self, problem: str) -> None:
        """The start-up integrity check finished; damage is reported at once, with what to do."""
        from returns_desk.ui import messages

        if not problem:
            self.statusBar().showMessage(self.tr("Database integrity check passed"), 10_000)
            return
        messages.error(
            self, self.tr("Database damaged"),
            self.tr("The integrity check of %1 found damage: %2\n\nDo not close the day. A manager should restore "
                    "the newest good backup (File → Restore from backup…, or `returns-desk restore FILE`).")
            .replace("%1", self.desk.conn.path).replace("%2", problem),
        )

    @Slot()
    def restore_from_backup(self) -> None:
        """Manager only: replace the database with a backup, keep the current file aside, then close
        (the next start opens the restored database)."""
        from returns_desk.ui import messages

        from returns_desk.services import backup_service

        folder = str(backup_service.backups_dir(self.desk.conn.path))
        path = messages.ask_open_path(self, self.tr("Restore from backup"), folder, self.tr("Databases (*.db)"))
        if not path:
            return
        manager = self.actor if self.actor.may("restore") else None
        if manager is None:
            from returns_desk.ui.people_dialogs import ApprovalDialog

            approval = ApprovalDialog.ask(self.people, self.lang, "restore",
                                          self.tr("Restoring replaces today's database with %1.").replace("%1", path), self, need_reason=False)
            manager = approval[0] if approval else None
        if manager is None:
            return
        from returns_desk.domain.errors import ReturnsDeskError

        try:
            fresh, aside = backup_service.restore(self.desk, Path(path), actor=manager)
        except ReturnsDeskError as exc:
            messages.error(self, self.tr("Restore from backup"), exc.message(self.lang))
            return
        fresh.close()
        self.restored = True
        messages.info(self, self.tr("Restore from backup"),
                      self.tr("Restored. The previous database is kept as %1. Returns Desk closes now; start it again.").replace("%1", str(aside)))
        self.close()

    @Slot()
    def backup_now(self) -> None:
        from returns_desk.domain.errors import ReturnsDeskError
        from returns_desk.services import backup_service  # not needed at start-up
        from returns_desk.ui import messages

        try:
            path = backup_service.backup(self.desk, actor=self.actor.name)
        except ReturnsDeskError as exc:
            messages.error(self, self.tr("Backup"), exc.message(self.lang))
            return
        messages.info(self, self.tr("Backup"), self.tr("Backup written to %1").replace("%1", str(path)))

    def keyboard_help_text(self) -> str:
        rows = [
            ("F2 / Ctrl+1", self.tr("Counter")), ("F3 / Ctrl+2", self.tr("Returns log")), ("F6 / Ctrl+3", self.tr("Reports")),
            ("F7 / Ctrl+4", self.tr("Custody: containers; a bag label scanned on another page opens its return")),
            ("Ctrl+P", self.tr("print the customer's return slip for the last return")),
            ("Enter", self.tr("next field; in the model field: the first field still needed")),
            ("↓", self.tr("in the model field: the “did you mean” list")),
            ("F4", self.tr("use the corrected serial number")), ("Ctrl+S", self.tr("save the return")),
            (self.tr("Enter in Notes"), self.tr("save the return")), ("Ctrl+N", self.tr("clear the form")),
            ("Alt+M / B / D / S / O / R / A", self.tr("model, batch, date, serial, condition, remedy, amount")),
            ("Alt+I", self.tr("tick “I have isolated the unit” (Space ticks it too)")),
            (self.tr("↑ / ↓ in Condition"), self.tr("choose the condition; the first letter jumps to it")),
            ("F9", self.tr("on the hot-unit card: record the incident")),
            ("F8", self.tr("not affected: log the enquiry (customer told)")),
            ("Alt+1…9", self.tr("a product name or capacity was typed: take that candidate model")),
            ("Alt+V", self.tr("in the log or an entry: void the return (manager)")),
            ("Alt+L / Alt+B", self.tr("in an entry: reprint the slip / the bag label (marked as a reprint)")),
            ("Alt+D / T / E / M / Y / U / S", self.tr("in the log: the filters (from, to, clerk, model, remedy, status, search); Tab leaves the list")),
            ("Ctrl+L", self.tr("lock the window or switch clerk; Enter on the lock screen signs in")),
            ("F1", self.tr("this list")),
            (self.tr("Scanner"), self.tr("a scan in any other field goes to the model field")),
            (self.tr("Enter in the log"), self.tr("open the selected return")), ("Ctrl+Q", self.tr("quit")),
        ]
        return "<table>" + "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{v}</td></tr>" for k, v in rows) + "</table>"

    @Slot()
    def show_keyboard_help(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.information(self, self.tr("Keyboard"), self.keyboard_help_text())

    @Slot()
    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(
            self, self.tr("About Returns Desk"),
            self.tr("%1, version %2<br>Recall catalogue %3<br>Database: %4")
            .replace("%1", self.tr("Returns Desk")).replace("%2", __version__).replace("%3", self.desk.catalogue.version).replace("%4", self.desk.conn.path),
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.stages.stop()  # closed while starting: build nothing more
        self.sync_status.shutdown()
        for page in self._pages.values():
            shutdown = getattr(page, "shutdown", None)
            if callable(shutdown):
                shutdown()
        if self._idle_watch is not None:
            _app().removeEventFilter(self._idle_watch)
        self.idle_timer.stop()
        self.ui_settings.setValue("window/geometry", self.saveGeometry())
        self.ui_settings.sync()
        super().closeEvent(event)
