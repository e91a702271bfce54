"""Immutable value classes, as ``@dataclass(frozen=True)`` makes them, at a fraction of the cost
of making the class.

``dataclasses`` writes the source of ``__init__``, ``__eq__``, ``__hash__``, ``__setattr__`` ...
for every class and compiles it, and importing it imports ``inspect`` (``ast``, ``dis``,
``tokenize``): about half of what ``returns-desk lookup`` spent importing. :func:`frozen` gives the
classes the command line reads on its way (the catalogue, the lookup's results, the messages'
phrases, the vocabularies) the same behaviour with shared methods instead:

* ``__init__`` takes the fields in order, positionally or by name, with their defaults (a plain
  value, or ``field(default_factory=...)`` for a new one each time); a missing, unknown or
  repeated argument is a ``TypeError`` as with a dataclass;
* ``__eq__`` compares an object of the same class field by field (``field(compare=False)``
  leaves one out), ``__hash__`` hashes the same fields, ``__repr__`` is ``Name(a=1, b='x')``;
* assigning or deleting an attribute raises :class:`FrozenInstanceError` (an ``AttributeError``).

Type checkers read ``frozen`` as a dataclass (``dataclass_transform``): constructor calls and
attribute assignments are checked as for ``@dataclass(frozen=True)``.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time (its import is a cost of its own)
if TYPE_CHECKING:
    from typing import Any, Callable, TypeVar, dataclass_transform

    _T = TypeVar("_T")
else:

    def dataclass_transform(**_: object) -> object:
        return lambda decorator: decorator


_MISSING = object()


class FrozenInstanceError(AttributeError):
    """An attribute of a frozen value assigned or deleted."""


class _Field:
    __slots__ = ("default", "default_factory", "compare")

    def __init__(self, default: object, default_factory: object, compare: bool) -> None:
        self.default = default
        self.default_factory = default_factory
        self.compare = compare


def field(*, default: Any = _MISSING, default_factory: Callable[[], Any] | None = None, compare: bool = True) -> Any:
    """A field's default made anew for each object (``default_factory``), or a field that equality
    and hashing leave out (``compare=False``), as ``dataclasses.field``."""
    if default is not _MISSING and default_factory is not None:
        raise ValueError("cannot specify both default and default_factory")
    return _Field(default, default_factory, compare)


def _fields(cls: type) -> tuple[tuple[str, ...], dict[str, object], dict[str, Callable[[], Any]], tuple[str, ...]]:
    """(names in order, plain defaults, default factories, names compared) of a class being made."""
    names: list[str] = []
    defaults: dict[str, object] = {}
    factories: dict[str, Callable[[], Any]] = {}
    compared: list[str] = []
    for base in reversed(cls.__mro__[1:]):  # a frozen base class's fields come first
        inherited = base.__dict__.get("__value_fields__")
        if inherited is not None:
            for name in inherited[0]:
                if name not in names:
                    names.append(name)
            defaults.update(inherited[1])
            factories.update(inherited[2])
            compared += [n for n in inherited[3] if n not in compared]
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        if "ClassVar" in str(annotation):
            continue
        if name not in names:
            names.append(name)
            compared.append(name)
        value = cls.__dict__.get(name, _MISSING)
        if isinstance(value, _Field):
            if value.default_factory is not None:
                factories[name] = value.default_factory  # type: ignore[assignment]
                delattr(cls, name)
            elif value.default is not _MISSING:
                defaults[name] = value.default
                setattr(cls, name, value.default)
            else:
                delattr(cls, name)
            if not value.compare and name in compared:
                compared.remove(name)
        elif value is not _MISSING:
            defaults[name] = value
    seen_default = ""
    for name in names:
        if name in defaults or name in factories:
            seen_default = name
        elif seen_default:
            raise TypeError(f"non-default argument {name!r} follows default argument {seen_default!r}")
    return tuple(names), defaults, factories, tuple(compared)


def _init(self: Any, *args: object, **kwargs: object) -> None:
    names, known, required, defaults, factories = self.__value_init__
    if args:
        if len(args) > len(names):
            raise TypeError(f"{type(self).__name__}.__init__() takes {len(names) + 1} positional arguments but {len(args) + 1} were given")
        for name, value in zip(names, args):
            if name in kwargs:
                raise TypeError(f"{type(self).__name__}.__init__() got multiple values for argument {name!r}")
            kwargs[name] = value
    given = kwargs.keys()
    if not given <= known:
        unknown = next(k for k in kwargs if k not in known)
        raise TypeError(f"{type(self).__name__}.__init__() got an unexpected keyword argument {unknown!r}")
    if not required <= given:
        missing = next(n for n in names if n in required and n not in given)
        raise TypeError(f"{type(self).__name__}.__init__() missing 1 required argument: {missing!r}")
    state = self.__dict__  # written directly: __setattr__ refuses
    state.update(defaults)
    state.update(kwargs)
    for name, factory in factories:
        if name not in given:
            state[name] = factory()


def _compared(self: Any) -> tuple[object, ...]:
    return tuple([getattr(self, name) for name in self.__value_fields__[3]])


def _eq(self: Any, other: object) -> bool:
    if other.__class__ is self.__class__:
        return _compared(self) == _compared(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(_compared(self))


def _repr(self: Any) -> str:
    inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__value_fields__[0])
    return f"{type(self).__qualname__}({inner})"


def _setattr(self: Any, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


@dataclass_transform(frozen_default=True, eq_default=True, field_specifiers=(field,))
def frozen(cls: type[_T]) -> type[_T]:
    """Make ``cls`` an immutable value class (see the module's description)."""
    spec = _fields(cls)
    setattr(cls, "__value_fields__", spec)  # noqa: B010 (a name mypy does not know on the class)
    names, defaults, factories, _ = spec
    required = frozenset(n for n in names if n not in defaults and n not in factories)
    setattr(cls, "__value_init__", (names, frozenset(names), required, defaults, tuple(factories.items())))  # noqa: B010
    setattr(cls, "__match_args__", spec[0])  # noqa: B010
    own = cls.__dict__
    for name in ("__setattr__", "__delattr__"):
        if name in own:
            raise TypeError(f"cannot overwrite attribute {name} in class {cls.__name__}")
    for name, method in (("__init__", _init), ("__repr__", _repr), ("__eq__", _eq), ("__hash__", _hash),
                         ("__setattr__", _setattr), ("__delattr__", _delattr)):
        if own.get(name) is None:  # a method of the class's own is kept (``__hash__`` None: made here)
            setattr(cls, name, method)
    return cls
