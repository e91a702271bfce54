"""The shipped seed (db/catalogue.json) checked against the research facts.

Every expected value here is copied from /work/shared/recall-data/NOTES.md (section 1 and the
per-recall details) and recalls.csv, not from the seed itself, so a wrong edit of the seed fails.
The second half checks that the catalogue parser rejects a broken copy of the seed and names the
line and the field of the problem.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from returns_desk.domain.catalogue import CatalogueError, parse_catalogue

SEED_TEXT = (Path(__file__).resolve().parent.parent / "db" / "catalogue.json").read_text(encoding="utf-8")

D = dt.date.fromisoformat

ANKER_CN = "CN-SAMR-ANKER-2025-06-20"
ROMOSS = "CN-SZAMR-ROMOSS-2025-06-16"
A1263_US = "US-CPSC-ANKER-A1263-2025-06-12"
GLOBAL = "GLOBAL-ANKER-2025-06"
CPSC_25_466 = "US-CPSC-25-466"
CANADA = "CA-HC-ANKER-2025-06-27"
AUSTRALIA = "AU-ACCC-ANKER-2025-07-08"
JAPAN = "JP-ANKER-2025-06-26"
JAPAN_A1263 = "JP-ANKER-A1263-2025-10-21"
US_2024 = "US-CPSC-ANKER-2024-10-17"
HUNAN_2024 = "CN-HNAMR-ANKER-2024-09-30"
XIAOMI = "CN-BJAMR-XIAOMI-2025-08-29"
GLOBAL_2024 = "GLOBAL-ANKER-2024-09-17"
XIAOMI_JP = "JP-XIAOMI-PB2030MI"

# NOTES.md section 1 (P1-P3, R1-R7, C1) and recalls.csv: the model list of every recall.
RECALL_MODELS = {
    ANKER_CN: {"A1642", "A1647", "A1652", "A1680", "A1681", "A1689", "A1257"},
    ROMOSS: {"PAC20-272", "PAC20-392", "PLT20A-152"},
    A1263_US: {"A1263"},
    GLOBAL: {"A1257", "A1647", "A1652", "A1681", "A1689"},
    CPSC_25_466: {"A1257", "A1647", "A1652", "A1681", "A1689"},
    CANADA: {"A1647", "A1681", "A1689"},
    AUSTRALIA: {"A1257", "A1647", "A1681", "A1689"},
    JAPAN: {"A1257", "A1647", "A1652", "A1642"},
    JAPAN_A1263: {"A1263"},
    US_2024: {"A1642", "A1647", "A1652"},
    HUNAN_2024: {"A1642", "A1647", "A1652"},
    XIAOMI: {"PB2030MI"},
    GLOBAL_2024: {"A1642", "A1647", "A1652"},  # NOTES R7: Anker global notice ~2024-09-17
    XIAOMI_JP: {"PB2030MI"},  # recalls.csv: "CN (also TW, JP notices)"
}

ANNOUNCED = {
    ANKER_CN: "2025-06-20",
    ROMOSS: "2025-06-16",
    A1263_US: "2025-06-12",
    GLOBAL: "2025-06",  # "late June 2025", exact day not confirmed
    CPSC_25_466: "2025-09-18",
    CANADA: "2025-06-27",
    AUSTRALIA: "2025-07-08",
    JAPAN: "2025-06-26",
    JAPAN_A1263: "2025-10-21",
    US_2024: "2024-10-17",
    HUNAN_2024: "2024-09-30",
    XIAOMI: "2025-08-29",
    GLOBAL_2024: "2024-09-17",  # "about 2024-09-17/18"
    XIAOMI_JP: "",  # no date in the sources
}

MARKETS = {
    ANKER_CN: ("CN",),
    ROMOSS: ("CN",),
    A1263_US: ("US",),
    GLOBAL: ("GLOBAL",),
    CPSC_25_466: ("US",),
    CANADA: ("CA",),
    AUSTRALIA: ("AU",),
    JAPAN: ("JP",),
    JAPAN_A1263: ("JP",),
    US_2024: ("US",),
    HUNAN_2024: ("CN",),
    XIAOMI: ("CN",),
    GLOBAL_2024: ("GLOBAL",),
    XIAOMI_JP: ("JP",),
}

STATUS = {rid: "related" for rid in RECALL_MODELS} | {
    ANKER_CN: "primary", ROMOSS: "primary", A1263_US: "primary", XIAOMI: "context", XIAOMI_JP: "context"}

# Units; None where the sources publish no figure.
UNITS = {
    ANKER_CN: 712_964,
    ROMOSS: 491_745,
    A1263_US: 1_158_000,
    GLOBAL: None,
    CPSC_25_466: 481_000,
    CANADA: 11_985,
    AUSTRALIA: None,
    JAPAN: None,
    JAPAN_A1263: None,
    US_2024: 2_100,
    HUNAN_2024: 4_501,
    XIAOMI: 146_891,
    GLOBAL_2024: None,
    XIAOMI_JP: None,
}

# Remedies in the notice's order of preference (NOTES.md sections 2 and 3).
REMEDIES = {
    ANKER_CN: ("refund", "replacement", "voucher"),
    ROMOSS: ("replacement", "refund"),
    A1263_US: ("replacement", "voucher"),
    GLOBAL: ("replacement", "voucher"),
    CPSC_25_466: ("refund", "voucher"),
    CANADA: ("replacement", "voucher"),
    AUSTRALIA: ("replacement",),
    JAPAN: ("replacement", "refund"),
    JAPAN_A1263: ("replacement",),
    US_2024: ("replacement",),
    HUNAN_2024: ("replacement",),
    XIAOMI: ("refund",),
    GLOBAL_2024: ("replacement",),
    XIAOMI_JP: (),  # not given in the sources
}

ANKER_CN_UNITS = {
    "A1642": 143_327,
    "A1647": 134_854,
    "A1652": 109_450,
    "A1680": 24_480,
    "A1681": 223_558,
    "A1689": 45_438,
    "A1257": 31_857,
}
ROMOSS_UNITS = {"PAC20-272": 331_578, "PAC20-392": 113_253, "PLT20A-152": 46_914}

ROMOSS_BATCHES = {
    "PAC20-272": ["C14-P6", "C14-P7", "M14-P6", "M14-P7", "C13-P6", "C13-P7",
                  "M20-Q1", "M20-Q2", "M14-Q1", "M14-Q2", "C14-Q1", "C14-Q2"],
    "PAC20-392": ["M14-Q6", "M14-Q7", "C13-Q6", "C13-Q7", "M20-Q6", "M20-Q7", "M22-Q6", "M22-Q7"],
    "PLT20A-152": ["M20-P8", "M20-Q1"],
}
ROMOSS_WINDOWS = {
    "PAC20-272": ((D("2023-06-05"), D("2023-07-28")), (D("2024-01-05"), D("2024-02-08"))),
    "PAC20-392": ((D("2024-06-23"), D("2024-07-31")),),
    # "2023-08 to 2024-01": month precision covers the whole months
    "PLT20A-152": ((D("2023-08-01"), D("2024-01-31")),),
}

SIXTEEN_CHAR_SERIAL_MODELS = ["A1257", "A1647", "A1652", "A1681", "A1689", "A1642"]
TEXT_FIELDS = ["title", "authority", "hazard", "remedy", "claim", "handling"]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _recall(catalogue, rid):
    recall = catalogue.recall(rid)
    assert recall is not None, f"recall {rid} missing from the seed"
    return recall


def _entry(catalogue, rid, model):
    entry = _recall(catalogue, rid).entry_for(model)
    assert entry is not None, f"{model} missing from recall {rid}"
    return entry


# --- recalls and their models ---------------------------------------------------------------


def test_seed_has_fourteen_recalls(catalogue):
    assert len(catalogue.recalls) == 14
    assert {r.id for r in catalogue.recalls} == set(RECALL_MODELS)


def test_seed_models_are_exactly_the_researched_ones(catalogue):
    assert {m.model for m in catalogue.models} == set().union(*RECALL_MODELS.values())


@pytest.mark.parametrize("rid, models", sorted(RECALL_MODELS.items()))
def test_recall_lists_exactly_its_models(catalogue, rid, models):
    assert {e.model for e in _recall(catalogue, rid).models} == models


def test_a1263_is_not_in_the_anker_china_recall(catalogue):
    assert _recall(catalogue, ANKER_CN).entry_for("A1263") is None


@pytest.mark.parametrize("rid, announced", sorted(ANNOUNCED.items()))
def test_announcement_date(catalogue, rid, announced):
    assert _recall(catalogue, rid).announced_on == announced


@pytest.mark.parametrize("rid, markets", sorted(MARKETS.items()))
def test_markets(catalogue, rid, markets):
    assert _recall(catalogue, rid).markets == markets


@pytest.mark.parametrize("rid, status", sorted(STATUS.items()))
def test_status(catalogue, rid, status):
    assert _recall(catalogue, rid).status == status


@pytest.mark.parametrize("rid, units", sorted(UNITS.items()))
def test_recall_units(catalogue, rid, units):
    assert _recall(catalogue, rid).units == units


@pytest.mark.parametrize("rid, units", [(ANKER_CN, 712_964), (ROMOSS, 491_745), (A1263_US, 1_158_000)])
def test_primary_recall_units(catalogue, rid, units):
    assert _recall(catalogue, rid).units == units


@pytest.mark.parametrize("model, units", sorted(ANKER_CN_UNITS.items()))
def test_anker_china_units_per_model(catalogue, model, units):
    assert _entry(catalogue, ANKER_CN, model).units == units


def test_anker_china_model_units_add_up_to_the_total(catalogue):
    recall = _recall(catalogue, ANKER_CN)
    assert sum(e.units for e in recall.models) == 712_964 == recall.units


@pytest.mark.parametrize("model, units", sorted(ROMOSS_UNITS.items()))
def test_romoss_units_per_model(catalogue, model, units):
    assert _entry(catalogue, ROMOSS, model).units == units


def test_romoss_model_units_add_up_to_the_total(catalogue):
    recall = _recall(catalogue, ROMOSS)
    assert sum(e.units for e in recall.models) == 491_745 == recall.units


# --- remedies -------------------------------------------------------------------------------


@pytest.mark.parametrize("rid, remedies", sorted(REMEDIES.items()))
def test_remedies(catalogue, rid, remedies):
    assert _recall(catalogue, rid).remedies == remedies


def test_a1263_us_replacement_is_a1388_and_voucher_is_30_usd(catalogue):
    recall = _recall(catalogue, A1263_US)
    entry = _entry(catalogue, A1263_US, "A1263")
    assert entry.replacement_model == "A1388"  # not the "A1288" typo of one outlet
    assert recall.currency == "USD"
    assert entry.voucher_max_minor == 30_00
    assert entry.price_minor == 27_00


def test_anker_china_voucher_is_order_amount_plus_50_cny(catalogue):
    for entry in _recall(catalogue, ANKER_CN).models:
        assert entry.voucher_max_minor - entry.refund_max_minor == 50_00
    assert "50" in _recall(catalogue, ANKER_CN).text("remedy", "en")


# --- eligibility rules ----------------------------------------------------------------------


@pytest.mark.parametrize("model, batches", sorted(ROMOSS_BATCHES.items()))
def test_romoss_batches_of_each_model(catalogue, model, batches):
    rule = _entry(catalogue, ROMOSS, model).rule
    assert rule.kind == "batch_list"
    assert sorted(rule.batches) == sorted(batches)
    assert len(rule.batches) == len(batches)


def test_romoss_has_22_batches_in_all(catalogue):
    assert sum(len(e.rule.batches) for e in _recall(catalogue, ROMOSS).models) == 22


@pytest.mark.parametrize("model, windows", sorted(ROMOSS_WINDOWS.items()))
def test_romoss_manufacture_windows(catalogue, model, windows):
    assert _entry(catalogue, ROMOSS, model).rule.windows == windows


def test_romoss_overall_window(catalogue):
    windows = [w for e in _recall(catalogue, ROMOSS).models for w in e.rule.windows]
    assert min(start for start, _ in windows) == D("2023-06-05")
    assert max(end for _, end in windows) == D("2024-07-31")


@pytest.mark.parametrize("model", sorted(ROMOSS_BATCHES))
def test_romoss_rule_decides_on_its_own(catalogue, model):
    assert _entry(catalogue, ROMOSS, model).confirmation == "none"


@pytest.mark.parametrize("model", sorted(ANKER_CN_UNITS))
def test_anker_china_is_a_manufacturer_serial_check(catalogue, model):
    entry = _entry(catalogue, ANKER_CN, model)
    assert entry.rule.kind == "manufacturer_check"
    assert entry.confirmation == "manufacturer"


def test_a1263_us_manufacture_window(catalogue):
    rule = _entry(catalogue, A1263_US, "A1263").rule
    assert rule.kind == "made_window"
    assert rule.windows == ((D("2016-01-01"), D("2019-10-30")),)


def test_hunan_2024_window_is_december_2023_to_april_2024(catalogue):
    for entry in _recall(catalogue, HUNAN_2024).models:
        assert entry.rule.windows == ((D("2023-12-01"), D("2024-04-30")),)


def test_xiaomi_window(catalogue):
    assert _entry(catalogue, XIAOMI, "PB2030MI").rule.windows == ((D("2024-08-01"), D("2024-09-22")),)


# --- serial formats -------------------------------------------------------------------------


@pytest.mark.parametrize("model", SIXTEEN_CHAR_SERIAL_MODELS)
def test_anker_2024_25_models_have_16_character_serials(catalogue, model):
    fmt = catalogue.model(model).serial_format
    assert fmt is not None
    assert fmt.length == 16
    assert fmt.forbidden_letters == ""


def test_a1263_serials_never_use_o_or_i(catalogue):
    fmt = catalogue.model("A1263").serial_format
    assert fmt is not None
    assert set(fmt.forbidden_letters) == {"O", "I"}
    assert fmt.length is None  # no length is published for A1263


@pytest.mark.parametrize("model", ["A1680", "PAC20-272", "PAC20-392", "PLT20A-152", "PB2030MI"])
def test_no_serial_format_where_none_is_published(catalogue, model):
    assert catalogue.model(model).serial_format is None


# --- unknowns stay unknown ------------------------------------------------------------------


def test_a1680_capacity_and_output_are_unknown(catalogue):
    m = catalogue.model("A1680")
    assert m.capacity_mah is None
    assert m.output_w is None


@pytest.mark.parametrize("model", sorted(ROMOSS_BATCHES))
def test_romoss_prices_and_output_are_unknown(catalogue, model):
    entry = _entry(catalogue, ROMOSS, model)
    assert entry.price_minor is None
    assert entry.refund_max_minor is None
    assert entry.voucher_max_minor is None
    assert catalogue.model(model).output_w is None
    assert catalogue.model(model).capacity_mah == 20_000


def test_cpsc_a1263_recall_number_is_unknown(catalogue):
    assert _recall(catalogue, A1263_US).official_number is None


@pytest.mark.parametrize("rid", [ANKER_CN, ROMOSS, CANADA, AUSTRALIA, JAPAN, JAPAN_A1263, US_2024, HUNAN_2024, XIAOMI, GLOBAL])
def test_unpublished_official_numbers_are_null(catalogue, rid):
    assert _recall(catalogue, rid).official_number is None


def test_only_25_466_has_an_official_number(catalogue):
    assert _recall(catalogue, CPSC_25_466).official_number == "25-466"


@pytest.mark.parametrize("rid", [GLOBAL, AUSTRALIA, JAPAN, JAPAN_A1263])
def test_unpublished_units_stay_null_with_a_note(catalogue, rid):
    recall = _recall(catalogue, rid)
    assert recall.units is None
    assert recall.units_note


# --- bilingual texts ------------------------------------------------------------------------


@pytest.mark.parametrize("field", TEXT_FIELDS)
@pytest.mark.parametrize("rid", sorted(RECALL_MODELS))
def test_recall_texts_in_english_and_chinese(catalogue, rid, field):
    recall = _recall(catalogue, rid)
    en = recall.texts.get(f"{field}_en", "")
    zh = recall.texts.get(f"{field}_zh", "")
    assert en.strip(), f"{rid} has no {field}_en"
    assert zh.strip(), f"{rid} has no {field}_zh"
    assert CJK.search(zh), f"{rid} {field}_zh has no Chinese characters: {zh!r}"
    assert zh != en


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_text_lookup_by_language(catalogue, field):
    recall = _recall(catalogue, ROMOSS)
    assert recall.text(field, "zh_CN") == recall.texts[f"{field}_zh"]
    assert recall.text(field, "en") == recall.texts[f"{field}_en"]


def test_catalogue_descriptions_in_both_languages(catalogue):
    assert catalogue.description["description_en"].strip()
    assert CJK.search(catalogue.description["description_zh"])


# --- issue 12: coverage added from the references -------------------------------------------


def test_catalogue_version_was_bumped_for_the_new_recalls(catalogue):
    assert catalogue.version > "2025.10.22-1"


def test_2024_global_notice_window_and_confidence(catalogue):
    recall = _recall(catalogue, GLOBAL_2024)
    for model in ("A1642", "A1647", "A1652"):
        entry = recall.entry_for(model)
        assert entry.rule.kind == "made_window"
        assert entry.rule.windows == ((D("2024-01-03"), D("2024-09-17")),)  # NOTES R7, Anker global notice
        assert entry.confirmation == "manufacturer"
        assert "16-character SN" in entry.note and "HowToGeek" in entry.note
    assert recall.confidence == "medium"
    assert "HowToGeek" in recall.confidence_note and "single secondary source" in recall.confidence_note
    assert "https://www.howtogeek.com/anker-recalls-three-power-banks-due-to-fire-risk/" in recall.sources
    assert recall.currency is None and recall.official_number is None


def test_xiaomi_japan_notice_leaves_every_unknown_empty(catalogue):
    recall = _recall(catalogue, XIAOMI_JP)
    assert (recall.announced_on, recall.units, recall.official_number, recall.remedies) == ("", None, None, ())
    assert recall.confidence == "low"
    assert recall.entry_for("PB2030MI").rule.kind == "manufacturer_check"
    assert recall.currency == "JPY"
    assert "Taiwan" in recall.note and "Taiwan" in _recall(catalogue, XIAOMI).note


def test_romoss_claim_text_says_a_buyer_checked_and_the_recall_stays_valid(catalogue):
    recall = _recall(catalogue, ROMOSS)
    claim = recall.text("claim", "en")
    assert "buyer" in claim and "checked that the model and batch matched" in claim
    assert "staff check" not in claim
    assert "long-term" in claim and "长期有效" in recall.text("claim", "zh_CN")
    assert "买家" in recall.text("claim", "zh_CN")
    assert any("aitalo" in s for s in recall.sources)


# recalls.csv product_name column (the marketing names; Romoss: "marketing name unknown") and capacity_mah
PRODUCT_NAMES = {
    "A1642": {"Anker 334 MagGo Battery (PowerCore 10K)", "Anker 334 MagGo Battery (PowerCore 10000)", "10,000mAh magnetic power bank"},
    "A1647": {"Anker Power Bank (20,000mAh, 22.5W, Built-In USB-C Cable)", "Anker 335 Power Bank"},
    "A1652": {"Anker MagGo Power Bank (10,000mAh, 7.5W)", "Anker MagGo Power Bank (10,000mAh, 7.5W, Stand)",
              "Anker MagGo Power Bank (10000mAh, 7.5W, with stand / Standard)"},
    "A1680": set(),  # only "Anker Zolo travel power bank (per Notebookcheck; exact marketing name unverified)"
    "A1681": {"Anker Zolo Power Bank (20K, 30W, Built-In USB-C and Lightning Cable)"},
    "A1689": {"Anker Zolo Power Bank (20K, 30W, Built-In USB-C Cable)"},
    "A1257": {"Anker Power Bank (10K, 22.5W)", "Anker Power Bank (10000mAh, 22.5W)"},
    "A1263": {"Anker PowerCore 10000"},
    "PAC20-272": set(), "PAC20-392": set(), "PLT20A-152": set(),
    "PB2030MI": {"Xiaomi 33W Power Bank 20000mAh (Integrated Cable)", "MI牌自带线移动电源20000 33W"},
}
CAPACITIES = {"A1642": 10000, "A1647": 20000, "A1652": 10000, "A1680": None, "A1681": 20000, "A1689": 20000, "A1257": 10000,
              "A1263": 10000, "PAC20-272": 20000, "PAC20-392": 20000, "PLT20A-152": 20000, "PB2030MI": 20000}


@pytest.mark.parametrize("model, names", sorted(PRODUCT_NAMES.items()))
def test_product_names_are_the_sourced_ones(catalogue, model, names):
    assert set(catalogue.model(model).product_names) == names


@pytest.mark.parametrize("model, capacity", sorted(CAPACITIES.items()))
def test_capacity_of_each_model(catalogue, model, capacity):
    assert catalogue.model(model).capacity_mah == capacity


def test_zolo_travel_is_an_unverified_alias_only(catalogue):
    a1680 = catalogue.model("A1680")
    assert a1680.unverified_aliases == ("Anker Zolo Travel",) and a1680.aliases == ()
    assert all(not m.unverified_aliases for m in catalogue.models if m.model != "A1680")


def test_empty_remedies_need_the_unknown_flag():
    doc = json.loads(SEED_TEXT)
    doc["recalls"][1]["remedies"] = []
    with pytest.raises(CatalogueError, match="remedies_unknown"):
        parse_catalogue(json.dumps(doc, indent=2))


# --- the parser rejects a broken copy, naming line and field -------------------------------
#
# Each mutation edits one thing in the seed text and says which field the error must name and on
# which line of the *modified* text that field starts: the line of the key for an object member,
# the element's own line for an array element, and the object's "{" for a key that is missing.


def _line_at(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _replace_after(anchor: str, old: str, new: str) -> tuple[str, int]:
    """Replace the first ``old`` after ``anchor`` in the seed; return the new text and the line of the change."""
    pos = SEED_TEXT.index(old, SEED_TEXT.index(anchor))
    return SEED_TEXT[:pos] + new + SEED_TEXT[pos + len(old):], _line_at(SEED_TEXT, pos)


def _remove_key_after(anchor: str, key: str) -> tuple[str, int]:
    """Remove the line holding ``"key":`` in the object that contains ``anchor``; return the new
    text and the line of that object's "{"."""
    at = SEED_TEXT.index(anchor)
    pos = SEED_TEXT.index(f'"{key}":', at)
    begin, end = SEED_TEXT.rindex("\n", 0, pos), SEED_TEXT.index("\n", pos)
    return SEED_TEXT[:begin] + SEED_TEXT[end:], _line_at(SEED_TEXT, SEED_TEXT.rindex("{", 0, at))


