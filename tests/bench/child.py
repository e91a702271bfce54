"""Child processes for the benchmarks that need a fresh interpreter (run by ``tests.bench.run``).

    python -m tests.bench.child bare                 a bare PySide6 window (the start-up baseline)
    python -m tests.bench.child app DB [--log]       the real application (``returns-desk --db DB``)
    python -m tests.bench.child sign-in DB           the same up to the sign-in dialog
    python -m tests.bench.child log DB [--trace]     the returns log: first screen, scrolling, memory
    python -m tests.bench.child phases DB            where the application's start-up goes

``bare`` and ``app`` print ``READY <peak RSS kB>`` at their first frame: the window painted
(its line edit, the model field in ``app``, has had a paint event), the keyboard in that field,
and the event loop idle (``QAbstractEventDispatcher.aboutToBlock``: nothing left to do but wait
for input). The parent times process start to that line. ``bare`` then quits. ``app`` goes on
until every start-up stage of the window is built (``MainWindow.stages``) and reads the returns
log's first screen (the rows the log's table would show), then prints ``WHOLE <kB>`` ("whole
window ready", what READY meant before the first frame came first); with ``--log`` it prints
no WHOLE line but opens the log tab, scrolls to the end and prints ``AFTER-LOG <kB>``.

``log`` prints one JSON object.
"""

from __future__ import annotations

import sys
import time

MARKER = "READY"
WHOLE = "WHOLE"


