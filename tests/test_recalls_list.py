"""``recalls list`` (issue 12): standing, authority, confidence, dates, models and unit counts,
aligned by display width in English and Chinese; ``--json`` keeps its shape and adds fields.

The test measures width with unicodedata (wide and full-width characters take two cells),
independently of the wcwidth library the program uses."""

from __future__ import annotations

import json
import re
import unicodedata

import pytest

from returns_desk.cli import main

OLD_KEYS = {"id", "title", "authority", "markets", "announced_on", "units", "remedies", "models", "status", "confidence"}
NEW_KEYS = {"standing", "confidence_text", "confidence_note", "official_number", "units_note", "currency", "sources", "note", "model_details"}
CELL = re.compile(r"\S+(?: \S+)*")


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _listing(db_path, capsys, *extra: str) -> str:
    assert main(["recalls", "list", "--db", str(db_path), *extra]) == 0
    return capsys.readouterr().out


def _table(text: str) -> list[str]:
    """The column heading row and the recall rows (detail lines are indented)."""
    return [line for line in text.splitlines()[1:] if not line.startswith(" ")]


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_columns_line_up_by_display_width(db_path, capsys, lang):
    rows = _table(_listing(db_path, capsys, "--lang", lang))
    assert len(rows) == 1 + 14
    layouts = set()
    for row in rows:
        cells = list(CELL.finditer(row))
        assert len(cells) == 7, row
        # left-aligned columns start in the same cell; Units (5th) is right-aligned: it ends there
        starts = tuple(width(row[: m.start()]) for i, m in enumerate(cells) if i != 4)
        units_end = width(row[: cells[4].end()])
        layouts.add((starts, units_end))
    assert len(layouts) == 1, layouts


def test_chinese_listing_is_translated(db_path, capsys):
    text = _listing(db_path, capsys, "--lang", "zh_CN")
    assert "程序自带的初始数据" in text.splitlines()[0] and "seed" not in text
    assert "未知" in text and "主要召回" in text and "相关召回" in text and "参考" in text
    assert "发布/批准机构：深圳市市场监督管理局" in text
    assert "金额上限" in text and "149—229元价格区间" in text and "Derived" not in text
    for word in ("公布日期", "性质", "市场", "可信度", "数量", "型号"):
        assert word in text.splitlines()[1]


def test_english_listing_shows_standing_authority_confidence_dates_models_units(db_path, capsys):
    text = _listing(db_path, capsys, "--lang", "en")
    rows = {line.split()[-1]: line for line in _table(text)[1:]}
    xiaomi = rows["CN-BJAMR-XIAOMI-2025-08-29"]
    assert "context" in xiaomi and "2025-08-29" in xiaomi and "146,891" in xiaomi and "PB2030MI" in xiaomi and "medium" in xiaomi
    assert "primary" in rows["CN-SZAMR-ROMOSS-2025-06-16"] and "high" in rows["CN-SZAMR-ROMOSS-2025-06-16"]
    assert "491,745" in rows["CN-SZAMR-ROMOSS-2025-06-16"]
    assert "unknown" in rows["JP-XIAOMI-PB2030MI"] and "low" in rows["JP-XIAOMI-PB2030MI"]
    assert "Authority: Shenzhen Municipal Administration for Market Regulation" in text
    assert "149–229 CNY" in text and "US$30–50" in text  # derived bounds say how they were derived
    assert _table(text)[-1].endswith("JP-XIAOMI-PB2030MI")  # no date in the sources: listed last


def test_json_keeps_its_shape_and_adds_fields(db_path, capsys):
    data = json.loads(_listing(db_path, capsys, "--json"))
    assert {"version", "source", "loaded_at"} <= set(data) and data["source"] == "seed"
    assert len(data["recalls"]) == 14
    for r in data["recalls"]:
        assert set(r) == OLD_KEYS | NEW_KEYS
        assert r["status"] in ("primary", "related", "context")
    cn = next(r for r in data["recalls"] if r["id"] == "CN-SAMR-ANKER-2025-06-20")
    assert cn["standing"] == "primary" and cn["confidence"] == "high"
    assert all("149–229 CNY" in m["bound_note"] for m in cn["model_details"])
    zh = json.loads(_listing(db_path, capsys, "--json", "--lang", "zh_CN"))
    assert next(r for r in zh["recalls"] if r["id"] == "CN-BJAMR-XIAOMI-2025-08-29")["standing"] == "参考"
    assert next(r for r in zh["recalls"] if r["id"] == "JP-XIAOMI-PB2030MI")["announced_on"] is None
