"""Task and actor options, declared once as data and validated in one place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class _Option:
    default: Any
    check: Callable[[Any], bool]
    expected: str


def _non_negative_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


TASK_OPTIONS: dict[str, _Option] = {
    "node": _Option(None, lambda v: v is None or _non_negative_int(v), "None or a node index"),
    "num_returns": _Option(1, lambda v: _non_negative_int(v) and v >= 1, "an int >= 1"),
    "max_retries": _Option(3, _non_negative_int, "an int >= 0"),
    "name": _Option(None, lambda v: v is None or isinstance(v, str), "None or a str"),
}

ACTOR_OPTIONS: dict[str, _Option] = {
    "node": TASK_OPTIONS["node"],
    "name": TASK_OPTIONS["name"],
}


def validate(given: dict[str, Any], table: dict[str, _Option], num_nodes: int | None,
             what: str) -> dict[str, Any]:
    """Return ``given`` checked against ``table``; raise ``ValueError`` listing valid names.

    ``num_nodes`` (when the runtime is initialised) bounds the ``node`` option.
    """
    for key, value in given.items():
        opt = table.get(key)
        if opt is None:
            raise ValueError(f"unknown {what} option {key!r}; valid options are: "
                             + ", ".join(sorted(table)))
        if not opt.check(value):
            raise ValueError(f"{what} option {key}={value!r} is invalid: expected {opt.expected}")
        if key == "node" and value is not None and num_nodes is not None and value >= num_nodes:
            raise ValueError(f"{what} option node={value} is out of range: valid nodes are "
                             f"0..{num_nodes - 1} ({num_nodes} node(s))")
    return given


def resolved(given: dict[str, Any], table: dict[str, _Option]) -> dict[str, Any]:
    """Defaults of ``table`` updated with ``given``."""
    out = {k: o.default for k, o in table.items()}
    out.update(given)
    return out
