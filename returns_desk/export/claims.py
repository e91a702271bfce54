"""Claims files: the list the manufacturer asks for (CSV or XLSX), and reading the answers it
sends back (CSV in UTF-8 or GB18030, or XLSX; the columns found by their names, in English or
Chinese, wherever they are). Pure: no Qt, no SQL.

The exported file has empty ``result`` and ``reference`` columns: a manufacturer that fills
them in sends back a file that imports as it is.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from returns_desk.domain.claims import (
    REFERENCE_NAMES,
    RESULT_NAMES,
    SERIAL_NAMES,
    AnswerRow,
    find_column,
)
from returns_desk.domain.errors import InputError
from returns_desk.domain.vocab import SHEET_FORMATS
from returns_desk.export.tally import guard_cell
from returns_desk.reports.files import atomic_path

FORMATS = SHEET_FORMATS
COLUMNS = ("ticket", "recall_id", "model", "serial", "batch_code", "made_on", "received_on", "result", "reference")
MAX_ROWS = 1_000_000


def claim_row(r: Mapping[str, Any]) -> list[str]:
    return [r["ticket"], r["recall_id"], r["model"], r.get("serial") or "", r.get("batch_code") or "", r.get("made_on") or "",
            r["business_date"], "", ""]


def write_claims(rows: Sequence[Mapping[str, Any]], path: str | os.PathLike[str], fmt: str) -> Path:
    if fmt not in FORMATS:
        raise InputError("claims_format_invalid", field="format")
    with atomic_path(path) as tmp:
        if fmt == "csv":
            with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh, lineterminator="\r\n")
                writer.writerow(COLUMNS)
                for r in rows:
                    writer.writerow([guard_cell(c) for c in claim_row(r)])
        else:
            import xlsxwriter

            wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False})
            try:
                ws = wb.add_worksheet("Claims")
                bold = wb.add_format({"bold": True, "bg_color": "#E6E6E6", "border": 1})
                for c, name in enumerate(COLUMNS):
                    ws.write_string(0, c, name, bold)
                ws.freeze_panes(1, 0)
                for i, r in enumerate(rows, start=1):
                    for c, value in enumerate(claim_row(r)):
                        ws.write_string(i, c, value)
                ws.set_column(0, len(COLUMNS) - 1, 20)
            finally:
                wb.close()
    return Path(path)


def _csv_table(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise ValueError("not text")
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def _xlsx_table(path: Path) -> list[list[str]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        return [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def read_answers(path: str | os.PathLike[str]) -> list[AnswerRow]:
    """The answers in a manufacturer's file: the first row naming a serial column is the header
    (within the first 20 rows); each later non-empty row is one answer, with its line number."""
    p = Path(path)
    try:
        if p.suffix.lower() in (".xlsx", ".xlsm"):
            table = _xlsx_table(p)
        else:
            table = _csv_table(p.read_bytes())
    except (OSError, ValueError, KeyError, csv.Error) as exc:
        raise InputError("claims_file_unreadable", field="file", path=str(p), detail=getattr(exc, "strerror", None) or str(exc)[:200]) from None
    except Exception as exc:  # noqa: BLE001 - openpyxl raises its own errors for a file that is not a workbook
        raise InputError("claims_file_unreadable", field="file", path=str(p), detail=type(exc).__name__) from None
    if len(table) > MAX_ROWS:
        raise InputError("claims_file_unreadable", field="file", path=str(p), detail=f"more than {MAX_ROWS:,} rows")
    found = next(((i, col) for i, row in enumerate(table[:20]) if (col := find_column(row, SERIAL_NAMES)) is not None), None)
    if found is None:
        raise InputError("claims_columns_missing", field="file", path=str(p), what="serial", names=", ".join(SERIAL_NAMES))
    h, serial_col = found
    header = table[h]
    result_col = find_column(header, RESULT_NAMES)
    if result_col is None:
        raise InputError("claims_columns_missing", field="file", path=str(p), what="result", names=", ".join(RESULT_NAMES))
    ref_col = find_column(header, REFERENCE_NAMES)
    out = []
    for n, row in enumerate(table[h + 1 :], start=h + 2):
        if not any(c.strip() for c in row):
            continue

        def cell(i: int | None, row: list[str] = row) -> str:
            return row[i].strip().lstrip("'") if i is not None and i < len(row) else ""

        out.append(AnswerRow(line=n, serial=cell(serial_col), result_text=cell(result_col), reference=cell(ref_col) or None))
    return out
