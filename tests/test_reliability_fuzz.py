"""Fuzzing with Hypothesis: the normaliser, the lookup engine (beyond tests/test_lookup.py),
money, the return validation, the catalogue parser and the command line.

Every property says what the answer must be for any input: a value of the right shape, or one
of the product's own errors with a message, and nothing written when refused."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import subprocess
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from returns_desk.domain.catalogue import MARKETS, MAX_AMOUNT_MINOR, CatalogueError, parse_catalogue
from returns_desk.domain.errors import InputError, RefusedError
from returns_desk.domain.lookup import VERDICTS
from returns_desk.domain.money import format_amount, parse_amount
from returns_desk.domain.returns import CONDITIONS, ReturnDraft
from returns_desk.domain.text import compact, fold, parse_date, serial_key, tokens
from returns_desk.services.lookup_service import result_json, result_text
from tests.conftest import SEED
from tests.reliability_support import cli

FUZZ = settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SEED_TEXT = SEED.read_text(encoding="utf-8")
FULL_WIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


# --- normaliser -------------------------------------------------------------------------------


@FUZZ
@given(text=st.text())
def test_normaliser_takes_any_text(text):
    key = compact(text)
    assert re.fullmatch(r"[A-Z0-9]*", key) and len(key) <= 256
    assert compact(key) == key and serial_key(text) == key  # idempotent; serials read the same way
    assert all(re.fullmatch(r"[A-Z0-9]+", t) for t in tokens(text))
    assert len(fold(text)) <= 256
    try:
        parse_date(text)
    except ValueError:
        pass


@FUZZ
@given(day=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2999, 12, 31)),
       form=st.sampled_from(["{:%Y-%m-%d}", "{:%Y/%m/%d}", "{:%Y%m%d}", "{:%Y.%m.%d}", "{d.year}年{d.month}月{d.day}日"]),
       wide=st.booleans(), pad=st.sampled_from(["", " ", "\u3000", "\t"]))
def test_dates_as_people_type_them(day, form, wide, pad):
    text = form.format(day, d=day)
    text = pad + (text.translate(FULL_WIDTH) if wide else text) + pad
    assert parse_date(text) == day


# --- lookup engine (the plain "any text, any market" property is in test_lookup.py) -----------

MODELS_OF_THE_SEED = sorted({m["model"] for m in json.loads(SEED_TEXT)["models"]})


def _decorate(draw, model: str) -> str:
    """The model as a clerk or scanner might type it: case, separators (at up to two places: the
    engine joins at most six pieces), full width, brand words and symbols around it."""
    cuts = set(draw(st.lists(st.integers(1, max(1, len(model) - 1)), max_size=2)))
    chars = []
    for i, ch in enumerate(model):
        if i in cuts:
            chars.append(draw(st.sampled_from([" ", "-", "\u3000", "·", "  "])))
        chars.append(draw(st.sampled_from([ch, ch.lower()])))
    text = "".join(chars)
    if draw(st.booleans()):
        text = text.translate(FULL_WIDTH)
    before = draw(st.sampled_from(["", "  ", "Anker ", "安克", "罗马仕 ", "小米", "型号:", "🔋", "\u200f"]))
    after = draw(st.sampled_from(["", " ", "\n", "🔥", "\u202c"]))
    return before + text + after


@st.composite
def typed_models(draw):
    model = draw(st.sampled_from(MODELS_OF_THE_SEED))
    return model, _decorate(draw, model)


@FUZZ
@given(typed=typed_models(), market=st.sampled_from(MARKETS))
def test_a_known_model_is_found_however_it_is_typed(engine, typed, market):
    model, text = typed
    found = engine.find_model(text)
    # a brand word glued to a model that starts with the same letters may read differently;
    # everything else must find the model
    assume(not (text.strip().upper().startswith(("ANKER", "XIAOMI", "ROMOSS")) and model[0].isalpha()))
    assert found is not None and found.model == model, (text, found)
    r = engine.lookup(text, market=market)
    assert r.verdict in VERDICTS and r.model is not None and r.model.model == model


@FUZZ
@given(text=st.text(max_size=300), market=st.sampled_from(MARKETS), lang=st.sampled_from(["en", "zh_CN"]),
       serial=st.none() | st.text(max_size=40), batch=st.none() | st.text(max_size=20))
def test_every_lookup_renders_as_json_and_text_in_both_languages(engine, text, market, lang, serial, batch):
    r = engine.lookup(text, market=market, serial=serial, batch=batch)
    out = json.loads(json.dumps(result_json(r, lang), ensure_ascii=False))
    assert out["verdict"] in VERDICTS and out["input"] == text
    assert result_text(r, lang).strip()
    for s in engine.suggest(text):
        assert engine.find_model(s) is not None  # a suggestion is always a real model


# --- money --------------------------------------------------------------------------------------

AMOUNT_NOISE = st.lists(st.sampled_from(list("0123456789.,-+eE ¥$￥元円\u3000０１２３４５６７８９．－") + ["CNY", "RMB", "US"]), max_size=30).map("".join)


@FUZZ
@given(text=st.one_of(st.text(), AMOUNT_NOISE), currency=st.sampled_from(["CNY", "USD", "JPY"]))
def test_any_amount_text_is_an_exact_integer_or_a_clear_error(text, currency):
    try:
        minor = parse_amount(text, currency)
    except InputError as exc:
        assert exc.key in {"amount_invalid", "amount_negative", "amount_precision", "amount_too_large"}
        assert exc.message("en") and exc.message("zh_CN")
        return
    assert isinstance(minor, int) and 0 <= minor <= MAX_AMOUNT_MINOR
    # the number read is exactly the number typed (nothing cut off, nothing rounded)
    digits = "".join(c for c in unicodedata.normalize("NFKC", text) if c.isdigit() or c == ".")
    assert Decimal(digits) * (1 if currency == "JPY" else 100) == minor


@FUZZ
@given(minor=st.integers(0, MAX_AMOUNT_MINOR), currency=st.sampled_from(["CNY", "USD", "JPY"]),
       wide=st.booleans(), sign=st.sampled_from(["", "¥", "$", "￥"]), spaces=st.sampled_from(["", " ", "\u3000"]),
       zeros=st.integers(0, 80))
def test_amounts_as_printed_read_back_exactly(minor, currency, wide, sign, spaces, zeros):
    text = "0" * zeros + format_amount(minor, currency)
    text = spaces + sign + (text.translate(FULL_WIDTH) if wide else text) + spaces
    if len(text.strip()) - len(sign) > 64:  # refused, never cut down to a different number
        with pytest.raises(InputError):
            parse_amount(text, currency)
    else:
        assert parse_amount(text, currency) == minor


def test_long_amounts_are_refused_not_cut():
    """Before: the text was cut to 64 characters, so 62 zeros and 14900 saved 14.00, and
    1.0000000000000000000000000000000001 was rounded to 1.00."""
    with pytest.raises(InputError):
        parse_amount("0" * 62 + "14900", "CNY")
    with pytest.raises(InputError) as err:
        parse_amount("1.0000000000000000000000000000000001", "CNY")
    assert err.value.key == "amount_precision"
    with pytest.raises(InputError):
        parse_amount(" " * 250 + "1" * 10, "CNY")


# --- return validation through the service ------------------------------------------------------


def _count(desk) -> tuple[int, int, int]:
    c = desk.conn.db.conn
    return tuple(c.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("returns", "audit", "ticket_sequence"))


@FUZZ
@given(
    model=st.sampled_from(["A1257", "A1642", "PAC20-272", "A1263", "PB2030MI", ""]) | st.text(max_size=30),
    remedy=st.sampled_from(["refund", "replacement", "voucher", "cash", ""]),
    amount=st.none() | AMOUNT_NOISE | st.text(max_size=70) | st.decimals(allow_nan=False, allow_infinity=False).map(str),
    condition=st.sampled_from(CONDITIONS.codes + ("wet", "")),
    made=st.none() | st.dates(),
    batch=st.none() | st.sampled_from(["C14-P6", "C14-P5", "c14p7"]) | st.text(max_size=10),
    serial=st.none() | st.integers(0, 10**16 - 1).map(lambda n: f"{n:016d}") | st.text(max_size=20),
    override=st.none() | st.text(max_size=30),
)
def test_any_draft_is_saved_exactly_or_refused_with_nothing_written(returns, desk, model, remedy, amount, condition, made, batch, serial, override):
    before = _count(desk)
    draft = ReturnDraft(isolation_confirmed=True, model_input=model, remedy=remedy, clerk="Fuzz", amount=amount, condition=condition, made=made,
                        batch=batch, serial=serial, override_reason=override)
    try:
        entry = returns.record(draft)
    except (InputError, RefusedError) as exc:
        assert exc.message("en") and exc.message("zh_CN")
        assert _count(desk) == before  # nothing half-saved, not even a ticket number
        return
    assert _count(desk)[:2] == (before[0] + 1, before[1] + 1)
    row = desk.conn.read("SELECT amount_minor, typeof(amount_minor) AS t, condition, remedy FROM returns WHERE ticket = ?", (entry["ticket"],))[0]
    assert row["t"] == "integer" and row["amount_minor"] == entry["amount_minor"]
    if amount is not None and amount.strip():
        assert row["amount_minor"] == parse_amount(amount, entry["currency"])
    assert (row["condition"], row["remedy"]) == (condition, remedy)


# --- catalogue import ---------------------------------------------------------------------------


@FUZZ
@given(text=st.one_of(
    st.text(),
    st.integers(0, len(SEED_TEXT)).map(lambda n: SEED_TEXT[:n]),
    st.tuples(st.integers(0, len(SEED_TEXT)), st.text(min_size=1, max_size=5)).map(lambda t: SEED_TEXT[:t[0]] + t[1] + SEED_TEXT[t[0] + 1:]),
    st.integers(1, 5000).map(lambda n: "[" * n),
    st.integers(4301, 6000).map(lambda n: '{"format": ' + "7" * n + "}"),
))
def test_malformed_documents_are_rejected_with_a_line(text):
    try:
        parse_catalogue(text)
    except CatalogueError as exc:
        assert exc.line is None or 1 <= exc.line <= text.count("\n") + 1
        assert exc.line is not None or not text.strip() or "JSON" not in str(exc)
        assert str(exc)
    else:
        json.loads(text)  # only a valid document gets through


SEED_DOC = json.loads(SEED_TEXT)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


ALL_PATHS = [p for p in _paths(SEED_DOC) if p]
ODD_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**12), st.floats(allow_nan=False), st.text(max_size=12),
                       st.just([]), st.just({}), st.just("2025-13-45"), st.just("REFUND"), st.just(["x"]))


@st.composite
def mutated_documents(draw):
    doc = json.loads(SEED_TEXT)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(ALL_PATHS))
        parent = doc
        try:
            for key in path[:-1]:
                parent = parent[key]
            if draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = draw(ODD_VALUES)
        except (KeyError, IndexError, TypeError):
            continue
    return json.dumps(doc, ensure_ascii=False, indent=draw(st.sampled_from([None, 1, 2])))


@FUZZ
@given(text=mutated_documents())
def test_mutated_documents_are_rejected_with_line_and_field_and_change_nothing(tmp_path_factory, desk, text):
    from returns_desk.services import catalogue_service
    from returns_desk.storage import repository as repo

    try:
        parse_catalogue(text)
        valid = True
    except CatalogueError as exc:
        valid = False
        assert exc.line is not None and 1 <= exc.line <= text.count("\n") + 1, exc
        assert exc.field, exc
    if valid:
        return
    before = repo.catalogue_history(desk.conn), _count(desk)
    path = tmp_path_factory.mktemp("cat") / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        catalogue_service.import_catalogue(desk.conn, path, actor="fuzz")
    assert err.value.key == "import_invalid" and "not changed" in err.value.message("en")
    assert (repo.catalogue_history(desk.conn), _count(desk)) == before


def test_deep_nesting_and_huge_numbers_are_rejected_not_a_crash(tmp_path, db_path):
    """Before: RecursionError and ValueError escaped as tracebacks from `recalls import`."""
    cases = {"deep.json": "{\n" + '"models": ' + "[" * 5000, "huge.json": '{\n"format": 1,\n"version": ' + "9" * 5000 + "\n}"}
    for (name, text), line in zip(cases.items(), ("line 2", "line 3")):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        run = cli("recalls", "import", path, "--db", db_path)
        assert run.code == 2 and line in run.err and "not changed" in run.err and not run.crashed, run


# --- the command line ---------------------------------------------------------------------------

TEXT_ARG = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=20)
VALUES = {
    "--serial": st.sampled_from(["AKFF1Y0E48301745", "AO12I3", ""]) | TEXT_ARG,
    "--batch": st.sampled_from(["C14-P6", "c14p5", ""]) | TEXT_ARG,
    "--made": st.sampled_from(["2023-06-05", "2017-05-01", "2023-02-30", "２０２３年６月５日", "yesterday"]) | TEXT_ARG,
    "--market": st.sampled_from(list(MARKETS) + ["us", "EU", ""]),
    "--model": st.sampled_from(["A1257", "PAC20-272", "A1263", "A1642", "'; DROP TABLE returns;--"]) | TEXT_ARG,
    "--remedy": st.sampled_from(["refund", "replacement", "voucher", "cash"]),
    "--amount": st.sampled_from(["149.00", "１４９", "-1", "1e3", "99999999999", "0.001"]) | TEXT_ARG,
    "--condition": st.sampled_from(list(CONDITIONS) + ["wet"]),
    "--clerk": TEXT_ARG, "--receipt": TEXT_ARG, "--override": TEXT_ARG, "--notes": TEXT_ARG, "--contact": TEXT_ARG,
    "--at": st.sampled_from(["2025-07-01T10:30:00+08:00", "0001-01-01T00:00:00", "9999-12-31T23:59:59-12:00", "noon"]) | TEXT_ARG,
    "--lang": st.sampled_from(["en", "zh_CN", "fr"]),
    "--out": st.sampled_from(["copy.db", "", "nope/x.db", "."]),
    "--date": st.sampled_from(["2025-07-01", "x"]),
}
FLAGS = ["--json", "--help", "--version"]
COMMANDS = [[], ["lookup"], ["record"], ["recalls"], ["recalls", "list"], ["recalls", "import"], ["backup"], ["frobnicate"]]


@st.composite
def argument_lists(draw):
    args = list(draw(st.sampled_from(COMMANDS)))
    if args[:1] == ["lookup"] or draw(st.integers(0, 9)) == 0:
        args.append(draw(st.sampled_from(["A1257", "a-1257", "Ａ１２５７", "PAC20-272", ""]) | TEXT_ARG))
    if args == ["recalls", "import"]:
        args.append(draw(st.sampled_from(["catalogue.json", "missing.json", ".", "junk.json"])))
    for _ in range(draw(st.integers(0, 7))):
        if draw(st.integers(0, 5)) == 0:
            args.append(draw(st.sampled_from(FLAGS)))
        else:
            opt = draw(st.sampled_from(sorted(VALUES)))
            args += [opt, draw(VALUES[opt])]
    if not args or args[0] not in {"lookup", "record", "recalls", "backup", "frobnicate"}:
        args.append("--version")  # without a command the window would open (tests/test_ui_*.py cover it)
    return args


@pytest.fixture
def cli_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "catalogue.json").write_text(SEED_TEXT.replace(json.loads(SEED_TEXT)["version"], "2099.01.01-1"), encoding="utf-8")
    (tmp_path / "junk.json").write_bytes(b"\xff\xfe{]")
    return tmp_path


def _check_run(run, args):
    assert not run.crashed, (args, run)
    assert run.code in (0, 1, 2), (args, run)
    if run.code == 1:  # only for a database that cannot be used
        assert run.err.startswith("returns-desk: ") and len(run.err.strip().splitlines()) == 1, (args, run)
        assert any(w in run.err for w in ("database", "seed", "Broken")), (args, run)
    if run.code == 2:
        assert run.err.strip(), (args, run)
    if run.code == 0 and "--json" in args and args[:1] == ["lookup"] and "--help" not in args:
        assert json.loads(run.out)["verdict"] in VERDICTS


@settings(max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(args=argument_lists())
def test_random_command_lines_exit_0_or_2_with_a_message_never_a_traceback(cli_folder, args):
    db = cli_folder / "fuzz.db"
    run = cli(*args, "--db", db)
    _check_run(run, args)


def test_bad_time_and_bytes_that_are_not_utf8_are_refused_cleanly(db_path):
    """Before: --at 0001-01-01 raised OverflowError; a non-UTF-8 argument raised UnicodeEncodeError
    (when printing or storing it). Both were tracebacks."""
    base = ("record", "--model", "A1257", "--remedy", "refund", "--amount", "149", "--serial", "AKFF1Y0E48301745", "--db", db_path)
    for at in ("0001-01-01T00:00:00", "9999-12-31T23:59:59-10:00"):
        run = cli(*base, "--at", at)
        assert run.code == 2 and "ISO time" in run.err and not run.crashed, run
    for args in (("lookup", "A1257\udcff", "--json", "--db", db_path), base + ("--notes", "bad\udcff bytes")):
        run = cli(*args)
        assert run.code == 2 and "UTF-8" in run.err and not run.crashed and run.out == "", run
    run = cli("lookup", "\udcff", "--lang", "zh_CN", "--db", db_path)
    assert run.code == 2 and "UTF-8 文本" in run.err
    assert not db_path.exists() or __import__("sqlite3").connect(db_path).execute("SELECT count(*) FROM returns").fetchone()[0] == 0


@pytest.mark.slow
def test_random_command_lines_through_the_real_entry_point(tmp_path):
    """A smaller number through the installed `returns-desk` in real processes: same rules, and
    arguments as raw bytes (not UTF-8 included)."""
    exe = Path(sys.executable).with_name("returns-desk")
    (tmp_path / "catalogue.json").write_text(SEED_TEXT, encoding="utf-8")
    rng = random.Random(8)
    words = [b"A1257", b"PAC20-272", b"\xff\xfe", "罗马仕".encode(), b"'; DROP TABLE returns;--", b"--json", b"-1", b"1e3", b""]
    for _ in range(24):
        args = [rng.choice([b"lookup", b"record", b"recalls", b"backup", b"--bogus"])]
        for _ in range(rng.randint(0, 6)):
            args.append(rng.choice([b"--model", b"--remedy", b"--amount", b"--serial", b"--at", b"--market", b"--json", b"--made"]))
            args.append(rng.choice(words))
        cmd = [os.fsencode(exe), *args, b"--db", os.fsencode(tmp_path / "real.db")]
        r = subprocess.run(cmd, capture_output=True, cwd=tmp_path, timeout=120)
        err = r.stderr.decode("utf-8", "replace")
        assert b"Traceback" not in r.stderr and r.returncode in (0, 1, 2), (args, r.returncode, err)
        if r.returncode:
            assert err.strip(), args
        if r.returncode == 1:
            assert len(err.strip().splitlines()) == 1, err
