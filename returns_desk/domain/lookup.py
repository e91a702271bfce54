"""The lookup engine: from what the clerk typed to a verdict, in well under a millisecond.

An index is built once per catalogue (:class:`LookupEngine`); each keystroke then costs a few
dictionary probes. Verdicts, highest first when several recalls match:

* ``recalled``       a recall in this market covers the unit as identified;
* ``check_required`` a recall lists the model but needs an identifier not given, or the
                     identifiers given disagree with each other;
* ``not_affected``   the model is listed here, but the identifiers are outside every scope;
* ``not_recalled``   no recall in this market lists the model (which never means "safe");
* ``unknown``        the input holds no model number at all. When it describes a product
                     instead (a product name, a capacity such as ``20000mAh`` or ``2万毫安``, a
                     brand word with either), the result says so (``described``), needs
                     ``model_number`` and lists the ``candidates`` it could be, each with its own
                     verdict in the market. A capacity never yields ``not_recalled``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, NamedTuple

from returns_desk.domain.catalogue import GLOBAL, MARKETS, Catalogue, Model, Recall, RecallModel, model_key
from returns_desk.domain.text import BRAND_WORDS, compact, serial_key, tokens

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any

    from returns_desk.domain.describe import Description

VERDICTS = ("recalled", "check_required", "not_affected", "not_recalled", "unknown")
_RANK = {v: len(VERDICTS) - i for i, v in enumerate(VERDICTS)}
NEEDS_ORDER = ("model_number", "batch_code", "manufacture_date", "serial")
_MAX_SPAN = 6
_MAX_SUGGESTIONS = 5
#: Candidates listed for a product description (the counter offers them as one-key choices 1-9).
MAX_CANDIDATES = 9


class Candidate(NamedTuple):
    """A model that a product description (name, capacity, brand) could be, with its own verdict
    in the market. ``matched`` is ``sourced`` (a product name or alias the sources give),
    ``unverified`` (only an unverified alias matched) or ``spec`` (brand / capacity / output only)."""

    model: Model
    verdict: str
    matched: str = "spec"

    @property
    def display_name(self) -> str:
        return (self.model.product_names[0] if self.model.product_names else self.model.name_en) or self.model.model


class RecallMatch(NamedTuple):
    """One recall that lists the model in this market, with its own verdict."""

    recall: Recall
    entry: RecallModel
    verdict: str
    needs: tuple[str, ...] = ()
    reason: str = ""  # a message key, see domain.messages
    batch: str | None = None  # the batch code as published, when the given one matched


class LookupResult(NamedTuple):
    input: str
    market: str
    verdict: str
    model: Model | None = None
    matches: tuple[RecallMatch, ...] = ()
    needs: tuple[str, ...] = ()
    reason: str = ""
    suggestions: tuple[str, ...] = ()
    elsewhere: tuple[str, ...] = ()
    serial: str | None = None
    serial_error: str | None = None  # a message key
    serial_error_args: dict = {}  # never changed: a result is a value
    serial_suggestion: str | None = None
    #: a serial outside a rule whose source is not high confidence: the clerk is warned and asked
    #: to check, the serial counts as given and a return is saved with the warning recorded
    serial_warning: str | None = None  # a message key
    serial_warning_args: dict = {}
    batch: str | None = None
    made: dt.date | None = None
    catalogue_version: str = ""
    candidates: tuple[Candidate, ...] = ()
    described: Description | None = None  # set when the input describes a product instead of naming a model

    @property
    def top(self) -> RecallMatch | None:
        return self.matches[0] if self.matches else None


def check_serial(model: Model, serial: str) -> tuple[str | None, dict, str | None]:
    """Check a serial against the model's published format.

    Returns (error key or None, its arguments, suggested correction or None)."""
    fmt = model.serial_format
    s = serial_key(serial)
    if not s:
        return "serial_empty", {}, None
    if fmt is None:
        return None, {}, None
    bad = sorted({c for c in s if c in fmt.forbidden_letters})
    if bad:
        fixed = s.replace("O", "0").replace("I", "1")
        ok = not any(c in fmt.forbidden_letters for c in fixed) and (fmt.length is None or len(fixed) == fmt.length)
        return "serial_forbidden_letters", {"letters": "/".join(bad), "model": model.model}, fixed if ok else None
    if fmt.length is not None and len(s) != fmt.length:
        return "serial_length", {"length": len(s), "expected": fmt.length, "model": model.model}, None
    return None, {}, None


def _judge(entry: RecallModel, batch: str | None, made: dt.date | None, serial_ok: bool) -> tuple[str, tuple[str, ...], str, str | None]:
    """Verdict, needs, reason key and matched batch for one recall entry."""
    rule = entry.rule
    if rule.kind == "all_units":
        return "recalled", (), "rule_all_units", None
    if rule.kind == "manufacturer_check":
        if serial_ok:
            return "recalled", (), "rule_manufacturer_serial_given", None
        return "recalled", ("serial",), "rule_manufacturer_needs_serial", None
    if rule.kind == "made_window":
        if made is None:
            return "check_required", ("manufacture_date",), "rule_needs_date", None
        if rule.in_window(made):
            return "recalled", (), "rule_date_inside", None
        return "not_affected", (), "rule_date_outside", None
    # batch_list
    if batch:
        given = compact(batch)
        keys = rule.batch_keys()
        published = keys.get(given)
        if published is None:
            if any(k.startswith(given) for k in keys):
                # only the start of a listed code (still being typed, or read short off the
                # label): no verdict on part of a code, never "not affected"
                return "check_required", ("batch_code",), "rule_batch_partial", None
            return "not_affected", (), "rule_batch_not_listed", None
        if made is not None and rule.windows and not rule.in_window(made):
            return "check_required", (), "rule_batch_date_conflict", published
        return "recalled", (), "rule_batch_listed", published
    if made is not None and rule.windows:
        if rule.in_window(made):
            return "check_required", ("batch_code",), "rule_date_inside_needs_batch", None
        return "not_affected", (), "rule_date_outside", None
    return "check_required", ("batch_code",), "rule_needs_batch", None


class LookupEngine:
    """Index over one catalogue. Build once (milliseconds), then call :meth:`lookup` per keystroke.

    ``lazy``: the indexes only a near miss ("did you mean") or a product description needs are
    made the first time one is (a command-line lookup of a model number needs neither); by
    default everything is made here, so no keystroke pays for it."""

    # made by _index_near_misses
    _sorted_keys: list[str]
    _deletes: dict[str, tuple[str, ...]]
    # made by _index_descriptions
    _brand_words: dict[str, str]
    _sourced_words: dict[str, set[str]]
    _unverified_words: dict[str, set[str]]
    _word_models: dict[str, set[str]]
    _order: dict[str, int]
    _model_by_name: dict[str, Model]
    _brand_forms: dict[str, str]
    _spec: dict[tuple[str, object, object], list[Model]]
    _describe: Callable[..., Description]
    _description: type[Description]
    _stop_words: frozenset[str]
    _merge: Callable[..., Iterator[Model]]
    _bisect_left: Callable[[list[str], str], int]

    def __init__(self, catalogue: Catalogue, *, lazy: bool = False) -> None:
        self.catalogue = catalogue
        self._by_key: dict[str, Model] = {}
        for m in catalogue.models:
            self._by_key[m.key] = m
            for alias in m.aliases:
                self._by_key.setdefault(model_key(alias), m)
        self._entries: dict[str, list[tuple[Recall, RecallModel]]] = {}
        for r in catalogue.recalls:
            for e in r.models:
                self._entries.setdefault(e.model, []).append((r, e))
        self._near_misses_indexed = self._descriptions_indexed = False
        if not lazy:
            self._index_near_misses()
            self._index_descriptions()

    def _index_near_misses(self) -> None:
        if self._near_misses_indexed:
            return
        self._sorted_keys = sorted(self._by_key)
        # single-deletion index for "did you mean": edit distance 1 and adjacent transpositions;
        # each variant's keys sorted once here rather than on every keystroke
        deletes: dict[str, set[str]] = {}
        for key in self._by_key:
            for variant in self._deletions(key):
                deletes.setdefault(variant, set()).add(key)
        self._deletes = {v: tuple(sorted(keys)) for v, keys in deletes.items()}
        from bisect import bisect_left  # here: a lookup that finds its model never needs it

        self._bisect_left = bisect_left
        self._near_misses_indexed = True

    def _index_descriptions(self) -> None:
        if self._descriptions_indexed:
            return
        from heapq import merge

        from returns_desk.domain.describe import STOP_WORDS, Description, brand_forms, describe, name_words

        # kept here for every keystroke after (no import statement on the way)
        self._describe, self._description, self._stop_words, self._merge = describe, Description, STOP_WORDS, merge

        catalogue = self.catalogue
        # product descriptions: the distinctive words of each model's names, sourced and unverified
        self._brand_words = {}
        self._sourced_words = {}
        self._unverified_words = {}
        self._word_models = {}
        self._order = {m.model: i for i, m in enumerate(catalogue.models)}
        self._model_by_name = {m.model: m for m in catalogue.models}
        for m in catalogue.models:
            if m.brand_zh:
                self._brand_words[m.brand_zh] = m.brand
            self._brand_words[m.brand.upper()] = m.brand
            sourced = set().union(*(name_words(n) for n in (*m.product_names, *m.aliases))) - {m.key}
            unverified = set().union(*(name_words(n) for n in m.unverified_aliases)) - sourced - {m.key}
            self._sourced_words[m.model] = sourced
            self._unverified_words[m.model] = unverified
            for w in sourced | unverified:
                self._word_models.setdefault(w, set()).add(m.model)
        self._brand_forms = brand_forms(self._brand_words)
        # models by (brand, capacity, output), "*" for any, each list in catalogue order: the
        # candidates of a capacity are found without scanning every model on each keystroke
        self._spec = {}
        for m in catalogue.models:
            for b in (m.brand, "*"):
                for c in (m.capacity_mah, "*"):
                    for o in (m.output_w, "*"):
                        self._spec.setdefault((b, c, o), []).append(m)
        self._descriptions_indexed = True

    @staticmethod
    def _deletions(key: str) -> set[str]:
        return {key[:i] + key[i + 1 :] for i in range(len(key))} | {key}

    def find_model(self, text: str) -> Model | None:
        toks = tokens(text)
        best: tuple[int, Model] | None = None
        for i in range(len(toks)):
            joined = ""
            for j in range(i, min(i + _MAX_SPAN, len(toks))):
                joined += toks[j] if toks[j] not in BRAND_WORDS or joined else ""
                m = self._by_key.get(joined) if joined else None
                if m is not None and (best is None or len(joined) > best[0]):
                    best = (len(joined), m)
        return best[1] if best else None

    def suggest(self, text: str) -> tuple[str, ...]:
        query = "".join(t for t in tokens(text) if t not in BRAND_WORDS)
        if not query:
            return ()
        self._index_near_misses()
        found: dict[str, None] = {}
        # near misses: one character wrong, missing, extra, or two swapped (the variants in a fixed
        # order: the same text always gets the same suggestions); no more looked for once the
        # list is full, what follows could not be shown
        for variant in sorted(self._deletions(query)):
            for key in self._deletes.get(variant, ()):
                found[self._by_key[key].model] = None
            if len(found) >= _MAX_SUGGESTIONS:
                return tuple(found)[:_MAX_SUGGESTIONS]
        # as-you-type: keys that start with what was typed
        start = self._bisect_left(self._sorted_keys, query)
        for key in self._sorted_keys[start : start + _MAX_SUGGESTIONS]:
            if not key.startswith(query):
                break
            found[self._by_key[key].model] = None
        return tuple(found)[:_MAX_SUGGESTIONS]

    def lookup(
        self,
        text: str,
        *,
        market: str = "CN",
        serial: str | None = None,
        batch: str | None = None,
        made: dt.date | None = None,
    ) -> LookupResult:
        if market not in MARKETS:
            raise ValueError(f"unknown market {market!r}")
        # a blank identifier (spaces, a full-width space from an input method) was not given
        batch = batch if batch and compact(batch) else None
        serial = serial if serial and serial_key(serial) else None
        base: dict[str, Any] = dict(input=text, market=market, catalogue_version=self.catalogue.version, batch=batch or None, made=made)
        model = self.find_model(text)
        if model is None:
            described = self._described(text)
            if described is not None:
                return self._description_result(described, market, base)
            query = "".join(t for t in tokens(text) if t not in BRAND_WORDS)
            if not any(c.isdigit() for c in query):
                return LookupResult(verdict="unknown", reason="no_model_number", suggestions=self.suggest(text) if query else (), **base)
            return LookupResult(verdict="not_recalled", reason="model_not_listed", suggestions=self.suggest(text), **base)

        serial_text = serial_key(serial) if serial else None
        serial_error: str | None = None
        serial_args: dict[str, Any] = {}
        serial_fix: str | None = None
        warning: str | None = None
        warning_args: dict[str, Any] = {}
        if serial is not None:
            serial_error, serial_args, serial_fix = check_serial(model, serial)
            fmt = model.serial_format
            if serial_error is not None and serial_error != "serial_empty" and fmt is not None and not fmt.strict:
                # a rule no firmer than its source: warn and ask the clerk to check, never refuse
                warning = serial_error + "_unconfirmed"
                warning_args = {**serial_args, "source": fmt.source or "", "confidence": fmt.confidence or ""}
                serial_error, serial_args = None, {}
        serial_ok = bool(serial_text) and serial_error is None

        entries = self._entries.get(model.model, [])
        here = [(r, e) for r, e in entries if r.applies_in(market)]
        extra: dict[str, Any] = dict(
            model=model,
            serial=serial_text or None,
            serial_error=serial_error,
            serial_error_args=serial_args,
            serial_suggestion=serial_fix,
            serial_warning=warning,
            serial_warning_args=warning_args,
        )
        if not here:
            elsewhere = sorted({m for r, _ in entries for m in r.markets if m != GLOBAL})
            return LookupResult(verdict="not_recalled", reason="not_recalled_here", elsewhere=tuple(elsewhere), **extra, **base)

        matches = []
        for r, e in here:
            verdict, needs, reason, published = _judge(e, batch or None, made, serial_ok)
            matches.append(RecallMatch(r, e, verdict, needs, reason, published))
        matches.sort(
            key=lambda m: (
                -_RANK[m.verdict],
                0 if market in m.recall.markets else 1,
                {"primary": 0, "related": 1}.get(m.recall.status, 2),
                _neg_date(m.recall.announced_on),
            )
        )
        top = matches[0]
        needed = {n for m in matches if m.verdict == top.verdict for n in m.needs}
        return LookupResult(
            verdict=top.verdict,
            matches=tuple(matches),
            needs=tuple(n for n in NEEDS_ORDER if n in needed),
            reason=top.reason,
            batch=top.batch or batch or None,
            **{k: v for k, v in extra.items()},
            **{k: v for k, v in base.items() if k != "batch"},
        )

    # --- product descriptions ----------------------------------------------------------------

    def _described(self, text: str) -> Description | None:
        """The description in ``text`` when it names a product or a capacity rather than a model
        number (a brand word alone is not a description)."""
        self._index_descriptions()
        d = self._describe(text, forms=self._brand_forms)
        words = tuple(w for w in d.words if w in self._word_models and w not in self._stop_words)
        if not words and not d.has_spec:
            return None
        return self._description(brands=d.brands, capacity_mah=d.capacity_mah, watts=d.watts, words=words)

    def _description_result(self, d: Description, market: str, base: dict) -> LookupResult:
        return LookupResult(
            verdict="unknown",
            needs=("model_number",),
            reason="described_" + ("name_capacity" if d.words and d.has_spec else "name" if d.words else "capacity"),
            candidates=self.candidates(d, market),
            described=d,
            **base,
        )

    def candidates(self, d: Description, market: str) -> tuple[Candidate, ...]:
        """Models the description could be: every model no stated fact rules out (another brand,
        another known capacity or output, product names without any of the words typed), at most
        MAX_CANDIDATES. Order: models whose sourced names match (most words first), then models
        matched on brand / capacity / output alone (exact capacity and output first), then models
        matched only by an unverified alias: an unverified name never outranks a sourced one."""
        self._index_descriptions()
        merge = self._merge
        words = set(d.words)
        named = [self._model_by_name[n] for w in words for n in self._word_models.get(w, ())]
        brands = sorted(d.brands) or sorted({m.brand for m in named}) or ["*"]
        cap, watts = d.capacity_mah, d.watts

        def allowed(m: Model) -> bool:
            return (
                (brands == ["*"] or m.brand in brands)
                and (cap is None or m.capacity_mah is None or m.capacity_mah == cap)
                and (watts is None or m.output_w is None or m.output_w == watts)
            )

        def exact(m: Model) -> int:
            return (cap is not None and m.capacity_mah == cap) + (watts is not None and m.output_w == watts)

        sourced: list[tuple[tuple[int, int, int, int], Model]] = []
        unverified: list[tuple[tuple[int, int, int, int], Model]] = []
        for m in dict.fromkeys(named):
            if allowed(m):
                hits = (len(words & self._sourced_words[m.model]), len(words & self._unverified_words[m.model]))
                (sourced if hits[0] else unverified).append(((-hits[0], -hits[1], -exact(m), self._order[m.model]), m))
        out: list[tuple[Model, str]] = [(m, "sourced") for _, m in sorted(sourced, key=lambda x: x[0])]
        # brand / capacity / output alone, in tiers of exactness, each tier in catalogue order
        tiers: dict[int, list[list[Model]]] = {}
        for c in ((cap, None) if cap is not None else ("*",)):
            for o in ((watts, None) if watts is not None else ("*",)):
                level = (c == cap and cap is not None) + (o == watts and watts is not None)
                tiers.setdefault(level, []).extend(self._spec.get((b, c, o), []) for b in brands)
        for level in sorted(tiers, reverse=True):
            for m in merge(*tiers[level], key=lambda m: self._order[m.model]):
                if len(out) >= MAX_CANDIDATES:
                    break
                if words and (m.product_names or m.aliases or m.unverified_aliases):
                    continue  # a model with names is a candidate only when one of its names matches
                out.append((m, "spec"))
        out += [(m, "unverified") for _, m in sorted(unverified, key=lambda x: x[0])]
        return tuple(Candidate(model=m, verdict=self.model_verdict(m, market), matched=how) for m, how in out[:MAX_CANDIDATES])

    def model_verdict(self, model: Model, market: str) -> str:
        """The verdict for the model number alone (no serial, batch or date) in ``market``."""
        best = "not_recalled"
        for r, e in self._entries.get(model.model, ()):
            if r.applies_in(market):
                verdict = _judge(e, None, None, False)[0]
                if _RANK[verdict] > _RANK[best]:
                    best = verdict
        return best


def _neg_date(text: str) -> tuple[int, ...]:
    """Newest first; a recall whose date is unknown ("") sorts last."""
    return tuple(-int(p) for p in text.split("-")) if text else (1,)


def verdict_rank(verdict: str) -> int:
    return _RANK[verdict]