def peak_rss_kb() -> int:
    """VmHWM: the most resident memory this process ever had (Linux)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def rss_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _when_idle(callback) -> None:
    """Call ``callback`` once, the first time the event loop is about to block (idle)."""
    from PySide6.QtCore import QAbstractEventDispatcher

    dispatcher = QAbstractEventDispatcher.instance()
    done = []

    def fire() -> None:
        if done:
            return
        done.append(True)
        dispatcher.aboutToBlock.disconnect(fire)
        callback()

    dispatcher.aboutToBlock.connect(fire)


def _when_first_frame(field, callback) -> None:
    """Call ``callback`` once, at the first idle moment of the event loop after ``field`` has been
    painted while it has the keyboard focus (the first frame a person can type into)."""
    from PySide6.QtCore import QAbstractEventDispatcher, QEvent, QObject

    paint = QEvent.Type.Paint

    class Painted(QObject):
        seen = False

        def eventFilter(self, obj, event) -> bool:  # noqa: N802
            if event.type() == paint:
                self.seen = True
            return False

    watch = Painted()
    field.installEventFilter(watch)
    dispatcher = QAbstractEventDispatcher.instance()

    def idle() -> None:
        # the field is the window's focus widget: the keyboard goes there (without a window
        # manager, on a bare X server, nothing activates a window, so this is asked of the window)
        if watch.seen and field.window().focusWidget() is field:
            dispatcher.aboutToBlock.disconnect(idle)
            field.removeEventFilter(watch)
            callback()

    field._first_frame_watch = watch  # kept alive with the field
    dispatcher.aboutToBlock.connect(idle)


def bare() -> int:
    from PySide6.QtWidgets import QApplication, QLineEdit, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    edit = QLineEdit()
    window.setCentralWidget(edit)
    window.resize(1280, 860)
    window.show()
    edit.setFocus()

    def ready() -> None:
        print(f"{MARKER} {peak_rss_kb()}", flush=True)
        app.quit()

    _when_first_frame(edit, ready)
    return app.exec()


def _after_import(module: str, patch) -> None:
    """Call ``patch(module)`` right after ``module`` is first imported by the application (so the
    benchmark imports nothing the application would not import at that point)."""
    import importlib.machinery  # already loaded (importlib.abc is not: it would cost the app time)

    class Finder:
        def find_spec(self, fullname, path, target=None):
            if fullname != module:
                return None
            sys.meta_path.remove(self)
            spec = importlib.machinery.PathFinder.find_spec(fullname, path)
            if spec is None or spec.loader is None:
                return spec
            loader = spec.loader
            original = loader.exec_module

            def exec_module(mod) -> None:
                original(mod)
                patch(mod)

            loader.exec_module = exec_module  # type: ignore[method-assign]
            return spec

    sys.meta_path.insert(0, Finder())


def sign_in(db: str) -> int:
    """The real entry point up to the sign-in dialog, the first thing a clerk sees on a set-up
    store: ``READY`` when the dialog is painted with the keyboard in its first field and the event
    loop idle; then the dialog is cancelled (the program ends)."""

    def hook(module) -> None:
        original_init = module.SignInDialog.__init__

        def init(dialog, *args, **kwargs) -> None:
            original_init(dialog, *args, **kwargs)

            def ready() -> None:
                print(f"{MARKER} {peak_rss_kb()}", flush=True)
                dialog.reject()

            _when_first_frame(dialog.focusWidget(), ready)

        module.SignInDialog.__init__ = init

    _after_import("returns_desk.ui.people_dialogs", hook)
    from returns_desk.cli import main

    return main(["--db", db])


def app(db: str, with_log: bool) -> int:
    """The real entry point, ``returns_desk.cli.main(["--db", db])``, with two hooks: the
    sign-in accepts the bench manager at once (no person types a PIN; ``tests.bench.run`` set
    the store up beforehand), and the window, when shown, reports its first frame (READY) and
    then the whole window (WHOLE, or the log with ``--log``)."""

    def signed_in(module) -> None:
        def ask(cls, *args, **kwargs):
            from returns_desk.domain.auth import Actor

            return Actor(MANAGER, "manager")

        module.SignInDialog.ask = classmethod(ask)

    def hook_show(module) -> None:
        original_show = module.MainWindow.show

        def show(window) -> None:
            original_show(window)
            from PySide6.QtWidgets import QApplication

            def ready() -> None:
                print(f"{MARKER} {peak_rss_kb()}", flush=True)
                window.stages.when_done(whole)

            def whole() -> None:
                model = window.log_page.model
                table = window.log_page.table
                rows = max(1, table.viewport().height() // max(1, table.verticalHeader().defaultSectionSize()) + 1)
                for r in range(min(rows, model.rowCount())):
                    for c in range(model.columnCount()):
                        model.data(model.index(r, c))
                if not with_log:
                    print(f"{WHOLE} {peak_rss_kb()}", flush=True)
                else:
                    window.show_log()
                    QApplication.processEvents()
                    table.scrollToBottom()
                    QApplication.processEvents()
                    table.viewport().grab()
                    print(f"AFTER-LOG {peak_rss_kb()} rows={model.rowCount()} cached={model.cached_rows}", flush=True)
                window.close()

            _when_first_frame(window.head.model_edit, ready)

        module.MainWindow.show = show

    _after_import("returns_desk.ui.people_dialogs", signed_in)
    _after_import("returns_desk.ui.main_window", hook_show)
    from returns_desk.cli import main

    return main(["--db", db])


MANAGER, PIN = "Bench Manager", "2580"


def set_up(db: str) -> None:
    """The store of a benchmark database, set up once with its manager (``MANAGER``, ``PIN``)."""
    from returns_desk.services.desk import Desk
    from returns_desk.services.people_service import PeopleService

    desk = Desk.open(db)
    try:
        people = PeopleService(desk)
        if not people.is_set_up():
            people.setup(store="Bench", counter="C1", market="CN", manager=MANAGER, pin=PIN)
    finally:
        desk.close()


def phases(db: str) -> int:
    """Where the application's start-up goes: the steps of ``ui.app.run_window`` one by one,
    timed, up to the first frame; then each start-up stage of the window (built when the event
    loop is idle) and the log's first screen. Prints one JSON object of milliseconds."""
    import json

    marks = [("interpreter", time.perf_counter())]

    def mark(name: str) -> None:
        marks.append((name, time.perf_counter()))

    from PySide6 import QtCore, QtGui, QtWidgets  # noqa: F401  (what the bare window imports too)

    mark("import PySide6")
    import returns_desk.cli  # noqa: F401

    mark("import returns_desk.cli (the entry point's module and what it imports)")
    from returns_desk.ui import app as appmod
    from returns_desk.ui.main_window import MainWindow
    from returns_desk.storage.store_facts import read_store_facts

    mark("import the first frame's modules (ui.app, ui.main_window, ui.first_frame, storage.store_facts)")
    app = appmod.make_application()
    mark("QApplication, fonts, style sheet")
    facts = read_store_facts(db)
    assert facts is not None and facts.set_up, "set the store up first (tests.bench.child.set_up)"
    language = appmod.window_language(None, facts.settings.get("language", ""))
    appmod.set_language(language)
    mark("store facts (plain sqlite3 read), language")
    window = MainWindow.staged(language, appmod.ui_settings(), facts.settings.get("store_name", ""), facts.path,
                               not facts.writable, lambda: appmod.open_or_recover(db, language))
    import returns_desk.ui.people_dialogs  # noqa: F401  (imported by run_window for the sign-in)

    mark("first frame built (MainWindow.staged), sign-in dialog module")
    from returns_desk.domain.auth import Actor

    window.stages.start_after_first_paint(window.head.model_edit)
    window.begin(Actor(MANAGER, "manager"))
    window.show()
    window.head.model_edit.setFocus()
    window.stages.add("start-up checks", lambda: appmod.start_integrity_check(window))
    out: dict[str, float] = {}

    def first_frame() -> None:
        mark("show until painted, focused and idle (first frame)")
        out.update({f"{name}": (t - marks[i][1]) * 1000 for i, (name, t) in enumerate(marks[1:])})
        window.stages.when_done(whole)

    def whole() -> None:
        t_done = time.perf_counter()
        for name, ms in window.stages.timings.items():
            out[f"stage: {name}"] = ms
        out["idle waits and input between the stages"] = (t_done - marks[-1][1]) * 1000 - sum(window.stages.timings.values())
        t0 = time.perf_counter()
        model = window.log_page.model
        for r in range(min(30, model.rowCount())):
            for c in range(model.columnCount()):
                model.data(model.index(r, c))
        out["log page built, first screen read"] = (time.perf_counter() - t0) * 1000
        print(json.dumps(out), flush=True)
        window.close()

    _when_first_frame(window.head.model_edit, first_frame)
    app.exec()
    if window.opened_desk is not None:
        window.opened_desk.close()
    return 0


