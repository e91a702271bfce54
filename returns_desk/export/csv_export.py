"""Tally as CSV: UTF-8 with a byte-order mark (Excel then reads Chinese correctly), one header
row with stable English names, one row per group. Text that a spreadsheet would take for a
formula is guarded with a leading apostrophe."""

from __future__ import annotations

import csv
import os
from pathlib import Path

from returns_desk.reports.files import atomic_path
from returns_desk.export.tally import Tally, guard_cell


def write_tally_csv(tally: Tally, path: str | os.PathLike[str]) -> Path:
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
            writer.writerow(tally.header())
            for row in tally.table():
                writer.writerow([guard_cell(c) for c in row])
    return Path(path)