ROMOSS_ID = f'"id": "{ROMOSS}"'
PLT20A_ENTRY = '"model": "PLT20A-152",\n          "units"'  # PLT20A-152 in the Romoss recall: recalls[1].models[2]


def _window_with_invalid_date():
    # PAC20-272's second window starts 2024-01-05; make it 30 February. The field is the window
    # (recalls[1].models[0].rule.windows[1]), which starts on the line of its "[".
    text, line = _replace_after(ROMOSS_ID, '"2024-01-05"', '"2024-02-30"')
    window = text.rindex("[", 0, text.index('"2024-02-30"'))
    return text, _line_at(text, window), "recalls[1].models[0].rule.windows[1]"


def _window_ending_before_it_starts():
    text, _ = _replace_after(ROMOSS_ID, '"2024-07-31"', '"2024-06-01"')  # PAC20-392: 2024-06-23..2024-06-01
    window = text.rindex("[", 0, text.index('"2024-06-23"'))
    return text, _line_at(text, window), "recalls[1].models[1].rule.windows[0]"


def _month_only_window():
    # windows need full dates; "2023-08" is only allowed for sold_from/sold_to and announced_on
    text, _ = _replace_after(PLT20A_ENTRY, '"2023-08-01"', '"2023-08"')
    window = text.rindex("[", 0, text.index('"2023-08"', text.index(PLT20A_ENTRY)))
    return text, _line_at(text, window), "recalls[1].models[2].rule.windows[0]"


