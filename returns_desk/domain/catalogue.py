"""The recall catalogue: recalls, the models they list and each model's eligibility rule.

The catalogue is a JSON document (format described in ``db/README.md``). ``parse_catalogue``
validates a whole document and either returns a :class:`Catalogue` or raises
:class:`CatalogueError` naming the line and the field of the first problem, so that a bad file
is rejected before anything is written.

Annotations here are evaluated when the module loads (no ``from __future__ import annotations``):
``typing.NamedTuple`` would otherwise compile every field's annotation string, a cost every
command-line lookup pays.
"""

import datetime as dt
import json
import json.scanner
import re
import sys
from typing import Any, NamedTuple

from returns_desk.domain.text import compact, tokens

FORMAT = 1
MARKETS = ("CN", "US", "CA", "AU", "JP")
GLOBAL = "GLOBAL"
CURRENCIES = {"CN": "CNY", "US": "USD", "CA": "CAD", "AU": "AUD", "JP": "JPY"}
REMEDIES = ("refund", "replacement", "voucher")
RULE_KINDS = ("all_units", "batch_list", "made_window", "manufacturer_check")
CONFIRMATIONS = ("manufacturer", "none")
_VERSION = re.compile(r"^\d{4}\.\d{2}\.\d{2}(-\d+)?$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
#: Ceiling for any single amount in the catalogue or on a return (minor units): 1,000,000.00.
MAX_AMOUNT_MINOR = 100_000_000


class CatalogueError(ValueError):
    """A catalogue document that cannot be used. ``line`` is 1-based, or None when unknown."""

    def __init__(self, message: str, *, line: int | None = None, field: str = "") -> None:
        self.line = line
        self.field = field
        self.message = message
        where = []
        if line is not None:
            where.append(f"line {line}")
        if field:
            where.append(f"field {field}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


CONFIDENCES = ("high", "medium", "low")


class SerialFormat(NamedTuple):
    length: int | None = None
    forbidden_letters: str = ""
    source: str | None = None
    #: ``high`` (official text, or the manufacturer's own statement): a serial outside the rule is
    #: refused. ``medium``/``low``/None (one secondary source, an inference): the clerk is warned
    #: and asked to check; the return is saved with the warning recorded.
    confidence: str | None = None

    @property
    def strict(self) -> bool:
        return self.confidence == "high"


class Model(NamedTuple):
    brand: str
    model: str
    key: str
    brand_zh: str | None = None
    aliases: tuple[str, ...] = ()
    #: names a single unverified source gives (never used as a model number; never ranked above sourced names)
    unverified_aliases: tuple[str, ...] = ()
    #: product names the sources give for this model (often shared by several models)
    product_names: tuple[str, ...] = ()
    name_en: str | None = None
    name_zh: str | None = None
    capacity_mah: int | None = None
    output_w: float | None = None
    serial_format: SerialFormat | None = None
    note: str | None = None


class Rule(NamedTuple):
    kind: str
    batches: tuple[str, ...] = ()
    windows: tuple[tuple[dt.date, dt.date], ...] = ()

    def batch_keys(self) -> dict[str, str]:
        """Compact key -> batch code as published (``C14P6`` -> ``C14-P6``)."""
        return {compact(b): b for b in self.batches}

    def in_window(self, made: dt.date) -> bool:
        return any(start <= made <= end for start, end in self.windows)


class RecallModel(NamedTuple):
    model: str
    rule: Rule
    confirmation: str
    units: int | None = None
    price_minor: int | None = None
    refund_max_minor: int | None = None
    voucher_max_minor: int | None = None
    replacement_model: str | None = None
    sold_from: str | None = None
    sold_to: str | None = None
    note: str | None = None
    #: how refund_max_minor / voucher_max_minor were derived when no source states them directly
    bound_note: str | None = None
    bound_note_zh: str | None = None

    def bound_text(self, lang: str = "en") -> str | None:
        """The bound note in ``lang`` (``en`` or ``zh_CN``), falling back to English."""
        return (self.bound_note_zh if lang.startswith("zh") else None) or self.bound_note


class Recall(NamedTuple):
    id: str
    status: str
    markets: tuple[str, ...]
    announced_on: str  # YYYY-MM-DD or YYYY-MM; "" when no source gives the date
    remedies: tuple[str, ...]
    currency: str | None
    models: tuple[RecallModel, ...]
    texts: dict[str, str]  # title_en, title_zh, hazard_en, ... (see ``text``)
    official_number: str | None = None
    units: int | None = None
    units_note: str | None = None
    sources: tuple[str, ...] = ()
    confidence: str | None = None
    confidence_note: str | None = None
    note: str | None = None

    def text(self, name: str, lang: str = "en") -> str:
        """A bilingual text field (``title``, ``hazard``, ``remedy``, ``claim``, ``handling``,
        ``authority``) in ``lang`` (``en`` or ``zh_CN``), falling back to English."""
        if lang.startswith("zh"):
            return self.texts.get(f"{name}_zh") or self.texts.get(f"{name}_en", "")
        return self.texts.get(f"{name}_en", "")

    def applies_in(self, market: str) -> bool:
        return market in self.markets or GLOBAL in self.markets

    def entry_for(self, model: str) -> RecallModel | None:
        for rm in self.models:
            if rm.model == model:
                return rm
        return None


class Catalogue(NamedTuple):
    version: str
    published_on: str
    models: tuple[Model, ...]
    recalls: tuple[Recall, ...]
    description: dict[str, str]  # description_en, description_zh

    def model(self, name: str) -> Model | None:
        for m in self.models:
            if m.model == name:
                return m
        return None

    def recall(self, recall_id: str) -> Recall | None:
        for r in self.recalls:
            if r.id == recall_id:
                return r
        return None


# --- parsing with line numbers -------------------------------------------------------------


class _Obj(dict):
    """A JSON object that remembers the line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict[str, int]


class _List(list):
    """A JSON array that remembers the line of each element."""

    line: int = 0
    item_lines: list[int]


def _loads_with_lines(text: str) -> Any:
    decoder = json.JSONDecoder()
    newlines = [i for i, ch in enumerate(text) if ch == "\n"]

    def line_of(pos: int) -> int:
        import bisect

        return bisect.bisect_right(newlines, pos - 1) + 1

    def parse_object(s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo=None, _w=None):
        s, pos = s_and_end
        obj = _Obj()
        obj.line = line_of(pos - 1)
        obj.key_lines = {}
        pos = _skip_ws(s, pos)
        if s[pos : pos + 1] == "}":
            return obj, pos + 1
        while True:
            if s[pos : pos + 1] != '"':
                raise json.JSONDecodeError("Expecting property name enclosed in double quotes", s, pos)
            key_line = line_of(pos)
            key, pos = json.decoder.scanstring(s, pos + 1, strict)
            pos = _skip_ws(s, pos)
            if s[pos : pos + 1] != ":":
                raise json.JSONDecodeError("Expecting ':' delimiter", s, pos)
            pos = _skip_ws(s, pos + 1)
            try:
                value, pos = scan_once(s, pos)
            except StopIteration as stop:
                raise json.JSONDecodeError("Expecting value", s, stop.value) from None
            obj[key] = value
            obj.key_lines[key] = key_line
            closed, pos = _after_value(s, pos, "}")
            if closed:
                return obj, pos

    def parse_array(s_and_end, scan_once):
        s, pos = s_and_end
        out = _List()
        out.line = line_of(pos - 1)
        out.item_lines = []
        pos = _skip_ws(s, pos)
        if s[pos : pos + 1] == "]":
            return out, pos + 1
        while True:
            out.item_lines.append(line_of(pos))
            try:
                value, pos = scan_once(s, pos)
            except StopIteration as stop:
                raise json.JSONDecodeError("Expecting value", s, stop.value) from None
            out.append(value)
            closed, pos = _after_value(s, pos, "]")
            if closed:
                return out, pos

    decoder.parse_object = parse_object  # type: ignore[attr-defined]
    decoder.parse_array = parse_array  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        value, end = decoder.raw_decode(text, _skip_ws(text, 0))
    except json.JSONDecodeError as exc:
        raise CatalogueError(f"not valid JSON: {exc.msg}", line=exc.lineno) from None
    if text[end:].strip():
        raise CatalogueError("unexpected text after the JSON document", line=line_of(_skip_ws(text, end)))
    return value


MAX_DEPTH = 64


def _too_deep_line(text: str) -> int | None:
    """The line where arrays and objects nest deeper than MAX_DEPTH (strings skipped)."""
    depth, line, in_string, escaped = 0, 1, False, False
    for ch in text:
        if ch == "\n":
            line += 1
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line
        elif ch in "]}":
            depth -= 1
    return None


def _after_value(s: str, pos: int, closer: str) -> tuple[bool, int]:
    """After a value in an object or array: (True, position after the closer) at its end, else
    (False, position of the next item) after a comma."""
    pos = _skip_ws(s, pos)
    sep = s[pos : pos + 1]
    if sep == closer:
        return True, pos + 1
    if sep != ",":
        raise json.JSONDecodeError("Expecting ',' delimiter", s, pos)
    return False, _skip_ws(s, pos + 1)


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n\ufeff":
        pos += 1
    return pos


class _Reader:
    """Typed access to one JSON object, raising CatalogueError with line and field path."""

    def __init__(self, obj: Any, path: str, line: int | None) -> None:
        if not isinstance(obj, dict):
            raise CatalogueError("must be an object", line=line, field=path or "(document)")
        self.obj = obj
        self.path = path
        self.line = getattr(obj, "line", line)

    def where(self, key: str) -> tuple[int | None, str]:
        lines = getattr(self.obj, "key_lines", {})
        return lines.get(key, self.line), f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, message: str) -> CatalogueError:
        line, path = self.where(key)
        return CatalogueError(message, line=line, field=path)

    def get(self, key: str, kind: type | tuple[type, ...], *, required: bool = True) -> Any:
        if key not in self.obj or self.obj[key] is None:
            if required:
                raise self.fail(key, "is required")
            return None
        value = self.obj[key]
        if isinstance(value, bool) and kind is not bool and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            raise self.fail(key, "must not be true/false")
        if not isinstance(value, kind):
            names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
            names = names.replace("str", "text").replace("int", "whole number").replace("float", "number")
            raise self.fail(key, f"must be {names}")
        return value

    def text(self, key: str, *, required: bool = True, max_len: int = 4000) -> str | None:
        value = self.get(key, str, required=required)
        if value is None:
            return None
        if required and not value.strip():
            raise self.fail(key, "must not be empty")
        if len(value) > max_len:
            raise self.fail(key, f"is longer than {max_len} characters")
        return value

    def count(self, key: str, *, required: bool = False, maximum: int = MAX_AMOUNT_MINOR) -> int | None:
        value = self.get(key, int, required=required)
        if value is not None and not 0 <= value <= maximum:
            raise self.fail(key, f"must be between 0 and {maximum}")
        return value

    def choice(self, key: str, allowed: tuple[str, ...]) -> str:
        value = self.text(key)
        assert value is not None
        if value not in allowed:
            raise self.fail(key, f"must be one of {', '.join(allowed)} (got {value!r})")
        return value

    def items(self, key: str, *, required: bool = True) -> list[tuple[Any, str, int | None]]:
        value = self.get(key, list, required=required) or []
        line, path = self.where(key)
        lines = getattr(value, "item_lines", None) or [line] * len(value)
        return [(v, f"{path}[{i}]", getattr(v, "line", lines[i])) for i, v in enumerate(value)]

    def date_text(self, key: str, *, required: bool = True, month_ok: bool = False) -> str | None:
        value = self.text(key, required=required)
        if value is None:
            return None
        try:
            if _DAY.match(value):
                dt.date.fromisoformat(value)
            elif month_ok and _MONTH.match(value):
                dt.date.fromisoformat(value + "-01")
            else:
                raise ValueError
        except ValueError:
            raise self.fail(key, f"must be a date YYYY-MM-DD{' or YYYY-MM' if month_ok else ''} (got {value!r})") from None
        return value


def _windows(items: list[tuple[Any, str, int | None]]) -> tuple[tuple[dt.date, dt.date], ...]:
    out = []
    for value, path, line in items:
        if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
            raise CatalogueError('must be a pair of dates ["YYYY-MM-DD", "YYYY-MM-DD"]', line=line, field=path)
        try:
            start, end = dt.date.fromisoformat(value[0]), dt.date.fromisoformat(value[1])
        except ValueError:
            raise CatalogueError(f"not a valid date pair: {value}", line=line, field=path) from None
        if end < start:
            raise CatalogueError("the window ends before it starts", line=line, field=path)
        out.append((start, end))
    return tuple(out)


def _rule(r: _Reader) -> Rule:
    kind = r.choice("kind", RULE_KINDS)
    if kind in ("all_units", "manufacturer_check"):
        return Rule(kind)
    windows = _windows(r.items("windows", required=kind == "made_window"))
    if kind == "made_window":
        if not windows:
            raise r.fail("windows", "needs at least one window")
        return Rule(kind, windows=windows)
    batches = []
    for value, path, line in r.items("batches"):
        if not isinstance(value, str) or not compact(value):
            raise CatalogueError("must be a batch code", line=line, field=path)
        batches.append(value.strip())
    if not batches:
        raise r.fail("batches", "needs at least one batch code")
    keys = [compact(b) for b in batches]
    if len(set(keys)) != len(keys):
        raise r.fail("batches", "lists the same batch code twice")
    return Rule(kind, batches=tuple(batches), windows=windows)


def _serial_format(value: Any, path: str, line: int | None) -> SerialFormat | None:
    if value is None:
        return None
    r = _Reader(value, path, line)
    length = r.count("length", maximum=64)
    forbidden = r.text("forbidden_letters", required=False) or ""
    if not forbidden.isalpha() and forbidden:
        raise r.fail("forbidden_letters", "must be letters only")
    confidence = r.text("confidence", required=False, max_len=20)
    if confidence is not None and confidence not in CONFIDENCES:
        raise r.fail("confidence", f"must be one of {', '.join(CONFIDENCES)} (got {confidence!r})")
    return SerialFormat(length=length, forbidden_letters=forbidden.upper(), source=r.text("source", required=False), confidence=confidence)


def model_key(name: str) -> str:
    """The lookup key of a model number or alias: its letter/digit runs joined, brand words dropped."""
    from returns_desk.domain.text import BRAND_WORDS

    return "".join(t for t in tokens(name) if t not in BRAND_WORDS)


def _names(r: _Reader, key: str) -> list[str]:
    out = []
    for value, path, line in r.items(key, required=False):
        if not isinstance(value, str) or not model_key(value):
            raise CatalogueError("must be a model name with letters or digits", line=line, field=path)
        out.append(value)
    return out


def _model(r: _Reader) -> Model:
    name = r.text("model", max_len=64)
    assert name is not None
    key = model_key(name)
    if not key:
        raise r.fail("model", "holds no letters or digits")
    aliases = _names(r, "aliases")
    unverified = _names(r, "unverified_aliases")
    product_names = []
    for value, path, line in r.items("product_names", required=False):
        if not isinstance(value, str) or not value.strip() or len(value) > 200:
            raise CatalogueError("must be a product name (text, at most 200 characters)", line=line, field=path)
        product_names.append(value.strip())
    output = r.get("output_w", (int, float), required=False)
    return Model(
        brand=r.text("brand", max_len=64) or "",
        brand_zh=r.text("brand_zh", required=False, max_len=64),
        model=name.strip(),
        key=key,
        aliases=tuple(aliases),
        unverified_aliases=tuple(unverified),
        product_names=tuple(product_names),
        name_en=r.text("name_en", required=False),
        name_zh=r.text("name_zh", required=False),
        capacity_mah=r.count("capacity_mah", maximum=1_000_000),
        output_w=float(output) if output is not None else None,
        serial_format=_serial_format(r.obj.get("serial_format"), *r.where("serial_format")[::-1]),
        note=r.text("note", required=False),
    )


_TEXT_FIELDS = ("title", "authority", "hazard", "remedy", "claim", "handling")


def _recall(r: _Reader, models: dict[str, Model]) -> Recall:
    rid = r.text("id", max_len=80)
    assert rid is not None
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9-]*", rid):
        raise r.fail("id", "must be upper-case letters, digits and hyphens")
    markets = []
    for value, path, line in r.items("markets"):
        if value not in MARKETS + (GLOBAL,):
            raise CatalogueError(f"must be one of {', '.join(MARKETS + (GLOBAL,))} (got {value!r})", line=line, field=path)
        markets.append(value)
    if not markets:
        raise r.fail("markets", "needs at least one market")
    remedies = []
    for value, path, line in r.items("remedies"):
        if value not in REMEDIES:
            raise CatalogueError(f"must be one of {', '.join(REMEDIES)} (got {value!r})", line=line, field=path)
        remedies.append(value)
    if not remedies and r.obj.get("remedies_unknown") is not True:
        raise r.fail("remedies", "needs at least one remedy (or \"remedies_unknown\": true when no source gives one)")
    texts: dict[str, str] = {}
    for name in _TEXT_FIELDS:
        texts[f"{name}_en"] = r.text(f"{name}_en") or ""
        zh = r.text(f"{name}_zh", required=False)
        if zh:
            texts[f"{name}_zh"] = zh
    currency = r.text("currency", required=False, max_len=3)
    if currency is not None and currency not in CURRENCIES.values():
        raise r.fail("currency", f"must be one of {', '.join(CURRENCIES.values())}")
    entries = []
    seen = set()
    for value, path, line in r.items("models"):
        e = _Reader(value, path, line)
        name = e.text("model", max_len=64) or ""
        if name not in models:
            raise e.fail("model", f"{name!r} is not in the catalogue's models list")
        if name in seen:
            raise e.fail("model", f"{name!r} is listed twice in this recall")
        seen.add(name)
        rule_obj = e.get("rule", dict)
        entries.append(
            RecallModel(
                model=name,
                rule=_rule(_Reader(rule_obj, e.where("rule")[1], e.where("rule")[0])),
                confirmation=e.choice("confirmation", CONFIRMATIONS),
                units=e.count("units", maximum=10**9),
                price_minor=e.count("price_minor"),
                refund_max_minor=e.count("refund_max_minor"),
                voucher_max_minor=e.count("voucher_max_minor"),
                replacement_model=e.text("replacement_model", required=False, max_len=64),
                sold_from=e.date_text("sold_from", required=False, month_ok=True),
                sold_to=e.date_text("sold_to", required=False, month_ok=True),
                note=e.text("note", required=False),
                bound_note=e.text("bound_note", required=False),
                bound_note_zh=e.text("bound_note_zh", required=False),
            )
        )
    if not entries:
        raise r.fail("models", "needs at least one model")
    sources = []
    for value, path, line in r.items("sources", required=False):
        if not isinstance(value, str) or not value.strip():
            raise CatalogueError("must be text", line=line, field=path)
        sources.append(value)
    return Recall(
        id=rid,
        status=r.choice("status", ("primary", "related", "context")),
        markets=tuple(markets),
        announced_on=r.date_text("announced_on", month_ok=True, required=False) or "",
        remedies=tuple(remedies),
        currency=currency,
        models=tuple(entries),
        texts=texts,
        official_number=r.text("official_number", required=False, max_len=80),
        units=r.count("units", maximum=10**10),
        units_note=r.text("units_note", required=False),
        sources=tuple(sources),
        confidence=_confidence(r),
        confidence_note=r.text("confidence_note", required=False),
        note=r.text("note", required=False),
    )


def _confidence(r: _Reader) -> str | None:
    value = r.text("confidence", required=False, max_len=20)
    if value is not None and value not in CONFIDENCES:
        raise r.fail("confidence", f"must be one of {', '.join(CONFIDENCES)} (got {value!r})")
    return value


def _key_line(obj: Any, key: str, default: int | None) -> int | None:
    return getattr(obj, "key_lines", {}).get(key, default)


def parse_catalogue(text: str, *, track_lines: bool = True) -> Catalogue:
    """Validate a whole catalogue document; raise CatalogueError (line, field) on the first problem.

    ``track_lines=False`` uses the fast C JSON parser (for documents already validated once)."""
    try:
        if track_lines:
            data = _loads_with_lines(text)
        else:
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise CatalogueError(f"not valid JSON: {exc.msg}", line=exc.lineno) from None
    except RecursionError:
        raise CatalogueError(f"nested deeper than {MAX_DEPTH} levels", line=_too_deep_line(text)) from None
    except ValueError as exc:  # a number with thousands of digits (int conversion limit)
        if isinstance(exc, CatalogueError):
            raise
        m = re.search(r"\d{%d,}" % (sys.get_int_max_str_digits() or 4300), text)
        line = text.count("\n", 0, m.start()) + 1 if m else None
        raise CatalogueError("a number with too many digits", line=line) from None
    doc = _Reader(data, "", 1)
    fmt = doc.get("format", int)
    if fmt != FORMAT:
        raise doc.fail("format", f"this version of Returns Desk reads catalogue format {FORMAT}, not {fmt}")
    version = doc.text("version", max_len=40)
    assert version is not None
    if not _VERSION.match(version):
        raise doc.fail("version", "must look like YYYY.MM.DD or YYYY.MM.DD-N")
    models: dict[str, Model] = {}
    keys: dict[str, str] = {}
    for value, path, line in doc.items("models"):
        mod = _model(_Reader(value, path, line))
        if mod.model in models:
            raise CatalogueError(f"model {mod.model!r} is listed twice", line=_key_line(value, "model", line), field=f"{path}.model")
        for k in (mod.key, *(model_key(a) for a in mod.aliases)):
            if k in keys and keys[k] != mod.model:
                raise CatalogueError(f"{k!r} would match both {keys[k]} and {mod.model}", line=line, field=path)
            keys[k] = mod.model
        models[mod.model] = mod
    if not models:
        raise doc.fail("models", "needs at least one model")
    recalls: list[Recall] = []
    for value, path, line in doc.items("recalls"):
        rec = _recall(_Reader(value, path, line), models)
        if any(r.id == rec.id for r in recalls):
            raise CatalogueError(f"recall id {rec.id!r} is used twice", line=_key_line(value, "id", line), field=f"{path}.id")
        recalls.append(rec)
    if not recalls:
        raise doc.fail("recalls", "needs at least one recall")
    description = {k: doc.text(k, required=False) or "" for k in ("description_en", "description_zh")}
    return Catalogue(
        version=version,
        published_on=doc.date_text("published_on") or "",
        models=tuple(models.values()),
        recalls=tuple(recalls),
        description=description,
    )
