"""Screenshots of the Custody page, a hand-over manifest page and a bag label for the README,
from the real window under a real X server. ``tests/make_screenshots.py`` takes them with the
others (:func:`take`); alone:

    xvfb-run -a -s "-screen 0 1400x950x24" .venv/bin/python tests/make_custody_screenshots.py [--lang zh_CN] [OUT_DIR]

It builds a temporary database, records returns, opens containers, scans bag labels into one
with real key events, seals and hands over another, grabs the window, and draws the first page
of the manifest and a bag label with ``pdftoppm`` (at least 1000 pixels wide, like the others).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?", default="docs/screenshots")
    ap.add_argument("--lang", default="en")
    args = ap.parse_args()
    os.environ["RETURNS_DESK_HOME"] = tempfile.mkdtemp(prefix="rd-custody-shots-")
    take(Path(args.out), args.lang)
    return 0


def take(out: Path, lang: str) -> list[Path]:
    """The Custody page (``custody[-zh].png``), the first page of a hand-over manifest
    (``manifest[-zh].png``) and a damaged unit's bag label (``bag-label[-zh].png``) in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="rd-custody-shots-"))

    from returns_desk.domain.auth import Actor
    from returns_desk.domain.returns import ReturnDraft
    from returns_desk.reports.service import write_bag_label_pdf, write_manifest_pdf
    from returns_desk.services.custody_service import CustodyService
    from returns_desk.services.desk import Desk
    from returns_desk.services.people_service import PeopleService
    from returns_desk.services.returns_service import ReturnsService
    from returns_desk.ui.app import make_application, ui_settings
    from returns_desk.ui.main_window import MainWindow

    zh = lang.startswith("zh")
    suffix = "-zh" if zh else ""
    app = make_application(lang)
    desk = Desk.open(tmp / "shots.db")
    people = PeopleService(desk)
    store, manager, li = ("王府井店", "陈静", "李娜") if zh else ("Wangfujing", "Chen Jing", "Li Na")
    people.setup(store=store, counter="C1", market="CN", manager=manager, pin="482913", language=lang)
    people.add_clerk(Actor(manager, "manager"), li, "clerk", "1357")
    boss = Actor(manager, "manager")
    svc = ReturnsService(desk)
    custody = CustodyService(desk)
    start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=2)
    models = ["A1257", "A1647", "A1642", "A1681", "A1647", "A1257", "A1689", "A1681", "A1642", "A1257"]
    conditions = ["intact", "intact", "swollen", "intact", "leaking", "intact", "intact", "damaged", "intact", "intact"]
    entries = [svc.record(ReturnDraft(model_input=m, remedy="refund", amount="99.00", serial=f"AKFF1Y0E4830{i:04d}", condition=c,
                                      clerk=li, at=start + dt.timedelta(minutes=23 * i), isolation_confirmed=True), actor=Actor(li, "clerk"))
               for i, (m, c) in enumerate(zip(models, conditions, strict=True))]
    ddr = custody.open_container("damaged", "后仓防火柜" if zh else "Back room, fire cabinet (DDR kit)", limit_units=5, by=boss)
    custody.add_many(ddr["code"], [e["ticket"] for e in entries if e["condition"] != "intact"], by=boss)
    custody.seal(ddr["code"], by=boss)
    manifest_pdf = tmp / "manifest.pdf"
    custody.hand_over(ddr["code"], to="Call2Recycle", reference="DDR-2025-0042", packed_by=manager, by=boss,
                      write_manifest=lambda m: write_manifest_pdf(m, manifest_pdf, lang=lang))
    bin1 = custody.open_container("intact", "后仓 1 号箱" if zh else "Back room, bin 1", limit_units=8, by=boss)

    window = MainWindow(desk, lang, ui_settings(), people.authenticate(li, "1357"))
    window.resize(1360, 900)
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.activateWindow()
    window.show_page("custody")  # F7
    page = window.page("custody")
    page.select(bin1["code"])
    intact = [e for e in entries if e["condition"] == "intact"]
    for e in intact[:5]:  # scanned in, as the bag-label scanner types
        QTest.keyClicks(page.ticket_edit, e["ticket"])
        QTest.keyClick(page.ticket_edit, Qt.Key.Key_Return)
    swollen = svc.record(ReturnDraft(model_input="A1642", remedy="refund", amount="99.00", serial="AKFF1Y0E48309999", condition="swollen",
                                     clerk=li, isolation_confirmed=True), actor=Actor(li, "clerk"))
    QTest.keyClicks(page.ticket_edit, swollen["ticket"])  # a damaged unit: refused by the intact bin
    QTest.keyClick(page.ticket_edit, Qt.Key.Key_Return)

    app.processEvents()
    QTest.qWait(150)
    QGuiApplication.primaryScreen().grabWindow(window.winId()).save(str(out / f"custody{suffix}.png"))
    print(out / f"custody{suffix}.png")
    window.close()

    label_pdf = write_bag_label_pdf(desk, entries[2], tmp / "label.pdf", lang=lang)
    taken = [out / f"custody{suffix}.png"]
    # A4 at 130 dpi and A6 at 250 dpi: both just over 1000 pixels wide
    for pdf, name, dpi in ((manifest_pdf, f"manifest{suffix}", 130), (label_pdf, f"bag-label{suffix}", 250)):
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf), str(out / name)], check=True)
        print(out / f"{name}.png")
        taken.append(out / f"{name}.png")
    desk.close()
    return taken


if __name__ == "__main__":
    sys.exit(main())