def _remedy_cash():
    # Romoss remedies are ["replacement", "refund"]; the second becomes "cash"
    remedies = SEED_TEXT.index('"remedies": [', SEED_TEXT.index(ROMOSS_ID))
    text, line = _replace_after(ROMOSS_ID, '"refund"', '"cash"')
    assert line == _line_at(SEED_TEXT, SEED_TEXT.index('"refund"', remedies))  # the list's second item
    return text, line, "recalls[1].remedies[1]"


def _market_unknown():
    text, line = _replace_after(f'"id": "{CANADA}"', '"CA"', '"EU"')
    return text, line, "recalls[5].markets[0]"


def _duplicate_recall_id():
    # the A1263 US recall (recalls[2]) gets the Romoss id
    text, line = _replace_after(f'"id": "{A1263_US}"', f'"{A1263_US}"', f'"{ROMOSS}"')
    return text, line, "recalls[2].id"


def _missing_title():
    return _remove_key_after(ROMOSS_ID, "title_en") + ("recalls[1].title_en",)


def _missing_confirmation():
    return _remove_key_after(PLT20A_ENTRY, "confirmation") + ("recalls[1].models[2].confirmation",)


def _missing_remedies():
    # remove the whole list, from its key to its "],"
    at = SEED_TEXT.index(ROMOSS_ID)
    start = SEED_TEXT.index('"remedies": [', at)
    begin, end = SEED_TEXT.rindex("\n", 0, start), SEED_TEXT.index("],", start) + 2
    obj = SEED_TEXT.rindex("{", 0, at)
    return SEED_TEXT[:begin] + SEED_TEXT[end:], _line_at(SEED_TEXT, obj), "recalls[1].remedies"


