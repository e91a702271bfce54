"""Starting the window: QApplication, fonts, style, the database, the main window.

The order of a start (issue 15): the store's language and whether it is set up are read with a
plain read of the file (``storage.store_facts``); the window's first frame is made; then

* a store not set up yet (a new file): the database is opened at once and the first-run dialog
  asks for the store and its manager (once per store), then the sign-in;
* a set-up store: the sign-in dialog is the first thing shown, and the database and the rest of
  the window are built behind it while the clerk types the PIN (``MainWindow.stages``); its PIN
  check opens the database at once if that has not happened yet.

After the sign-in the counter's first frame (the model field with the keyboard in it, and the
verdict banner) is shown with whatever stages are left still to come: keys typed meanwhile land
in the model field. The start-up checks (backup, integrity) are the last stage.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QLocale, QObject, QSettings, QSize, Signal, Slot
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import QApplication

from returns_desk import APP_NAME, paths
from returns_desk.domain.messages import normalise_lang
from returns_desk.ui.i18n import set_language

from returns_desk.domain.vocab import CJK_FAMILIES  # one list for the window and the PDFs

if TYPE_CHECKING:
    from returns_desk.services.desk import Desk
    from returns_desk.storage.store_facts import StoreFacts
    from returns_desk.ui.main_window import MainWindow


def ui_settings() -> QSettings:
    """Window geometry and the like, in an INI file beside the database folder (never the registry)."""
    folder = paths.data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QSettings(str(folder / "ui.ini"), QSettings.Format.IniFormat)


def app_icon() -> QIcon:
    """The application's icon, from the PNG sizes drawn from ``resources/icons/returns-desk.svg``."""
    icon = QIcon()
    for size in (16, 32, 48, 256):
        png = paths.resource_path("icons", f"returns-desk-{size}.png")
        if png.exists():
            icon.addFile(str(png), QSize(size, size))
    return icon


def make_application(lang: str | None = None) -> QApplication:
    """The QApplication with its name, icon, fonts and style. With ``lang``, the translators for
    that language are installed too (:func:`returns_desk.ui.i18n.set_language`)."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("returns-desk")
    app.setWindowIcon(app_icon())
    app.setDesktopFileName("returns-desk")
    font = QFont(app.font())
    # Chinese text falls back to the first of these that is installed (asked for by name, without
    # listing every installed family first: that costs the first frame 3 ms)
    font.setFamilies([font.family(), *CJK_FAMILIES])
    app.setFont(font)
    qss = paths.resource_path("styles", "app.qss")
    if qss.exists():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))
    if lang:
        set_language(lang)
    return app


def window_language(lang: str | None, desk_language: str = "") -> str:
    """``--lang``, else the database setting ``language``, else the system locale."""
    if lang:
        return normalise_lang(lang)
    if desk_language:
        return normalise_lang(desk_language)
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if os.environ.get(var):
            return normalise_lang(os.environ[var])
    return normalise_lang(QLocale.system().name())


def open_or_recover(db: str | None, lang: str) -> Desk | None:
    """Open the database; when it is damaged, offer the newest good backup (never silently)."""
    from PySide6.QtWidgets import QMessageBox

    from returns_desk.domain.errors import ReturnsDeskError
    from returns_desk.services import backup_service
    from returns_desk.services.desk import Desk

    try:
        return Desk.open(db)
    except ReturnsDeskError as exc:
        path = db or str(paths.default_db_path())
        good = backup_service.newest_good_backup(path) if exc.key in ("db_damaged", "db_not_sqlite") else None
        if good is None:
            QMessageBox.critical(None, APP_NAME, exc.message(lang))
            return None
        question = QApplication.translate(
            "Recovery", "%1\n\nRestore the newest good backup, %2?\nThe damaged file is kept aside, not overwritten."
        ).replace("%1", exc.message(lang)).replace("%2", good.name)
        answer = QMessageBox.question(None, APP_NAME, question, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return None
        try:
            desk, _aside = backup_service.recover(path, good)
        except ReturnsDeskError as again:
            QMessageBox.critical(None, APP_NAME, again.message(lang))
            return None
        return desk


class StartUpChecks(QObject):
    """After the window is shown, in a worker thread with its own connection, so a big database
    opens at once: the day's first automatic backup, then ``PRAGMA quick_check``."""

    backup_failed = Signal(str)
    done = Signal(str)  # the integrity problem; empty when healthy

    def __init__(self, db_path: str, actor: str, lang: str) -> None:
        super().__init__()
        self.db_path = db_path
        self.actor = actor
        self.lang = lang

    @Slot()
    def run(self) -> None:
        from returns_desk.domain.errors import ReturnsDeskError
        from returns_desk.services import backup_service
        from returns_desk.services.desk import Desk

        try:
            try:
                with Desk.open(self.db_path) as desk:
                    backup_service.daily_backup_if_due(desk, actor=self.actor)
            except ReturnsDeskError as exc:
                self.backup_failed.emit(exc.message(self.lang))
            self.done.emit(backup_service.integrity_problem(self.db_path) or "")
        except RuntimeError:
            # "Signal source has been deleted": the program quit while the checks ran (the thread
            # is a daemon, quitting never waits for it); there is no window left to tell
            if shiboken6.isValid(self):
                raise