def log(db: str, trace: bool) -> int:
    """The returns log at the size it has in the window (its own table, ReturnsTableView): first
    screen, then scrolling. Each figure ends when the table's viewport has finished painting (its
    paintEvent returned)."""
    import json
    import random
    import tracemalloc

    from PySide6.QtCore import QEventLoop
    import string

    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QTableView

    from returns_desk.services.desk import Desk
    from returns_desk.services.log_service import LogService
    from returns_desk.ui.app import make_application
    from returns_desk.ui.returns_table_model import ReturnsTableModel
    from returns_desk.ui.returns_table_view import ReturnsTableView

    class View(QTableView):
        paints = 0

        def paintEvent(self, event) -> None:  # noqa: N802
            super().paintEvent(event)
            self.paints += 1

    class LogView(ReturnsTableView):  # the log's own table (ReturnsLogPage.table), as the page sets it up
        paints = 0

        def paintEvent(self, event) -> None:  # noqa: N802
            super().paintEvent(event)
            self.paints += 1

    def painted(view: QTableView, before: int) -> None:
        deadline = time.perf_counter() + 10
        while view.paints == before and time.perf_counter() < deadline:
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        if view.paints == before:
            raise SystemExit("the table never painted")

    make_application()
    # warm Qt's painting and fonts on a throw-away table, so the figure is the log's own cost: its
    # cells hold text (letters, digits, punctuation), so the glyphs every window of the
    # application has drawn by the time the log is opened are drawn once here too (for both
    # databases alike), not counted as the log's
    warm = View()
    warm_model = QStandardItemModel(40, 10)
    glyphs = string.ascii_letters + string.digits + string.punctuation + " "
    for r in range(40):
        for c in range(10):
            warm_model.setItem(r, c, QStandardItem(glyphs[(r * 10 + c) % len(glyphs):][:16]))
    warm.setModel(warm_model)
    warm.resize(1300, 700)
    warm.show()
    painted(warm, 0)
    warm.close()
    desk = Desk.open(db)
    # the store's time zone loaded (zoneinfo imported) as in the application, where the start-up
    # checks do it (backup_service.daily_backup_if_due) before the log can be opened: the rows'
    # times need it, an empty database's first screen never would (about 4 ms of imports)
    from returns_desk.services.clock import zone

    zone(desk.settings["time_zone"])
    QApplication.processEvents()
    rss_before = rss_kb()
    if trace:
        tracemalloc.start()
    out: dict = {}
    t0 = time.perf_counter()
    model = ReturnsTableModel(LogService(desk))
    view = LogView()
    view.setModel(model)
    view.resize(1300, 700)
    view.show()
    painted(view, 0)  # the first screen: every visible row read, its texts made and drawn
    out["first_screen_ms"] = (time.perf_counter() - t0) * 1000
    out["rows"] = model.rowCount()
    out["pages_read_first_screen"] = model.pages_read

    bar = view.verticalScrollBar()

    def scroll_to(value: int) -> float:
        if value == bar.value():
            return 0.0
        before = view.paints
        t0 = time.perf_counter()
        bar.setValue(value)
        painted(view, before)
        return (time.perf_counter() - t0) * 1000

    out["scroll_to_end_ms"] = scroll_to(bar.maximum()) if bar.maximum() else 0.0
    scroll_to(0)
    # page down through the first 2,000 rows, then jump all over the table
    steps = [scroll_to(min(bar.maximum(), bar.value() + bar.pageStep())) for _ in range(2_000 // 26)] if bar.maximum() else [0.0]
    rng = random.Random(1)
    jumps = [scroll_to(rng.randrange(bar.maximum() + 1)) for _ in range(100)] if bar.maximum() else [0.0]
    steps.sort()
    jumps.sort()
    out["page_down_p50_ms"] = steps[len(steps) // 2]
    out["page_down_max_ms"] = steps[-1]
    out["jump_p50_ms"] = jumps[len(jumps) // 2]
    out["jump_max_ms"] = jumps[-1]
    out["pages_read"] = model.pages_read
    out["cached_rows"] = model.cached_rows
    if trace:
        out["traced_peak_kb"] = tracemalloc.get_traced_memory()[1] // 1024
        tracemalloc.stop()
    out["rss_before_kb"] = rss_before
    out["rss_after_kb"] = rss_kb()
    out["peak_rss_kb"] = peak_rss_kb()
    view.close()
    desk.close()
    print(json.dumps(out), flush=True)
    return 0


def main(argv: list[str]) -> int:
    mode = argv[0]
    if mode == "bare":
        return bare()
    if mode == "app":
        return app(argv[1], "--log" in argv)
    if mode == "sign-in":
        return sign_in(argv[1])
    if mode == "log":
        return log(argv[1], "--trace" in argv)
    if mode == "phases":
        return phases(argv[1])
    raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
