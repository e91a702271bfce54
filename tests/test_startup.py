"""Start-up in stages (issue 15, item 1), through the real entry point (``returns-desk`` with no
command: ``cli.main``): the first frame is the model field and the verdict banner, the rest of the
window is built when the event loop is idle, and keys typed meanwhile land in the model field.
The sign-in dialog comes first on a set-up store, with the database and the window built behind it.
(The speed is measured by ``python -m tests.bench.run --only startup``, never here.)"""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from PySide6.QtCore import QAbstractEventDispatcher, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from journey import Journey, Wait, check, dialog_of, focus, key, run_journey, type_text, window_of

pytestmark = pytest.mark.gui

MANAGER, PIN = "Chen Jing", "482913"


def set_up(db: str) -> None:
    from returns_desk import cli

    assert cli.main(["--db", db, "setup", "--store", "Shop 1", "--counter", "C1", "--market", "CN",
                     "--manager", MANAGER, "--pin", PIN]) == 0


def press(text: str = "", k: Qt.Key | None = None) -> None:
    """Keys as a person types them: to whichever widget has the keyboard focus."""
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        target = QApplication.focusWidget()
        assert target is not None, "nothing has the keyboard focus"
        QApplication.sendEvent(target, QKeyEvent(kind, int(k) if k is not None else 0, Qt.KeyboardModifier.NoModifier, text))


def layout_of(window) -> dict[str, tuple[int, ...]]:
    """Where the first frame's parts are in the window (x, y, height; the width follows the
    window's, which on the tests' 800-pixel screen scrolls sideways once the whole page is there)."""
    from PySide6.QtCore import QPoint

    out: dict[str, tuple[int, ...]] = {}
    for name in ("model_label", "model_edit", "clerk_label", "verdict_icon", "verdict_banner"):
        w = getattr(window.head, name)
        p = w.mapTo(window, QPoint(0, 0))
        out[name] = (p.x(), p.y(), w.height())
    out["tab bar"] = window.tabs.tabBar().geometry().getRect()
    out["menu bar"] = window.menuBar().geometry().getRect()
    out["status bar"] = window.statusBar().geometry().getRect()
    return out


def start_signed_in(monkeypatch, db: str, at_first_frame, when_built) -> int:
    """``returns-desk --db DB`` with the sign-in accepted at once (as the benchmark does), so the
    counter's first frame comes before the rest of the window: ``at_first_frame(window)`` runs at
    the first idle moment after the model field was painted with the keyboard in it, before any
    stage; ``when_built(window)`` once every stage is built; then the window closes."""
    from returns_desk import cli
    from returns_desk.domain.auth import Actor
    from returns_desk.ui import people_dialogs
    from returns_desk.ui.main_window import MainWindow

    monkeypatch.setattr(people_dialogs.SignInDialog, "ask", classmethod(lambda cls, *a, **k: Actor(MANAGER, "manager")))
    original_show = MainWindow.show

    def show(window: MainWindow) -> None:
        original_show(window)
        dispatcher = QAbstractEventDispatcher.instance()
        painted = []

        class Filter(QObject):
            def eventFilter(self, obj, event) -> bool:  # noqa: N802
                if event.type() == QEvent.Type.Paint:
                    painted.append(True)
                return False

        flt = Filter(window)
        window.head.model_edit.installEventFilter(flt)

        def idle() -> None:
            if painted and QApplication.focusWidget() is window.head.model_edit:
                dispatcher.aboutToBlock.disconnect(idle)
                at_first_frame(window)
                window.stages.when_done(built)

        def built() -> None:
            if window.isVisible():
                when_built(window)
                window.close()

        dispatcher.aboutToBlock.connect(idle)

    monkeypatch.setattr(MainWindow, "show", show)
    return cli.main(["--db", db])


