"""One ufunc called in the driver with NumPy's floating-point warnings at the user's line,
for a few hundred nanoseconds rather than the microseconds of ``warnings.catch_warnings``.

Driver-resident arrays (:mod:`nums.core.array.resident`) run NumPy in the driver, inside
nums, so a ``RuntimeWarning: divide by zero`` that NumPy raises would name a line of nums;
:class:`runtime.errors.warnings_at_caller` catches such warnings and raises them again at
the user's line, but catching costs 3-7 us, several times NumPy's own time on a thousand
elements. For the hot path (a ufunc on driver-resident values) :func:`call` instead runs
the ufunc under NumPy's floating-point error settings with every ``"warn"`` mode turned
into ``"call"`` to a recorder, and then warns at the user's line with NumPy's message
(``"<error> encountered in <ufunc>"``), once per error kind as NumPy does; ``"ignore"``,
``"raise"`` and ``"print"`` are NumPy's own. Settings derived from the caller's
``np.errstate`` are cached per state, so a call costs two context-variable switches.

It relies on NumPy's ``numpy._core._ufunc_config`` internals (NumPy 2); when they are
missing, or the caller uses the ``"call"`` or ``"log"`` modes, :func:`call` returns
``NotImplemented`` and the caller takes the general path. Warnings other than floating-point
errors are not redirected here (a ufunc on numeric arrays raises none).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence
from typing import Any

from nums.core.array import threads
from runtime.errors import warn

try:  # NumPy 2: the error state is a context variable holding an extobj capsule
    from numpy._core._ufunc_config import _extobj_contextvar, _get_extobj_dict, _make_extobj
except ImportError:  # pragma: no cover - other NumPy versions: the general path
    _extobj_contextvar = None

_KINDS = ("divide", "over", "under", "invalid")
# the error kinds the recorder saw, by thread: written only when NumPy meets an error, so
# that a call without one (nearly all) needs no set-up, only a look at whether it is empty
_seen: dict[int, list[str]] = {}
_cache: dict[int, tuple[Any, Any]] = {}  # id(caller's extobj) -> (it, ours or None)


def _record(errtype: str, flag: int) -> None:
    _seen.setdefault(threading.get_ident(), []).append(errtype)


_last: tuple[Any, Any] = (None, None)  # the last (caller's extobj, ours): the usual hit


def _ours() -> Any:
    """The extobj to run under for the caller's current one (itself when no mode is
    "warn"); None when a mode is "call" or "log"."""
    global _last
    user = _extobj_contextvar.get()
    last = _last  # one read: another thread may replace it
    if last[0] is user:
        return last[1]
    hit = _cache.get(id(user))
    if hit is not None and hit[0] is user:
        _last = hit
        return hit[1]
    modes = _get_extobj_dict()
    kinds = {k: modes[k] for k in _KINDS}
    if any(m in ("call", "log") for m in kinds.values()):
        ours = None
    elif "warn" not in kinds.values():
        ours = user
    else:
        ours = _make_extobj(call=_record, **{k: "call" if m == "warn" else m
                                              for k, m in kinds.items()})
    if len(_cache) > 256:
        _cache.clear()
    _cache[id(user)] = (user, ours)  # holding ``user`` keeps its id from being reused
    _last = (user, ours)
    return ours


def captured() -> Any:
    """The caller's floating-point error state (NumPy's extobj), for work done later."""
    return None if _extobj_contextvar is None else _extobj_contextvar.get()


def run_under(state: Any, fn: Any, *args: Any) -> Any:
    """``fn(*args)`` under the error state ``state`` that :func:`captured` returned (a
    pending result computed after its ``np.errstate`` block ended warns, raises or stays
    quiet as the block said, as NumPy's call would have)."""
    if state is None or _extobj_contextvar.get() is state:
        return fn(*args)
    token = _extobj_contextvar.set(state)
    try:
        return fn(*args)
    finally:
        _extobj_contextvar.reset(token)


def _state() -> Any:
    """The extobj to run under (see :func:`_ours`); None when this path does not apply."""
    return None if _extobj_contextvar is None else _ours()


def _run(ours: Any, fn: Any, args: tuple, kwargs: dict) -> tuple[Any, list[str]]:
    """``fn(*args, **kwargs)`` under ``ours``, in any thread: its result and the error kinds
    it met."""
    token = _extobj_contextvar.set(ours)
    try:
        result = fn(*args, **kwargs)
    except BaseException:
        _met()  # forgotten: a later call in this thread must not report it
        raise
    finally:
        _extobj_contextvar.reset(token)
    return result, _met()


def _met() -> list[str]:
    """The error kinds the recorder saw in this thread since the last look (and forgets
    them)."""
    return _seen.pop(threading.get_ident(), []) if _seen else []


def _report_met(name: str) -> None:
    """Warn of what this thread's call met before it raised (and forget it: a later call
    must not report it)."""
    errors = _met()
    if errors:
        _report(name, errors)


def _report(name: str, errors: list[str]) -> None:
    for errtype in dict.fromkeys(errors):  # once per kind, as NumPy
        warn(f"{errtype} encountered in {name}", RuntimeWarning)


def call(name: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)`` (NumPy computing on arrays) with its floating-point warnings
    raised at the user's line, named as NumPy names them (``name``: the ufunc's name, or
    ``"reduce"`` for a reduction); ``NotImplemented`` when this fast path does not apply.
    The hot path of small driver-resident arrays: one lookup and two context-variable
    switches around NumPy's call."""
    if _extobj_contextvar is None:
        return NotImplemented
    last = _last  # (_ours, inlined for its usual hit: this is the hot path)
    ours = last[1] if last[0] is _extobj_contextvar.get() else _ours()
    if ours is None:
        return NotImplemented
    token = _extobj_contextvar.set(ours)  # (_run, inlined)
    try:
        result = fn(*args, **kwargs)
    except BaseException:
        _report_met(name)  # NumPy warns of the errors it met before the one it raises for
        raise
    finally:
        _extobj_contextvar.reset(token)
    if _seen:
        _report(name, _met())
    return result