def _announced_on_invalid():
    return _replace_after(ROMOSS_ID, '"2025-06-16"', '"2025-06-31"') + ("recalls[1].announced_on",)


def _status_invalid():
    return _replace_after(ROMOSS_ID, '"primary"', '"urgent"') + ("recalls[1].status",)


def _model_not_in_catalogue():
    return _replace_after(ROMOSS_ID, '"model": "PLT20A-152"', '"model": "PLT20A-153"') + ("recalls[1].models[2].model",)


def _units_negative():
    return _replace_after(ROMOSS_ID, '"units": 491745', '"units": -1') + ("recalls[1].units",)


def _rule_kind_invalid():
    return _replace_after(ROMOSS_ID, '"kind": "batch_list"', '"kind": "some_batches"') + ("recalls[1].models[0].rule.kind",)


def _batch_listed_twice():
    # PAC20-392 lists M22-Q6 twice; the error names the list
    text, _ = _replace_after('"M22-Q6"', '"M22-Q7"', '"M22-Q6"')
    batches = SEED_TEXT.index('"batches"', SEED_TEXT.index('"model": "PAC20-392",\n          "units"'))
    return text, _line_at(SEED_TEXT, batches), "recalls[1].models[1].rule.batches"


def _alias_matches_two_models():
    # A1257 (models[6]) may not claim A1647's alias; the error names the model that claims it second
    text, _ = _replace_after('"model": "A1257"', '"aliases": []', '"aliases": ["Anker 335 Power Bank"]')
    obj = SEED_TEXT.rindex("{", 0, SEED_TEXT.index('"model": "A1257"'))
    return text, _line_at(SEED_TEXT, obj), "models[6]"


