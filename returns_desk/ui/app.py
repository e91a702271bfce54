"""Starting the window: QApplication, fonts, style, the database, the main window."""

from __future__ import annotations

import os
import sys
import threading

from PySide6.QtCore import QLocale, QObject, QSettings, QSize, Signal, Slot
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from returns_desk import APP_NAME, paths
from returns_desk.domain.errors import ReturnsDeskError
from returns_desk.domain.messages import normalise_lang
from returns_desk.ui.i18n import set_language

from returns_desk.domain.vocab import CJK_FAMILIES  # one list for the window and the PDFs


def cjk_family() -> str | None:
    available = set(QFontDatabase.families())
    return next((f for f in CJK_FAMILIES if f in available), None)


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
    family = cjk_family()
    if family:
        font.setFamilies([font.family(), family])
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


def open_or_recover(db: str | None, lang: str):
    """Open the database; when it is damaged, offer the newest good backup (never silently)."""
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
        from returns_desk.services import backup_service
        from returns_desk.services.desk import Desk

        try:
            with Desk.open(self.db_path) as desk:
                backup_service.daily_backup_if_due(desk, actor=self.actor)
        except ReturnsDeskError as exc:
            self.backup_failed.emit(exc.message(self.lang))
        self.done.emit(backup_service.integrity_problem(self.db_path) or "")


def start_integrity_check(window) -> threading.Thread:
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


def run_window(db: str | None = None, lang: str | None = None) -> int:
    from returns_desk.ui.main_window import MainWindow

    app = make_application(window_language(lang))
    desk = open_or_recover(db, window_language(lang))
    if desk is None:
        return 1
    from returns_desk.services.people_service import PeopleService
    from returns_desk.ui.people_dialogs import FirstRunDialog, SignInDialog

    try:
        language = window_language(lang, desk.settings["language"])
        set_language(language)
        people = PeopleService(desk)
        manager = ""
        if not people.is_set_up():
            manager = FirstRunDialog.run(people, language) or ""
            if not manager:
                return 0
            language = window_language(lang, desk.settings["language"])
            set_language(language)
        actor = SignInDialog.ask(people, language, who=manager)  # the manager who just set up signs in first
        if actor is None:
            return 0
        window = MainWindow(desk, language, ui_settings(), actor)
        window.show()
        window.counter.model_edit.setFocus()
        start_integrity_check(window)
        return app.exec()
    finally:
        desk.close()  # closing twice (after a restore) is harmless