def run_quiet(fn: Any, args: Sequence[Any], kwargs: dict | None = None) -> tuple[bool, Any]:
    """``(True, fn(*args, **kwargs))`` when NumPy's code in ``fn`` met no floating-point
    error that the caller's settings make a warning; ``(False, None)`` when it met one, or
    this path does not apply: the caller then runs ``fn`` again where its warnings are
    caught and raised at the user's line with NumPy's own messages (``fn`` must be free of
    side effects, and raise no warnings of its own other than floating-point ones)."""
    ours = _state()
    if ours is None:
        return False, None
    token = _extobj_contextvar.set(ours)
    try:
        result = fn(*args, **(kwargs or {}))
    except BaseException:
        if _met():  # warnings, then an error (``polyfit`` of one point): the caller's
            return False, None  # second run warns as NumPy does, then raises
        raise
    finally:
        _extobj_contextvar.reset(token)
    return (False, None) if _met() else (True, result)


def _under(extobj: Any, part: Callable[[], Any]) -> Any:
    token = _extobj_contextvar.set(extobj)
    try:
        return part()
    finally:
        _extobj_contextvar.reset(token)


def in_threads(parts: Sequence[Callable[[], Any]]) -> list[Any]:
    """Call ``parts`` at once on the driver's threads (:func:`threads.run`) under the
    caller's floating-point error settings: NumPy keeps them in a context variable, which
    the pool's threads do not inherit. Their warnings are NumPy's own, raised in the threads
    (a caller wraps this in ``warnings_at_caller`` to raise them at the user's line)."""
    if _extobj_contextvar is None:  # pragma: no cover - other NumPy versions
        return threads.run(parts)
    user = _extobj_contextvar.get()
    return threads.run([functools.partial(_under, user, p) for p in parts])


def call_parts(name: str, fn: Any, parts: list[tuple[tuple, dict]]) -> Any:
    """``fn(*args, **kwargs)`` for each ``(args, kwargs)`` of ``parts`` (parts of one ufunc
    call, each writing its own ``out=``), the first in this thread and the others in a pool
    of threads at once (NumPy releases the GIL in its loops), with the caller's
    floating-point error settings in every thread and the warnings of all parts raised once
    per kind at the user's line, as :func:`call` does; None, or ``NotImplemented`` when
    this path does not apply (as :func:`call`)."""
    ours = _state()
    if ours is None:
        return NotImplemented
    errors: list[str] = []
    for _, found in threads.run([functools.partial(_run, ours, fn, a, k) for a, k in parts]):
        errors += found
    _report(name, errors)
    return None