def _version_invalid():
    return _replace_after('"version"', '"2025.10.22-2"', '"22 Oct 2025"') + ("version",)


def _money_with_decimals():
    # money is integer minor units, never decimals
    return _replace_after(f'"id": "{A1263_US}"', '"price_minor": 2700', '"price_minor": 27.00') + (
        "recalls[2].models[0].price_minor",
    )


def _currency_invalid():
    return _replace_after(ROMOSS_ID, '"currency": "CNY"', '"currency": "RMB"') + ("recalls[1].currency",)


MUTATIONS = {
    "window_invalid_date": _window_with_invalid_date,
    "window_ends_before_start": _window_ending_before_it_starts,
    "window_month_only": _month_only_window,
    "remedy_cash": _remedy_cash,
    "market_unknown": _market_unknown,
    "duplicate_recall_id": _duplicate_recall_id,
    "missing_title_en": _missing_title,
    "missing_confirmation": _missing_confirmation,
    "missing_remedies": _missing_remedies,
    "announced_on_invalid": _announced_on_invalid,
    "status_invalid": _status_invalid,
    "model_not_in_catalogue": _model_not_in_catalogue,
    "units_negative": _units_negative,
    "rule_kind_invalid": _rule_kind_invalid,
    "batch_listed_twice": _batch_listed_twice,
    "alias_matches_two_models": _alias_matches_two_models,
    "version_invalid": _version_invalid,
    "money_with_decimals": _money_with_decimals,
    "currency_invalid": _currency_invalid,
}



