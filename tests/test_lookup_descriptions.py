"""Product names and capacities are not model numbers (issue 12).

What customers say and boxes show ("PowerCore 10000", "Romoss 20000", "罗马仕 2万毫安") must never
answer NOT RECALLED: the verdict is ``unknown``, the clerk is asked for the model number, and the
models it could be are listed with their own verdict in the market. Expected candidates come from
recalls.csv / NOTES.md (capacities, product names), not from the seed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from returns_desk.cli import main
from returns_desk.services.lookup_service import reason_text, result_json, result_text

MARKETS = ("CN", "US", "CA", "AU", "JP")

# recalls.csv: capacity of each model (A1680: unknown)
CAPACITY = {
    "A1642": 10000, "A1647": 20000, "A1652": 10000, "A1680": None, "A1681": 20000, "A1689": 20000,
    "A1257": 10000, "A1263": 10000, "PAC20-272": 20000, "PAC20-392": 20000, "PLT20A-152": 20000, "PB2030MI": 20000,
}
BRAND = {m: "Romoss" if m.startswith("P") and m != "PB2030MI" else "Xiaomi" if m == "PB2030MI" else "Anker" for m in CAPACITY}
ROMOSS = {"PAC20-272", "PAC20-392", "PLT20A-152"}
ANKER_10K = {"A1642", "A1652", "A1257", "A1263", "A1680"}  # 10,000 mAh, and A1680 whose capacity is unknown
ANKER_20K = {"A1647", "A1681", "A1689", "A1680"}
ALL_20K = ANKER_20K | ROMOSS | {"PB2030MI"}
ALL_10K = ANKER_10K

FULL = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)} | {" ": "\u3000"})


def full_width(text: str) -> str:
    return text.translate(FULL)


def models(result) -> set[str]:
    return {c.model.model for c in result.candidates}


# (what the clerk typed, the candidates it must list exactly)
TYPED = [
    # the examples
    ("PowerCore 10000", {"A1263", "A1642"}),
    ("Romoss 20000", ROMOSS),
    ("罗马仕 20000mAh", ROMOSS),
    ("安克 10000mAh", ANKER_10K),
    # capacities alone, every way they are typed
    ("10000", ALL_10K),
    ("10,000", ALL_10K),
    ("10000mAh", ALL_10K),
    ("10000 mAh", ALL_10K),
    ("10000MAH", ALL_10K),
    ("10K", ALL_10K),
    ("1万", ALL_10K),
    ("1万毫安", ALL_10K),
    ("20000", ALL_20K),
    ("20000mAh", ALL_20K),
    ("20,000mAh", ALL_20K),
    ("20K", ALL_20K),
    ("2万", ALL_20K),
    ("2万毫安", ALL_20K),
    ("2万毫安时", ALL_20K),
    ("2万mAh", ALL_20K),
    ("20000毫安", ALL_20K),
    ("20000毫安时", ALL_20K),
    ("２００００", ALL_20K),
    ("２００００ｍＡｈ", ALL_20K),
    ("２万毫安", ALL_20K),
    # brand words, English and Chinese, with a capacity
    ("Anker 10000", ANKER_10K),
    ("anker 20000mAh", ANKER_20K),
    ("Anker20000", ANKER_20K),
    ("安克10000", ANKER_10K),
    ("安克 2万毫安", ANKER_20K),
    ("ROMOSS 20000mAh", ROMOSS),
    ("romoss 2万", ROMOSS),
    ("罗马仕2万毫安", ROMOSS),
    ("羅馬仕 20000", ROMOSS),
    ("罗马仕 20000 mAh 充电宝", ROMOSS),
    ("Xiaomi 20000", {"PB2030MI"}),
    ("小米 2万", {"PB2030MI"}),
    ("小米 33W", {"PB2030MI"}),
    ("Romoss 10000", set()),  # no Romoss model of this capacity: unknown, none listed, never NOT RECALLED
    # product names (recalls.csv product_name), with and without brand and capacity
    ("PowerCore", {"A1263", "A1642"}),
    ("Anker PowerCore 10K", {"A1263", "A1642"}),
    ("安克 PowerCore 10000", {"A1263", "A1642"}),
    ("MagGo", {"A1642", "A1652"}),
    ("Anker MagGo 10000mAh", {"A1642", "A1652"}),
    ("Anker 334", {"A1642"}),
    ("Anker 335", {"A1647"}),
    ("Zolo", {"A1681", "A1689", "A1680"}),
    ("Anker Zolo 20K", {"A1681", "A1689", "A1680"}),
    ("Zolo Lightning", {"A1681", "A1689", "A1680"}),
    ("Anker power bank 20000 lightning", {"A1681"}),
    ("MagGo stand", {"A1642", "A1652"}),
]


@pytest.mark.parametrize("text, expected", TYPED)
@pytest.mark.parametrize("market", MARKETS)
def test_product_names_and_capacities_are_unknown_with_candidates(engine, text, expected, market):
    r = engine.lookup(text, market=market)
    assert r.verdict == "unknown"
    assert r.model is None
    assert r.needs == ("model_number",)
    assert models(r) == expected
    for c in r.candidates:  # each candidate carries its own verdict for the market
        assert c.verdict == engine.lookup(c.model.model, market=market).verdict


@pytest.mark.parametrize("text, expected", TYPED)
def test_full_width_and_case_give_the_same_candidates(engine, text, expected):
    for variant in (full_width(text), text.lower(), text.upper(), f"  {text}  "):
        r = engine.lookup(variant)
        assert r.verdict == "unknown", variant
        assert models(r) == expected, variant


@pytest.mark.parametrize("text, first", [("Zolo Lightning", "A1681"), ("MagGo stand", "A1652"), ("Anker 334 MagGo", "A1642")])
def test_the_model_matching_more_of_the_name_comes_first(engine, text, first):
    assert engine.lookup(text).candidates[0].model.model == first


def test_powercore_10000_in_the_us_lists_a1263(engine):
    """The issue's first case: PowerCore 10000 is A1263's product name, recalled in the US."""
    r = engine.lookup("PowerCore 10000", market="US")
    verdicts = {c.model.model: c.verdict for c in r.candidates}
    assert verdicts["A1263"] == "check_required"  # recalled if made 2016-01-01..2019-10-30
    assert verdicts["A1642"] == "recalled"
    assert "NOT RECALLED" not in result_text(r, "en").splitlines()[0]


@pytest.mark.parametrize("text", ["Romoss 20000", "罗马仕 20000mAh", "罗马仕 2万毫安"])
def test_romoss_capacity_in_china_lists_every_recalled_romoss_model(engine, text):
    r = engine.lookup(text, market="CN")
    assert {c.model.model: c.verdict for c in r.candidates} == dict.fromkeys(ROMOSS, "check_required")


@pytest.mark.parametrize("lang, words", [("en", "not the model number"), ("zh_CN", "不是型号")])
@pytest.mark.parametrize("text, kind", [("20000mAh", "capacity"), ("PowerCore", "product name"), ("PowerCore 10000", "product name and capacity")])
def test_reason_says_it_is_not_the_model_number_and_where_to_read_it(engine, lang, words, text, kind):
    r = engine.lookup(text)
    reason = reason_text(r, lang)
    assert words in reason
    if lang == "en":
        assert f"is a {kind}" in reason
        assert "back or side" in reason  # where Anker prints the model number (NOTES section 3)
    else:
        assert "安克" in reason and "背面或侧面" in reason
    for c in r.candidates:
        assert c.model.model in reason


def test_romoss_reason_points_at_the_label(engine):
    assert "product label" in reason_text(engine.lookup("Romoss 20000"), "en")
    assert "产品标签" in reason_text(engine.lookup("罗马仕 20000"), "zh_CN")


def test_no_candidate_still_never_says_not_recalled(engine, catalogue):
    r = engine.lookup("Romoss 10000")
    assert r.verdict == "unknown" and r.candidates == ()
    reason = reason_text(r, "en")
    assert catalogue.version in reason and "does not mean safe" in reason


# --- unverified aliases never outrank sourced names -----------------------------------------


@pytest.mark.parametrize("text", ["Zolo", "Zolo Travel", "Anker Zolo Travel", "安克 Zolo Travel", "zolo travel 20000"])
def test_unverified_alias_comes_after_sourced_names(engine, text):
    r = engine.lookup(text)
    assert r.verdict == "unknown" and r.model is None
    order = [c.model.model for c in r.candidates]
    assert order.index("A1680") > order.index("A1681")
    assert order.index("A1680") > order.index("A1689")
    a1680 = next(c for c in r.candidates if c.model.model == "A1680")
    assert a1680.matched == "unverified"
    assert all(c.matched == "sourced" for c in r.candidates if c.model.model != "A1680")


def test_unverified_alias_is_not_a_suggestion_either(engine):
    for text in ("Zolo", "ZoloTravel", "Zolo Trave"):
        assert "A1680" not in engine.lookup(text).suggestions


def test_the_model_number_still_wins_over_any_name(engine):
    assert engine.lookup("Anker PowerCore 10000 A1263", market="US").model.model == "A1263"
    assert engine.lookup("A1257 10000mAh").model.model == "A1257"
    assert engine.lookup("罗马仕 PAC20-272 20000mAh").model.model == "PAC20-272"


def test_brand_word_alone_is_still_plain_unknown(engine):
    for text in ("Anker", "安克", "Romoss", "罗马仕"):
        r = engine.lookup(text)
        assert r.verdict == "unknown" and r.candidates == () and r.reason == "no_model_number"


def test_unlisted_model_number_is_still_not_recalled(engine):
    r = engine.lookup("A9999")
    assert r.verdict == "not_recalled" and r.candidates == ()


@pytest.mark.parametrize("text", ["3350", "26800", "5200mAh", "100000", "100,000mAh"])
def test_other_capacities_are_unknown_too(engine, text):
    r = engine.lookup(text)
    assert r.verdict == "unknown" and r.needs == ("model_number",)


def test_recording_a_product_name_says_to_read_the_model_number(returns):
    from returns_desk.domain.errors import InputError
    from returns_desk.domain.returns import ReturnDraft

    with pytest.raises(InputError) as info:
        returns.record(ReturnDraft(isolation_confirmed=True, model_input="Anker PowerCore 10000", remedy="refund", clerk="Li", amount="149"))
    assert info.value.key == "model_described"
    assert "A1642" in info.value.message("en") and "不是型号" in info.value.message("zh_CN")


# --- JSON and the command line ---------------------------------------------------------------

CANDIDATE_KEYS = {"model", "brand", "brand_local", "name", "capacity_mah", "verdict", "verdict_text", "matched", "unverified_names"}


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_json_lists_candidates_with_their_verdicts(engine, lang):
    out = result_json(engine.lookup("PowerCore 10000", market="US"), lang)
    assert out["verdict"] == "unknown" and out["needs"] == ["model_number"] and out["model"] is None
    assert [c["model"] for c in out["candidates"]] == ["A1642", "A1263"]
    for c in out["candidates"]:
        assert set(c) == CANDIDATE_KEYS
        assert c["brand"] == "Anker" and c["name"]
    assert {c["model"]: c["verdict"] for c in out["candidates"]} == {"A1642": "recalled", "A1263": "check_required"}
    assert out["described"] == {"brands": [], "capacity_mah": 10000, "output_w": None, "name_words": ["POWERCORE"]}
    json.dumps(out, ensure_ascii=False)


def test_cli_lookup_json_product_name(tmp_path, capsys):
    db = tmp_path / "x.db"
    assert main(["lookup", "PowerCore 10000", "--market", "US", "--json", "--db", str(db)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["verdict"] == "unknown" and {"A1263", "A1642"} == {c["model"] for c in out["candidates"]}
    assert main(["lookup", "罗马仕 2万毫安", "--db", str(db), "--lang", "zh_CN"]) == 0
    text = capsys.readouterr().out
    assert "不是型号" in text and "PAC20-272" in text and "1. " in text


# --- Hypothesis: capacities and product names typed any way -----------------------------------

BRAND_WORDS = {"": None, "Anker ": "Anker", "安克": "Anker", "ANKER": "Anker", "Romoss ": "Romoss", "罗马仕": "Romoss",
               "羅馬仕 ": "Romoss", "Xiaomi ": "Xiaomi", "小米": "Xiaomi"}


@st.composite
def capacity_text(draw):
    mah = draw(st.one_of(st.integers(10, 1000).map(lambda n: n * 100), st.integers(20, 2000).map(lambda n: n * 50)))
    forms = [str(mah), f"{mah:,}", f"{mah}mAh", f"{mah} mAh", f"{mah}MAH", f"{mah}毫安", f"{mah}毫安时", f"{mah} mah"]
    if mah % 1000 == 0:
        forms += [f"{mah // 1000}K", f"{mah // 1000}k"]
    if mah % 10000 == 0:
        forms += [f"{mah // 10000}万", f"{mah // 10000}万毫安", f"{mah // 10000}万mAh"]
    elif mah % 1000 == 0:
        forms += [f"{mah / 10000:g}万", f"{mah / 10000:g}万毫安"]
    text = draw(st.sampled_from(forms))
    brand = draw(st.sampled_from(sorted(BRAND_WORDS)))
    text = brand + text if draw(st.booleans()) else (text + " " + brand).strip()
    if draw(st.booleans()):
        text = full_width(text)
    return text, mah, BRAND_WORDS[brand]


@settings(max_examples=300, deadline=None)
@given(capacity_text(), st.sampled_from(MARKETS))
def test_any_capacity_is_unknown_and_never_not_recalled(engine, typed, market):
    text, mah, brand = typed
    r = engine.lookup(text, market=market)
    assert r.verdict == "unknown", text
    assert r.needs == ("model_number",)
    assert r.described is not None and r.described.capacity_mah == mah
    expected = {m for m, cap in CAPACITY.items() if cap in (mah, None) and (brand is None or BRAND[m] == brand)}
    assert models(r) == expected, text


SEED = json.loads((Path(__file__).resolve().parent.parent / "db" / "catalogue.json").read_text(encoding="utf-8"))
PRODUCT_NAMES = [(m["model"], name) for m in SEED["models"] for name in m.get("product_names", [])]
NAME_VARIANTS = [
    lambda n: n, str.lower, str.upper, full_width, lambda n: n.replace("Anker ", "安克"),
    lambda n: n.replace("Anker ", ""), lambda n: n.replace(",", ""), lambda n: n.replace("(", " ").replace(")", " "),
]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(PRODUCT_NAMES), st.sampled_from(NAME_VARIANTS), st.sampled_from(MARKETS))
def test_any_product_name_is_never_not_recalled(engine, named, variant, market):
    model, name = named
    text = variant(name)
    r = engine.lookup(text, market=market)
    if r.model is not None:  # a sourced alias names exactly one model: the model's own verdict
        assert r.model.model == model
        assert r.verdict == engine.lookup(model, market=market).verdict
    else:  # never read as a model number that is on no list
        assert r.verdict == "unknown" and r.needs == ("model_number",)
        assert model in models(r), text


def test_every_model_with_a_known_name_has_product_names():
    assert len(PRODUCT_NAMES) >= 12