def test_keys_typed_at_the_first_frame_land_in_the_model_field_and_are_looked_up(qtbot, tmp_path, monkeypatch):
    db = str(tmp_path / "shop.db")
    set_up(db)
    seen: dict[str, object] = {}

    def at_first_frame(window) -> None:
        seen["stages before typing"] = [name for name in window.stages.timings]
        seen["page built before typing"] = window.built_page("counter") is not None
        press("A")
        for ch in "1257":
            press(ch)
        seen["typed into"] = window.head.model_edit.text()
        seen["first frame layout"] = layout_of(window)

    def when_built(window) -> None:
        page = window.counter
        seen["model"] = page.model_edit.text()
        seen["same field"] = page.model_edit is window.head.model_edit
        seen["focus"] = QApplication.focusWidget() is page.model_edit
        seen["verdict"] = page.result.verdict if page.result else None
        seen["banner"] = page.verdict_banner.text()
        seen["needs"] = list(page.result.needs) if page.result else None
        seen["serial shown"] = page.serial_edit.isVisible()
        seen["built layout"] = layout_of(window)

    assert start_signed_in(monkeypatch, db, at_first_frame, when_built) == 0
    assert seen["stages before typing"] == [] and seen["page built before typing"] is False, seen
    assert seen["typed into"] == "A1257"
    assert seen["model"] == "A1257" and seen["same field"] and seen["focus"], seen
    assert seen["verdict"] == "recalled" and str(seen["banner"]).startswith("RECALLED"), seen
    assert seen["needs"] == ["serial"] and seen["serial shown"], seen
    assert seen["first frame layout"] == seen["built layout"]  # nothing moves when the rest of the window arrives


def test_the_first_frame_speaks_the_store_language(qtbot, tmp_path, monkeypatch):
    db = str(tmp_path / "shop.db")
    set_up(db)
    sqlite3.connect(db).execute("UPDATE settings SET value = 'zh_CN' WHERE key = 'language'").connection.commit()
    seen: dict[str, str] = {}

    def at_first_frame(window) -> None:
        seen["label"] = window.head.model_label.text()
        seen["banner"] = window.head.verdict_banner.text()

    def when_built(window) -> None:
        seen["built banner"] = window.counter.verdict_banner.text()

    try:
        assert start_signed_in(monkeypatch, db, at_first_frame, when_built) == 0
    finally:
        from returns_desk.ui.i18n import set_language

        set_language("en")
    assert seen == {"label": "型号(&M)", "banner": "请输入或扫描型号", "built banner": "请输入或扫描型号"}, seen


def test_enter_pressed_before_the_page_is_built_goes_on_to_the_first_field_needed(qtbot, tmp_path, monkeypatch):
    db = str(tmp_path / "shop.db")
    set_up(db)
    seen: dict[str, object] = {}

    def at_first_frame(window) -> None:
        for ch in "A1257":
            press(ch)
        press("\r", Qt.Key.Key_Return)
        seen["page built at Enter"] = window.built_page("counter") is not None

    def when_built(window) -> None:
        page = window.counter
        seen["focus"] = QApplication.focusWidget() is page.serial_edit
        seen["model"] = page.model_edit.text()

    assert start_signed_in(monkeypatch, db, at_first_frame, when_built) == 0
    assert seen == {"page built at Enter": False, "focus": True, "model": "A1257"}


def test_the_sign_in_comes_first_and_the_window_is_built_behind_it(qtbot, tmp_path):
    """A set-up store: the sign-in dialog is shown before the database is opened; while it waits
    for the PIN, the database, the counter page and the menus are built (not shown); after the
    sign-in the counter is there, complete, with the keyboard in the model field."""
    from returns_desk.ui.main_window import MainWindow
    from returns_desk.ui.people_dialogs import SignInDialog

    db = str(tmp_path / "shop.db")
    set_up(db)
    seen: dict[str, object] = {}

    earlier = {id(w) for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)}  # of other tests

    def hidden_window() -> MainWindow | None:
        return next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and id(w) not in earlier), None)

    def journey() -> Journey:
        d = yield Wait("the sign-in dialog", dialog_of(SignInDialog))
        w = hidden_window()
        check(w is not None and not w.isVisible(), "the window waits behind the sign-in, not shown")
        seen["offered"] = d.name_combo.currentText() or d.name_combo.itemText(0)
        yield Wait("the window built behind the dialog", lambda: w.stages.done("menus, lock screen, status"))
        check(d.isVisible() and focus() in (d.pin_edit, d.name_combo, d.name_combo.lineEdit()), "the dialog keeps the keyboard meanwhile")
        if focus() is not d.pin_edit:
            yield type_text(MANAGER)
            yield key(Qt.Key.Key_Tab)
        yield type_text(PIN)
        yield key(Qt.Key.Key_Return)
        window = yield Wait("the main window", window_of(MainWindow))
        check(window is w, "the window shown is the one built behind the dialog")
        check(focus() is window.counter.model_edit, "the counter starts in the model field")
        yield type_text("A1257")
        check(window.counter.verdict_banner.text().startswith("RECALLED"), window.counter.verdict_banner.text())
        check(MANAGER in window.counter.clerk_label.text() and MANAGER in window.status_label.text(), "the clerk is named")
        seen["done"] = True
        window.close()

    assert run_journey(journey(), ["--db", db]) == 0
    assert seen == {"offered": MANAGER, "done": True}