def test_mutations_assume_this_order_of_the_seed():
    """The field paths above are written out for readability; they assume this order in the seed."""
    doc = json.loads(SEED_TEXT)
    assert doc["recalls"][1]["id"] == ROMOSS
    assert [e["model"] for e in doc["recalls"][1]["models"]] == ["PAC20-272", "PAC20-392", "PLT20A-152"]
    assert doc["recalls"][2]["id"] == A1263_US
    assert doc["recalls"][5]["id"] == CANADA
    assert doc["models"][6]["model"] == "A1257"


def _parse_error(text: str) -> CatalogueError:
    with pytest.raises(CatalogueError) as info:
        parse_catalogue(text)
    return info.value


def test_the_seed_itself_parses_with_and_without_line_tracking():
    assert parse_catalogue(SEED_TEXT) == parse_catalogue(SEED_TEXT, track_lines=False)


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_broken_copy_is_rejected_naming_the_field(name):
    text, _line, field = MUTATIONS[name]()
    assert text != SEED_TEXT
    err = _parse_error(text)
    assert err.field == field
    assert err.line is not None
    assert f"field {field}: " in str(err)


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_broken_copy_is_rejected_naming_the_line(name):
    text, line, _field = MUTATIONS[name]()
    err = _parse_error(text)
    lines = text.splitlines()
    assert err.line == line, f"reported line {err.line} {lines[err.line - 1].strip()!r}, expected {line} {lines[line - 1].strip()!r}"
    assert str(err).startswith(f"line {line}, field ")


