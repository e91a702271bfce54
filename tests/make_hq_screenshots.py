"""Screenshots of head office in the window: the window with its status bar in each sync state,
and the Reports page with "Whole store (head office)". Starts a throwaway PostgreSQL
(tests/hq_support.py). ``tests/make_screenshots.py`` takes them with the README's other pictures;
alone:

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/make_hq_screenshots.py [--lang zh_CN] [OUT_DIR]

Files: status-synced, status-waiting, status-offline, status-error, reports-head-office (``-zh``
with ``--lang zh_CN``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def take_head_office(out: Path, lang: str) -> list[Path]:
    """Take the head-office pictures into ``out`` (a QApplication in ``lang`` must exist): a
    PostgreSQL of its own, a counter connected to it, the window in each sync state."""
    tmp = Path(tempfile.mkdtemp(prefix="rd-hq-shots-"))
    os.environ["RETURNS_DESK_HOME"] = str(tmp)
    os.environ["RETURNS_DESK_KEYRING"] = "0"
    zh = lang.startswith("zh")
    suffix = "-zh" if zh else ""

    from PySide6.QtWidgets import QApplication

    from returns_desk.domain.auth import Actor
    from returns_desk.headoffice import credentials, pg
    from returns_desk.services import sync_service
    from returns_desk.services.desk import Desk
    from returns_desk.services.people_service import PeopleService
    from returns_desk.ui.app import ui_settings
    from returns_desk.ui.main_window import MainWindow
    from returns_desk.ui.report_page import HQ_SCOPE
    from tests.hq_support import open_counter, record_mix, start_server

    app = QApplication.instance()
    assert app is not None
    taken: list[Path] = []
    servers = start_server()
    server = next(servers)
    try:
        admin = server.admin_dsn(server.create_database())
        pg.migrate(admin)
        store = pg.add_store(admin, "S1")
        reader = pg.add_reader(admin, "S1")
        db = tmp / "counter.db"
        desk = Desk.open(db)
        people = PeopleService(desk)
        manager = "陈静" if zh else "Chen Jing"
        people.setup(store="王府井店" if zh else "Wangfujing", counter="C1", market="CN", manager=manager, pin="482913",
                     language=lang, store_code="S1")
        record_mix(desk, 6)
        other = open_counter(tmp / "c2.db", "S1", "C2")
        record_mix(other, 4, tag=2)
        sync_service.sync(other, store["dsn"])
        other.close()
        credentials.save(db, reader["dsn"], kind="reader")
        window = MainWindow(desk, lang, ui_settings(), Actor(manager, "manager"))
        window.resize(1366, 768)
        window.fit_to_screen()
        window.show()
        status = window.sync_status

        def wait_idle() -> None:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                app.processEvents()
                if status.state is not None and not status.running:
                    return
                time.sleep(0.02)

        def shot(name: str) -> None:
            for _ in range(5):
                app.processEvents()
                time.sleep(0.03)
            path = out / f"{name}{suffix}.png"
            window.grab().save(str(path))
            taken.append(path)

        credentials.save(db, f"postgresql://nobody:x@127.0.0.1:{server.port}/none")  # a wrong log-in: offline
        status.request()
        wait_idle()
        shot("status-offline")
        credentials.save(db, reader["dsn"])  # a read-only log-in used to push: refused by head office
        status.request()
        wait_idle()
        shot("status-error")
        credentials.save(db, store["dsn"])
        status.request()
        wait_idle()
        shot("status-synced")
        record_mix(desk, 3, tag=5)
        status.running = True  # hold the worker back: the state just after three saves
        status.label.setText(status.text(sync_service.status(desk), ""))
        shot("status-waiting")
        status.running = False
        window.show_page("reports")
        page = window.report_page
        page.date_edit.setText("2025-07-01")
        page.scope_combo.setCurrentIndex(page.scope_combo.findData(HQ_SCOPE))
        page.show_report()
        shot("reports-head-office")
        status.shutdown()
        window.close()
        desk.close()
    finally:
        servers.close()
    return taken


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?", default="docs/screenshots")
    ap.add_argument("--lang", default="en")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from returns_desk.ui.app import make_application

    make_application(args.lang)
    for path in take_head_office(out, args.lang):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
