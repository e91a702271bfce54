"""``domain.valueclass.frozen`` behaves as ``@dataclass(frozen=True)`` for everything the
catalogue, the lookup, the messages and the vocabularies use: construction (positional, by
name, defaults, factories, the errors), equality, hashing, repr and immutability."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from returns_desk.domain.valueclass import FrozenInstanceError, field, frozen


@frozen
class Point:
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()
    notes: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def total(self) -> int:
        return self.x + self.y


@dataclasses.dataclass(frozen=True)
class DPoint:
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()
    notes: dict[str, str] = dataclasses.field(default_factory=dict, compare=False, hash=False)


@frozen
class Named:
    key: str
    args: dict = field(default_factory=dict)


def test_construction_as_a_dataclass():
    for cls in (Point, DPoint):
        assert cls(1).x == 1 and cls(1).y == 0 and cls(1).tags == () and cls(1).notes == {}
        assert (cls(1, 2).x, cls(1, 2).y) == (1, 2) == (cls(y=2, x=1).x, cls(y=2, x=1).y)
        assert cls(1, tags=("a",)).tags == ("a",)
    assert Point(1, 2).total == 3
    a, b = Point(1), Point(1)
    assert a.notes is not b.notes  # a factory makes a new one each time
    assert Point.y == 0 and "notes" not in Point.__dict__  # a plain default stays on the class, as dataclasses leave it


@pytest.mark.parametrize(
    "args, kwargs",
    [((), {}), ((1, 2, (), {}, 5), {}), ((1,), {"x": 2}), ((1,), {"z": 3}), ((), {"y": 1})],
)
def test_bad_arguments_are_type_errors_as_with_a_dataclass(args, kwargs):
    with pytest.raises(TypeError):
        DPoint(*args, **kwargs)
    with pytest.raises(TypeError):
        Point(*args, **kwargs)


def test_equality_hash_and_repr_as_a_dataclass():
    pairs = [((1, 2), (1, 2)), ((1, 2), (2, 1)), ((1,), (1, 0)), ((1, 2, ("a",)), (1, 2, ("b",)))]
    for left, right in pairs:
        assert (Point(*left) == Point(*right)) == (DPoint(*left) == DPoint(*right))
        if Point(*left) == Point(*right):
            assert hash(Point(*left)) == hash(Point(*right))
    # a field left out of the comparison is left out of the hash too
    assert Point(1, notes={"a": "b"}) == Point(1) and hash(Point(1, notes={"a": "b"})) == hash(Point(1))
    assert hash(Point(1, 2, ("a",))) == hash(DPoint(1, 2, ("a",)))
    assert Point(1) != DPoint(1) and Point(1) != (1, 0, (), {})  # another class, a tuple: never equal
    assert {Point(1), Point(1), Point(2)} == {Point(1), Point(2)}
    assert repr(Point(1, 2)) == repr(DPoint(1, 2)).replace("DPoint", "Point")
    with pytest.raises(TypeError):
        hash(Named("k", {"a": 1}))  # a dict compared is unhashable, as with a dataclass


def test_frozen_as_a_dataclass():
    p = Point(1)
    with pytest.raises(FrozenInstanceError):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        p.other = 2  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        del p.x  # type: ignore[misc]
    assert p.x == 1


def test_copies_and_pickles():
    p = Point(1, 2, ("a",), {"n": "m"})
    for q in (copy.copy(p), copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert q == p and q.notes == {"n": "m"} and type(q) is Point


def test_a_field_without_a_default_after_one_is_refused():
    with pytest.raises(TypeError):

        @frozen
        class Bad:
            a: int = 0
            b: int  # type: ignore[misc]


def test_the_catalogue_and_the_lookup_keep_their_behaviour():
    from returns_desk.domain.catalogue import parse_catalogue
    from returns_desk.domain.lookup import LookupEngine
    from returns_desk.paths import seed_path

    text = seed_path().read_text(encoding="utf-8")
    one, two = parse_catalogue(text), parse_catalogue(text, track_lines=False)
    assert one == two and hash(one.models) == hash(two.models) and one.recalls == two.recalls
    assert one.description == two.description and one.recalls[0].texts == two.recalls[0].texts
    engine = LookupEngine(one)
    first, again = engine.lookup("A1257"), engine.lookup("Anker A1257")
    assert first.model is one.model("A1257") and first.matches == again.matches and first.verdict == "recalled"
    with pytest.raises(AttributeError):
        first.verdict = "not_recalled"  # type: ignore[misc]