def start_integrity_check(window: MainWindow) -> threading.Thread:
    """Run the start-up checks in a daemon thread: quitting never waits for them (a backup is
    written under a temporary name and only renamed when complete, so an interrupted one leaves
    no half backup behind). Results reach the window through queued signals."""
    job = StartUpChecks(window.desk.conn.path, window.actor.name, window.lang)
    job.backup_failed.connect(window.statusBar().showMessage)
    job.done.connect(window.on_integrity_checked)
    window._startup_checks = job  # keep the QObject alive as long as the window
    thread = threading.Thread(target=job.run, name="start-up checks", daemon=True)
    thread.start()
    return thread


class PeopleAtStart:
    """The sign-in dialog's people service while the database opens behind it: the clerks to
    offer come from the store facts read before the first frame; everything else (checking the
    PIN, approving a new signing key) is the window's PeopleService, the database being opened
    at once if the start-up stages have not done it yet."""

    def __init__(self, window: MainWindow, facts: StoreFacts) -> None:
        self._window = window
        self._facts = facts

    def list_clerks(self) -> list[dict[str, object]]:
        if self._window.stages.done("database") and not self._window.failed:
            return self._window.people.list_clerks()
        return [dict(c) for c in self._facts.clerks]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._window.people, name)


def run_window(db: str | None = None, lang: str | None = None) -> int:
    from returns_desk.storage.store_facts import read_store_facts
    from returns_desk.ui.main_window import MainWindow

    app = make_application(window_language(lang))
    facts = read_store_facts(db if db is not None else paths.default_db_path())
    desk: Desk | None = None
    window: MainWindow | None = None
    try:
        manager = ""
        if facts is None or not facts.set_up:
            # a new file (or one the plain read could not read: the full open says why): opened
            # now, and a store not set up yet asks for its store and manager first
            from returns_desk.services.people_service import PeopleService
            from returns_desk.ui.people_dialogs import FirstRunDialog

            desk = open_or_recover(db, window_language(lang))
            if desk is None:
                return 1
            language = window_language(lang, desk.settings["language"])
            set_language(language)
            people = PeopleService(desk)
            if not people.is_set_up():
                manager = FirstRunDialog.run(people, language) or ""
                if not manager:
                    return 0
                language = window_language(lang, desk.settings["language"])
                set_language(language)
            opened = desk
            window = MainWindow.staged(language, ui_settings(), desk.settings["store_name"], desk.conn.path, desk.conn.readonly,
                                       lambda: opened)
            sign_in_people: Any = people
        else:
            language = window_language(lang, facts.settings.get("language", ""))
            set_language(language)
            window = MainWindow.staged(language, ui_settings(), facts.settings.get("store_name", ""), facts.path,
                                       not facts.writable, lambda: open_or_recover(db, language))
            sign_in_people = PeopleAtStart(window, facts)
        from returns_desk.ui.people_dialogs import SignInDialog

        # the database and the rest of the window are built behind this dialog (window.stages)
        window.stages.start_after_first_paint(window.head.model_edit)
        actor = SignInDialog.ask(sign_in_people, language, who=manager)  # the manager who just set up signs in first
        if window.failed:
            return 1
        if actor is None:
            return 0
        window.begin(actor)
        window.show()
        window.head.model_edit.setFocus()
        shown = window
        shown.stages.add("start-up checks", lambda: start_integrity_check(shown))
        code = app.exec()
        return 1 if window.failed else code
    finally:
        if window is not None:
            window.stages.stop()
            if window.opened_desk is not None:
                window.opened_desk.close()
        if desk is not None:
            desk.close()  # closing twice (after a restore) is harmless