def test_duplicate_recall_id_is_reported_next_to_its_id_line():
    """Whatever the exact line, it is within the duplicate recall's first lines."""
    text, line, _field = _duplicate_recall_id()
    assert 0 <= line - _parse_error(text).line <= 1


def test_invalid_json_names_a_line():
    # drop the comma after the Romoss "status" line: the parser notices at the next key
    text, line = _replace_after(ROMOSS_ID, '"status": "primary",', '"status": "primary"')
    err = _parse_error(text)
    assert err.field == ""
    assert err.line in (line, line + 1)
    assert "not valid JSON" in err.message


def test_text_after_the_document_names_the_line_of_that_text():
    text = SEED_TEXT + "\n{}\n"
    assert _parse_error(text).line == text.count("\n")  # the line holding "{}"


def test_text_after_the_document_is_rejected():
    err = _parse_error(SEED_TEXT + "\n{}\n")
    assert "after the JSON document" in err.message
    assert err.line is not None


def test_line_is_right_when_keys_come_in_another_order():
    doc = json.loads(SEED_TEXT)
    recall = doc["recalls"][1]
    models = recall.pop("models")
    recall.pop("note")
    recall["models"] = models
    recall["note"] = 5  # must be text
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    expected = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.strip() == '"note": 5')
    err = _parse_error(text)
    assert err.field == "recalls[1].note"
    assert err.line == expected