def test_a_file_the_full_open_refuses_after_the_first_frame_is_said_and_exits_1(qtbot, tmp_path, monkeypatch):
    """The plain read before the first frame finds a set-up store, but the full open behind the
    sign-in refuses the file (written by a newer Returns Desk): the message is shown, the sign-in
    closes, the exit code is 1, nothing half-started stays."""
    from returns_desk import cli

    db = str(tmp_path / "shop.db")
    set_up(db)
    con = sqlite3.connect(db)
    con.execute("PRAGMA user_version = 9999")
    con.close()
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a: said.append(text))
    assert cli.main(["--db", db]) == 1
    assert said and "newer" in said[0].lower(), said
    assert not [w for w in QApplication.topLevelWidgets() if w.isVisible()]


def test_the_window_options_are_read_as_the_full_parser_reads_them():
    from returns_desk.cli import _window_options, build_parser

    parser = build_parser()
    for argv in ([], ["--db", "x.db"], ["--db=x.db"], ["--lang", "zh_CN"], ["--lang=en", "--db", "a", "--db", "b"]):
        fast = _window_options(argv)
        full = parser.parse_args(argv)
        assert fast == {"db": full.db, "lang": full.lang} and full.command is None and not full.selftest, argv
    for argv in (["lookup", "A1257"], ["--db"], ["--lang", "fr"], ["--help"], ["--version"], ["--selftest"], ["--la", "en"],
                 ["--db", "x", "lookup", "A1257"], ["--db", "-x"]):
        assert _window_options(argv) is None, argv  # left to the full parser, which says what is wrong


def test_the_first_frame_imports_no_service_storage_or_catalogue():
    """What the first frame needs comes from Qt and a few small modules; the database, the
    catalogue, the services and the pages are imported by the stages after it."""
    code = (
        "import sys; import returns_desk.ui.app, returns_desk.ui.main_window, returns_desk.ui.first_frame, "
        "returns_desk.ui.people_dialogs, returns_desk.storage.store_facts; "
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('returns_desk'))))"
    )
    loaded = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split())
    heavy = {m for m in loaded if m.startswith(("returns_desk.services", "returns_desk.reports", "returns_desk.export"))
             or m in {"returns_desk.storage.database", "returns_desk.storage.repository", "returns_desk.domain.catalogue",
                      "returns_desk.domain.lookup", "returns_desk.ui.counter_page", "returns_desk.ui.returns_log_page"}}
    assert "returns_desk.ui.first_frame" in loaded and not heavy, heavy


def test_the_pin_field_asks_an_on_screen_keyboard_for_digits_once_drawn(qtbot):
    """The PIN field's input-method hints are set after its first paint (Qt's enum namespace is
    not set up before the sign-in dialog is drawn), and they are set."""
    from returns_desk.ui.people_dialogs import _pin_edit

    edit = _pin_edit()
    qtbot.addWidget(edit)
    edit.show()
    hints = Qt.InputMethodHint
    qtbot.waitUntil(lambda: bool(edit.inputMethodHints() & hints.ImhDigitsOnly), timeout=5000)
    assert edit.inputMethodHints() & hints.ImhSensitiveData


def test_start_up_checks_finishing_after_the_program_quit_say_nothing(tmp_path, capsys):
    """The start-up checks run in a daemon thread that quitting does not wait for: when they end
    after the window (and their signals' QObject) is gone, they end quietly, no traceback."""
    import shiboken6

    from returns_desk.services.desk import Desk
    from returns_desk.ui.app import StartUpChecks

    db = tmp_path / "r.db"
    Desk.open(db).close()
    job = StartUpChecks(str(db), "Li Na", "en")
    shiboken6.delete(job)  # what quitting does to it
    job.run()
    assert capsys.readouterr().err == ""
