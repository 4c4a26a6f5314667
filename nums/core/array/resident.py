"""Operations on driver-resident arrays: NumPy in the driver, no task, no plan.

A task's round trip costs about half a millisecond and planning an operation about a tenth
of one, while NumPy on a vector of a thousand elements takes a microsecond or two. So an
array of one block of at most ``local_bytes`` (``nums.init(local_bytes=...)``,
``NUMS_LOCAL_BYTES``) holds its block as a numpy array in the driver (see
:mod:`nums.core.array.blockarray`), and the central operations of the array layer first ask
this module whether all their array operands are driver-resident. If so the operation runs
here with NumPy and returns a driver-resident array; if not (``None``), it takes the
distributed path, where a driver-resident operand is put in the store once and read like any
block.

Each function here is the driver-side twin of one dispatch point: :func:`ufunc_call` (every
ufunc and operator), :func:`reduce` (every tree reduction), :func:`tensordot` and
:func:`matmul` (products), :func:`index` and :func:`take` (indexing; views are
index views of these values, see :mod:`nums.core.array.views`), :func:`write` and
:func:`assigned` (the one write path), :func:`blockwise` (``map_broadcast``) and
:func:`relayout` (transpose, reshape). A value is immutable for everyone but its root and
the root's views: a write changes it in place only when reference counts show that nobody
else holds it or a numpy view of it (:func:`writable_value`), else it makes a new value for
the root (views see it, as they see new blocks); a value handed out by ``get()``, shared
with another array or held by a pending result never changes under anyone. NumPy runs
under the caller's ``np.errstate``, and its warnings are raised again at the user's line.

Three fast paths skip the general dispatch for the most frequent calls, where a few
microseconds matter against NumPy's own time: :func:`ufunc_here` (a ufunc without keywords),
:func:`reduce_here` (``sum``, ``max``, ... without ``out`` or ``where``), both reporting
floating-point warnings through :mod:`nums.core.array.fperrors`, and
:func:`ufunc_into_temporary`, which computes an operator into the value of a temporary
operand (``x * y + 1``), as NumPy does: a temporary is unreachable by anyone else (its
reference counts and its value's say so).
"""

from __future__ import annotations

import ctypes
import inspect
import math
import operator
import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from nums.core.array import fperrors, kernels, mapped, threads
from nums.core.array.blockarray import (
    TEMPORARY_REFCOUNTS,
    BlockArray,
    Resident,
    backend,
    block_limit,
    fits_local,
    kept,
    local_limit,
    local_value,
    make_grid,
    owns_all,
    resident,
    scalar_values,
    stands_for_scalar,
    worker_count,
    written_as_scalar,
)
from nums.core.array.expressions import loop_out_dtype
from nums.core.array.geometry import offset_of
from nums.core.graph.grid import ArrayGrid
from runtime.errors import warnings_at_caller

FETCH_BYTES = 2**20


def values(operands: Sequence[Any]) -> list[Any] | None:
    """The operands with driver-resident BlockArrays replaced by their values; None when a
    BlockArray among them is distributed, unless it is small: a view within one block of
    its root read there (:func:`nums.core.array.mapped.in_place`), else fetched
    (:func:`fetched`)."""
    out = []
    small = []
    for x in operands:
        if isinstance(x, BlockArray):
            # a small view is read in its root's block (rather than fetched: no copy, no
            # task to cut it out); larger ones are read where used, by the consumers
            link = x._link
            v = (mapped.local_or_in_place(x, fetch_limit())
                 if link is not None and link.root._local is None else local_value(x))
            if v is None:
                if not fetchable(x):
                    return None
                small.append(len(out))
            else:
                x = v
        out.append(x)
    for i in small:
        out[i] = fetched(out[i])
    return out


def fetchable(x: BlockArray, limit: int = 0) -> bool:
    """Whether distributed ``x`` is small enough to be fetched for an operation in the
    driver: at most ``FETCH_BYTES`` and ``local_bytes`` and a sixteenth of the session's
    block size, in at most one block per worker. Such an array is distributed only because
    it took the block layout of a larger operand (``A @ v`` has the row blocks of ``A``);
    small blocks chosen on purpose (a ``block_shape`` of many blocks, a session with small
    ``block_bytes``) stay distributed. A view of a root of large blocks (``img[::16,
    ::16]``) is fetchable in any number of blocks: it has its root's grid, whatever its own
    size. ``limit``: bytes beyond ``FETCH_BYTES`` for an operation that costs much more
    than a fetch (a sort)."""
    blocks = x.grid.num_blocks
    if x._link is not None and blocks > 1:
        root = x._link.root
        if root.nbytes >= root.grid.num_blocks * (block_limit() // 16):
            blocks = 1
    if limit > FETCH_BYTES:
        return x.nbytes <= min(limit, local_limit()) and blocks <= worker_count()
    return fetchable_size(x.nbytes, blocks)


def fetch_limit() -> int:
    """Bytes up to which a distributed array is fetched (or a view read in place) for an
    operation in the driver: ``FETCH_BYTES``, ``local_bytes`` and a sixteenth of a block."""
    return min(FETCH_BYTES, local_limit(), block_limit() // 16)


def fetchable_size(nbytes: int, num_blocks: int) -> bool:
    """:func:`fetchable` of an array of ``nbytes`` in ``num_blocks`` blocks."""
    return nbytes <= fetch_limit() and num_blocks <= worker_count()


def fetched(x: BlockArray) -> np.ndarray:
    """The value of small distributed ``x`` (read-only), fetched once per state of its
    blocks: the small vectors of an iteration (``w = A @ v`` then ``v @ w``, ``norm(w)``,
    ``w / norm(w)``) cost one fetch rather than a task round trip per operation."""
    if x._link is not None:
        x._sync()
    state = x._blocks if x._blocks is not None else x._pending  # not computed: not asked to
    hit = x.__dict__.get("_fetched")
    if hit is not None and hit[0] is state:
        return hit[1]
    value = x.get()
    value.flags.writeable = False
    x._fetched = (state, value)
    return value


def _result(value: Any, sources: Sequence[Any]) -> BlockArray | None:
    """``value`` (numpy's result) as a driver-resident array; None when it is too large to
    stay in the driver (the caller then takes the distributed path)."""
    if type(value) is not np.ndarray:
        value = np.asarray(value)
    if value.nbytes > local_limit():
        return None
    if value.base is None:
        for s in sources:
            if value is s:
                break
        else:
            return resident(value)  # a new array (the common case): it shares nothing
    arrays = [s for s in sources if isinstance(s, np.ndarray)]
    # driver-resident values are read-only; a writable operand is the caller's numpy array,
    # which the result must not share (it would be frozen, or change under it)
    # (nor memory of a store block read in place, which must not stay pinned)
    if any((s.flags.writeable or mapped.is_in_place(s)) and np.may_share_memory(value, s)
           for s in arrays):
        value = value.copy()
    return resident(kept(value, *[s for s in arrays if not s.flags.writeable]))


# operands the fast path of ufuncs passes to NumPy as they are
_SCALARS = frozenset([int, float, bool, complex, np.float64, np.float32, np.int64, np.int32,
                      np.bool_, np.complex128])


def broadcasts_beyond_driver(vals: Sequence[Any]) -> bool:
    """Whether arrays ``vals`` broadcast to a result too large for the driver (counting the
    widest operand's item size): then NumPy must not run here only to find out (``x[:,
    None] - x[None, :]`` of a small ``x`` can be gigabytes), and the distributed path
    computes it. False for shapes that do not broadcast (NumPy raises its error)."""
    arrays = [v for v in vals if type(v) is np.ndarray]
    if not arrays:  # scalars only (``np.add(1, 2, out=x)``): the result is ``out``'s size
        return False
    try:
        shape = np.broadcast_shapes(*[v.shape for v in arrays])
    except ValueError:
        return False
    return math.prod(shape) * max(v.itemsize for v in arrays) > local_limit()


# NumPy's scalars of numbers (``np.uint32(1664525)``), operands of the fast paths as they are
_NUMPY_NUMBERS = frozenset(t for t in set(np.sctypeDict.values())
                           if issubclass(t, np.number | np.bool_))

# NumPy's scalar arithmetic is its scalars' operators (the ufuncs on scalars run the array
# loops, whose integer overflow is silent)
_SCALAR_OPERATORS = {
    np.add: operator.add, np.subtract: operator.sub, np.multiply: operator.mul,
    np.true_divide: operator.truediv, np.floor_divide: operator.floordiv,
    np.remainder: operator.mod, np.power: operator.pow, np.negative: operator.neg,
    np.positive: operator.pos, np.absolute: operator.abs, np.left_shift: operator.lshift,
    np.right_shift: operator.rshift,
}


def binary_here(ufunc: np.ufunc, a: Any, b: Any, as_operator: bool = True
                ) -> BlockArray | None:
    """The shortest path of all, for the most frequent call of a script's bookkeeping: a
    binary operator (``x * y``, ``v / 2``, ``v / norm(v)``) on driver-resident arrays of one
    shape, 0-d arrays and scalars, under ``ELIDE_BYTES`` (larger operands take
    :func:`ufunc_here`, which splits a large result across threads or writes into a
    temporary). Under an operator (``as_operator``; not a call of the ufunc), operands
    that stand for NumPy's scalars compute as its scalars do. None: take the general
    path."""
    like = None
    ta = type(a)
    if ta is BlockArray:
        if a._link is not None:
            a._sync()  # a view: its value from its root's current one
        v = a._local
        if v is None or v.nbytes >= ELIDE_BYTES or 2 * v.nbytes >= PARTS_BYTES:
            return None
        like = a
    elif ta in _SCALARS or ta in _NUMPY_NUMBERS:
        v = a
    else:
        return None
    tb = type(b)
    if tb is BlockArray:
        if b._link is not None:
            b._sync()
        w = b._local
        if w is None or w.nbytes >= ELIDE_BYTES or 2 * w.nbytes >= PARTS_BYTES:
            return None
        if like is None or not v.ndim:
            like = b  # (the operand of the result's shape, for its grid)
        elif w.ndim and w.shape != v.shape:
            return None  # broadcasting: ufunc_here checks the result's size first
    elif tb in _SCALARS or tb in _NUMPY_NUMBERS:
        w = b
    else:
        return None
    if like is None:
        return None
    name = ufunc.__name__
    if as_operator and (ta is not BlockArray or not v.ndim and stands_for_scalar(a)) and (
            tb is not BlockArray or not w.ndim and stands_for_scalar(b)):
        # values that stand for NumPy's scalars (``q[0] - q[1]``, ``x.max() + 1``): NumPy's
        # scalar arithmetic, whose integer overflow warns ("scalar subtract") or raises
        # under errstate where a 0-d array's wraps silently
        v = v[()] if ta is BlockArray else v
        w = w[()] if tb is BlockArray else w
        name = "scalar " + name
        res = fperrors.call(name, _SCALAR_OPERATORS.get(ufunc, ufunc), v, w)
    else:
        res = fperrors.call(name, ufunc, v, w)
    if type(res) is not np.ndarray:
        return None if res is NotImplemented else resident(np.array(res))  # 0-d operands
    if res.nbytes > local_limit():
        return None  # a wider dtype of a driver-sized operand: distributed
    return resident(res, like)


def unary_here(ufunc: np.ufunc, a: Any, as_operator: bool = True) -> BlockArray | None:
    """``np.sin(x)``, ``-x`` of a small driver-resident ``x`` (as :func:`binary_here`; a
    value that stands for NumPy's scalar under an operator, ``as_operator``, is the
    scalar's: ``-i8[1]`` warns of its overflow, ``np.negative(i8[1])`` does not); None: the
    general path."""
    if type(a) is not BlockArray:
        return None
    if a._link is not None:
        a._sync()
    v = a._local
    if v is None or v.nbytes >= ELIDE_BYTES or 2 * v.nbytes >= PARTS_BYTES:
        return None
    if as_operator and not v.ndim and stands_for_scalar(a):
        res = fperrors.call("scalar " + ufunc.__name__, _SCALAR_OPERATORS.get(ufunc, ufunc),
                            v[()])
    else:
        res = fperrors.call(ufunc.__name__, ufunc, v)
    if res is NotImplemented:
        return None
    if type(res) is not np.ndarray:
        return resident(np.array(res))  # a numpy scalar, of a 0-d operand
    return resident(res, a) if res.nbytes <= local_limit() else None


def matmul_here(a: Any, b: Any) -> BlockArray | None:
    """``a @ b`` of driver-resident vectors or matrices of numbers whose product is small:
    NumPy's matmul here (its errors; its floating-point warnings at the user's line), a 1-d
    by 1-d product as a 0-d array as the general path gives it; None: the general path
    (the operator's short way past the checks every function call makes)."""
    if type(a) is not BlockArray or type(b) is not BlockArray:
        return None
    if a._link is not None:
        a._sync()
    if b._link is not None:
        b._sync()
    v, w = a._local, b._local
    if (v is None or w is None or not 0 < v.ndim <= 2 or not 0 < w.ndim <= 2
            or not v.size or not w.size or v.dtype.kind not in _NUMBER_KINDS
            or w.dtype.kind not in _NUMBER_KINDS):
        return None
    rows = v.shape[0] if v.ndim == 2 else 1
    cols = w.shape[-1] if w.ndim == 2 else 1
    if rows * cols * 16 > local_limit():
        return None
    res = fperrors.call("matmul", np.matmul, v, w)
    if res is NotImplemented:
        return None
    return resident(res if type(res) is np.ndarray else np.array(res))


def inplace_here(ufunc: np.ufunc, x: BlockArray, other: Any) -> bool:
    """``x op= other`` (``x += 1``, ``v *= w``, ``rec[i:j] += s``) of a driver-resident root
    ``x``, or a view of one whose value is a numpy view of its root's, and a driver-resident
    array, a NumPy array or a scalar ``other``: NumPy's ``ufunc(x, other, out=x)`` on the
    value (NumPy's casting and broadcasting errors), in place when :func:`writable_value`
    allows it, else on a copy that becomes the root's value (views see it, as any write).
    False: take the general path."""
    if type(x) is not BlockArray:
        return False
    root = _written_root(x)
    if root is None:
        return False
    t = type(other)
    if t is BlockArray:
        if other._link is not None:
            other._sync()
        w = other._local
        if w is None:
            return False
        if w is root._local or w.base is root._local:
            w = w.copy()  # (``x += x[::-1]``: read first, so that x's value is not held)
    elif t in _SCALARS or t is np.ndarray or t in _NUMPY_NUMBERS:
        w = other  # (a NumPy array holding the root's value makes the write a copy's)
    else:
        return False
    chosen = _write_target(x, root)
    if chosen is None:
        return False
    new, target, in_place = chosen
    try:
        res = _in_parts(ufunc, (target, w), target) if target.nbytes >= PARTS_BYTES else None
        if res is None:
            res = fperrors.call(ufunc.__name__, ufunc, target, w, out=target)
    except BaseException:
        # NumPy's output is written before its error (errstate 'raise'): the array has it,
        # as NumPy's has, whether written in place or into the copy
        _written(root, new, target)
        raise
    if res is NotImplemented:
        if in_place:
            _written(root, new, target)  # (unchanged: the call did not run)
        return False
    _written(root, new, target)
    return True


def _write_target(x: BlockArray, root: BlockArray
                  ) -> tuple[np.ndarray, np.ndarray, bool] | None:
    """``(new, target, in_place)`` for a write into ``x`` (``root``, or a view of it whose
    value is a numpy view of ``root``'s): ``new`` from :func:`writable_value`, ``target`` the
    array to write (``new`` itself, or ``x``'s numpy view of it, made writable). None for a
    view whose root's value is held elsewhere (the general path). The caller hands them
    back with :func:`_written`."""
    new, in_place = writable_value(root, copy=root is x)
    if root is x:
        return new, new, in_place
    if not in_place:
        return None
    target = x._local  # a numpy view of ``new``, writable now that ``new`` is
    target.flags.writeable = True
    return new, target, True


def _written(root: BlockArray, new: np.ndarray, target: np.ndarray) -> None:
    if target is not new:
        target.flags.writeable = False
    revalue(root, new)


def revalue(x: BlockArray, value: np.ndarray) -> None:
    """Driver-resident root ``x`` takes ``value`` (of its shape and dtype: its own value
    written in place, or a new one) as its value: a new state and version, as ``_assume``
    gives (views sync again), without making an array to take it from."""
    value.flags.writeable = False
    x._blocks, x._pending, x._local, x._uses = None, Resident(value), value, 0
    x._version += 1


def writable_value(x: BlockArray, copy: bool = True) -> tuple[np.ndarray | None, bool]:
    """The array a write into driver-resident root ``x`` changes, and whether it is ``x``'s
    value itself: so when no one but ``x`` and its views holds that value or a numpy view of
    it (reference counts say so), else a copy. Values are immutable for everyone else:
    another array sharing them, a caller's numpy array, a pending result. A write in place
    costs what NumPy's costs (``rec[i:i + 64] += s`` in a loop); a copy costs the whole
    array (None without ``copy``: the caller has no use for one). The caller writes it and
    hands it back with ``revalue(x, new)`` (which makes it read-only again), also when the
    write fails after ``in_place``."""
    v = x._local
    if TEMPORARY_REFCOUNTS and v.base is None and x._link is None:
        seen: list = []  # the Resident states counted (arrays may share one)
        p = x._pending
        if type(p) is Resident and p.value is v:
            seen.append(p)
        p = None
        extra = sys.getrefcount(v) - 3 - len(seen)  # (x._local, v, the argument)
        if extra == 0 or extra > 0 and _held_by_views(x, v, extra, seen):
            v.flags.writeable = True
            return v, True
    return (v.copy() if copy else None), False


def _held_by_views(x: BlockArray, v: np.ndarray, extra: int, seen: list) -> bool:
    """Whether the ``extra`` references to ``v`` (``x``'s value) beyond ``x``'s own are all
    live views of ``x`` holding ``v``, or numpy views of it that no one else holds."""
    views = x.__dict__.get("_views")
    if not views:
        return False
    parts: dict[int, list] = {}  # id(numpy view of v): [it, references from views of x]
    live = []
    for ref in views:
        w = ref()
        if w is None:
            continue
        live.append(ref)
        if w._link is None or w._link.root is not x or w._local is None:
            continue
        lw, p = w._local, w._pending
        state = type(p) is Resident and p.value is lw and not any(p is s for s in seen)
        if state:
            seen.append(p)
        if lw is v:
            extra -= 1 + state
        elif lw.base is v:
            entry = parts.get(id(lw))
            if entry is None:
                parts[id(lw)] = entry = [lw, 0]
            entry[1] += 1 + state
    w = lw = p = None
    views[:] = live  # (the dead ones dropped: a loop of writes makes a view each time)
    for entry in parts.values():
        if sys.getrefcount(entry[0]) != entry[1] + 2:  # (the entry, the argument)
            return False  # someone else holds a numpy view of v
        extra -= 1
    return extra == 0


def _written_root(x: BlockArray) -> BlockArray | None:
    """The root whose value a write into writeable ``x`` changes here: ``x``, a
    driver-resident root, or the root of view ``x`` whose value is a numpy view of the
    root's (synced); None otherwise (read-only, distributed: the general path)."""
    g = x._stand_in  # (a root without one is writeable: see geometry.root_stand_in)
    if g is not None and not g.flags.writeable:
        return None  # (a read-only array: the general path raises NumPy's error)
    if x._link is None:
        return x if x._local is not None else None
    root = x._link.root
    if root._local is None:
        return None
    x._sync()
    return root if x._local is not None and x._local.base is root._local else None


def assign_here(x: BlockArray, key: Any, value: Any) -> bool:
    """``x[key] = value`` of a driver-resident root ``x``, or a view of one whose value is a
    numpy view of its root's (``s[7][1] = v``), for a basic key of slices and ints or a
    driver-resident mask or index array (the caller checked the key's type) and a scalar or
    driver-resident ``value``: NumPy's assignment, in place when :func:`writable_value`
    allows it, else (a root) into a copy that becomes its value as any write does. False
    (the general path, which raises nums's errors) for other keys and values, a read-only
    or distributed ``x``, a view whose root's value is held elsewhere, or a key or value
    NumPy refuses."""
    root = _written_root(x)
    if root is None:
        return False
    if type(key) is BlockArray:  # ``x[mask] = 0``, ``x[idx] = v``
        key = _value_here(key)
        if key is None or key.dtype.kind not in "biu":
            return False
    t = type(value)
    if t is BlockArray:
        value = _value_here(value)
        if value is None:
            return False
        if written_as_scalar(value, x.dtype):
            value = value[()]  # a 0-d result is NumPy's scalar
    elif t not in _SCALARS or (t is complex or t is np.complex128) and x.dtype.kind != "c":
        return False  # (complex into reals: NumPy's ComplexWarning, at the user's line)
    if t is BlockArray and type(value) is np.ndarray and _overlaps(value, root._local):
        value = value.copy()  # (read first, so that x's value is not held)
    chosen = _write_target(x, root)
    if chosen is None:
        return False
    new, target, in_place = chosen
    try:
        target[key] = value
    except (IndexError, TypeError, ValueError, OverflowError):
        if in_place:
            _written(root, new, target)
        return False  # (NumPy checks these before it writes)
    _written(root, new, target)
    return True


def mutate_here(fn: Callable, x: Any, args: Sequence[Any], kwargs: dict | None = None,
                live: bool = False) -> bool:
    """NumPy's ``fn(value, *args, **kwargs)``, a function that writes into its first
    argument (``np.putmask``, ``np.place``, ``np.put``, ``np.fill_diagonal``), on the value
    of a driver-resident writeable root ``x``, whose other array arguments are held in the
    driver too (or are NumPy's arrays, or scalars): in place when :func:`writable_value`
    allows it, else into a copy that becomes ``x``'s value; NumPy's errors, and what it
    wrote before one. False: the general path (``x`` distributed, a view, read-only, or an
    argument in blocks). ``live``: an argument that is a view of ``x`` is read as ``fn``
    writes (``np.place``, which reads its values one at a time), not copied first."""
    if type(x) is not BlockArray or x._link is not None or _written_root(x) is not x:
        return False
    kwargs = kwargs or {}
    old = x._local
    vals = [_mutator_operand(a, old, copy=not live) for a in (*args, *kwargs.values())]
    if any(v is _REFUSED for v in vals):
        return False
    new, in_place = writable_value(x)
    if live and new is not old:  # (written into a copy: its views of x read the copy)
        vals = [np.ndarray(v.shape, v.dtype, buffer=new, offset=offset_of(v, old),
                           strides=v.strides)
                if type(v) is np.ndarray and _overlaps(v, old) else v for v in vals]
    try:
        with warnings_at_caller():
            fn(new, *vals[:len(args)], **dict(zip(kwargs, vals[len(args):])))
    finally:
        revalue(x, new)
    return True


def _mutator_operand(a: Any, written: np.ndarray, copy: bool = True) -> Any:
    """An argument of :func:`mutate_here` for NumPy: a driver-resident array's value (a
    copy where it overlaps the array ``written``; NumPy's scalar for a 0-d result that
    stands for one), numbers within lists and tuples, anything else as it is; ``_REFUSED``
    for an array in blocks."""
    if type(a) is BlockArray:
        v = _value_here(a)
        if v is None:
            return _REFUSED
        if not v.ndim and stands_for_scalar(a):
            return v[()]
        # (read first: x's value not held)
        return v.copy() if copy and _overlaps(v, written) else v
    if type(a) is list or type(a) is tuple:
        return scalar_values(a)
    return a


def _overlaps(value: np.ndarray, root: np.ndarray) -> bool:
    return value is root or value.base is root


def ufunc_here(ufunc: np.ufunc, args: Sequence[Any]) -> BlockArray | None:
    """The fast path of :func:`ufunc_call` for the common call ``ufunc(*args)`` of a
    one-output ufunc without keywords, where each argument is a driver-resident array or a
    scalar (at least one array): its driver-resident result, or None (take the general
    path)."""
    if len(args) != ufunc.nin:
        return None
    if len(args) == 2:
        res = binary_here(ufunc, args[0], args[1], as_operator=False)
        if res is not None:
            return res
    elif len(args) == 1:
        res = unary_here(ufunc, args[0], as_operator=False)
        if res is not None:
            return res
    vals = []
    big = -1  # bytes of the largest array operand (-1: none)
    shape = None  # of the array operands; False once two differ
    for a in args:
        t = type(a)
        if t is BlockArray:
            if a._link is not None:
                a._sync()  # a view: its value from its root's current one
            v = a._local
            if v is None:
                return None
            vals.append(v)
            if v.nbytes > big:
                big = v.nbytes
            if shape is None:
                shape = v.shape
            elif shape != v.shape:
                shape = False
        elif t in _SCALARS:
            vals.append(a)
        else:
            return None
    if big < 0 or (shape is False and broadcasts_beyond_driver(vals)):
        return None
    res = _in_parts(ufunc, vals, None) if 2 * big >= PARTS_BYTES else None
    if res is None:
        res = fperrors.call(ufunc.__name__, ufunc, *vals)
    if res is NotImplemented:
        return None
    if type(res) is not np.ndarray:
        res = np.array(res)  # a numpy scalar, from 0-d operands
    elif res.nbytes > local_limit():
        return None  # broadcast beyond the driver's size: distributed
    return resident(res)  # a ufunc's output is a new array: no copy needed


# results from this size are computed by the driver's threads in parts of rows (see
# _in_parts). Measured on 2 cores (NumPy's time / nums's): at 1e6 float64, x + y 1.27 and
# np.sin(x) 1.81 in two parts, 0.90 and 1.00 in one call; at 3e5 x + y lost (0.59) while
# np.sin gained (1.79); at 5e5 (4 MiB) memory-bound ufuncs break even
PARTS_BYTES = 4 << 20


def _in_parts(ufunc: np.ufunc, vals: Sequence[Any], out: np.ndarray | None) -> Any:
    """``ufunc(*vals, out=out)`` (a new array when ``out`` is None) computed in parts of
    rows, one per core of the driver, at once: elementwise results do not depend on the
    split, so they are NumPy's. The result, or None when that does not apply (a result under
    ``PARTS_BYTES``, object operands, a result that is not a number, one row, a result too
    large for the driver) and the caller calls NumPy once; NotImplemented as
    :func:`fperrors.call`. Callers check the operands' size first (the cheap test)."""
    k = threads.THREADS
    if k < 2:
        return None
    if any(type(v) is np.ndarray and v.dtype.hasobject for v in vals):
        return None
    if out is None:
        try:
            shape = np.broadcast_shapes(*[np.shape(v) for v in vals])
        except ValueError:
            return None  # NumPy raises its error
        dtype = loop_out_dtype(ufunc, vals)
        if (dtype is None or dtype.kind not in "biufc" or not shape or
                math.prod(shape) * dtype.itemsize > local_limit()):
            return None
    else:
        shape, dtype = out.shape, out.dtype
    nrows = shape[0] if shape else 0
    if nrows < k or math.prod(shape) * dtype.itemsize < PARTS_BYTES:
        return None
    if out is None:
        out = threads.new_array(shape, dtype)
    bounds = [nrows * i // k for i in range(k + 1)]
    ndim = len(shape)
    parts = []
    for r0, r1 in zip(bounds[:-1], bounds[1:]):
        args = tuple(v[r0:r1] if type(v) is np.ndarray and v.ndim == ndim and v.shape[0] == nrows
                     else v for v in vals)
        parts.append((args, {"out": out[r0:r1]}))
    if fperrors.call_parts(ufunc.__name__, ufunc, parts) is NotImplemented:
        return NotImplemented
    return out


ELIDE_BYTES = 1 << 18  # temporaries from this size are reused, as NumPy reuses its own


def ufunc_into_temporary(ufunc: np.ufunc, args: Sequence[Any], tmp: int) -> BlockArray | None:
    """``ufunc(*args)`` of a binary operator whose operand ``args[tmp]`` is a temporary (the
    caller checked that only the operator holds it, as in ``x * y + 1``), computed into that
    operand's value when it is driver-resident, owns its memory that nothing else holds, and
    has the result's dtype and shape: NumPy's elision of temporaries, which saves a new array
    and its memory traffic. None when it does not apply (take the other paths)."""
    t = args[tmp]
    if type(t) is not BlockArray or t._link is not None or t._local is None:
        return None
    # t._local, the argument and, unless replaced, t's Resident state hold the value
    held = 2 + (type(t._pending) is Resident and t._pending.value is t._local)
    if sys.getrefcount(t._local) != held:
        return None
    v = t._local
    if v.nbytes < ELIDE_BYTES or not owns_all(v):
        return None
    o = args[1 - tmp]
    if type(o) is BlockArray:
        if o._link is not None:
            o._sync()
        o = o._local
        if o is None or np.broadcast_shapes(o.shape, v.shape) != v.shape:
            return None
    elif type(o) not in _SCALARS:
        return None
    vals = (v, o) if tmp == 0 else (o, v)
    loop = loop_out_dtype(ufunc, vals)
    if loop is None or loop != v.dtype:  # (None == float64 for a NumPy dtype)
        return None
    base = v if v.base is None else v.base  # (``np.roll``'s value is a view of its own)
    base.flags.writeable = v.flags.writeable = True
    try:
        res = _in_parts(ufunc, vals, v) if v.nbytes >= PARTS_BYTES else None
        if res is None:
            res = fperrors.call(ufunc.__name__, ufunc, *vals, out=v)
    finally:
        v.flags.writeable = base.flags.writeable = False
    if res is NotImplemented:
        return None
    return resident(v)


def ufunc_call(ufunc: np.ufunc, inputs: Sequence[Any], outs: Sequence[BlockArray | None],
               where: Any, kwargs: dict, write: Callable) -> list[BlockArray | None] | None:
    """``ufunc(*inputs, out=outs, where=where, **kwargs)`` in the driver, or None.

    One driver-resident result per output of the ufunc, or None to take the distributed
    path. With ``out`` arrays, the results are their new values (computed on copies of their
    values), which the caller writes into them through the one write path, ``write(out,
    value)`` (:func:`nums.core.array.writes.write_out`), so that their views see them; an
    error of ``np.errstate(...='raise')``, which NumPy raises after it wrote the outputs,
    is raised after ``write`` wrote them.
    """
    vals = values(inputs)
    if vals is None or broadcasts_beyond_driver(vals):
        return None
    has_out = any(o is not None for o in outs)
    if where is not True:
        if isinstance(where, BlockArray):
            where = local_value(where)
            if where is None:
                return None
        if not has_out or any(o is None for o in outs):
            return None  # nums fills unselected elements with zeros: the distributed path
    if has_out:
        current = values([o for o in outs if o is not None])
        if current is None:
            return None
        it = iter(current)
        # every element is written unless ``where`` selects: new buffers, else copies
        buffers = [None if o is None else _buffer(next(it), where is not True)
                   for o in outs]
        try:
            with warnings_at_caller():
                res = ufunc(*vals, out=tuple(buffers), where=where, **kwargs)
        except FloatingPointError:
            for o, b in zip(outs, buffers):
                if o is not None:
                    write(o, resident(b))
            raise
        # an output left None (``divmod(a, b, out=(None, r))``) is NumPy's new array
        return [resident(np.asarray(r)) for r in (res if ufunc.nout > 1 else (res,))]
    with warnings_at_caller():
        res = ufunc(*vals, **kwargs)
    results = [_result(r, vals) for r in (res if ufunc.nout > 1 else (res,))]
    return None if any(r is None for r in results) else results


def kernel(fn: Callable, args: Sequence[Any], shape: tuple[int, ...] | None = None,
           pick: int | None = None) -> BlockArray | None:
    """Kernel ``fn(*args)`` (BlockArrays among ``args`` replaced by their values) in the
    driver, its result (item ``pick`` of it, when given) reshaped to ``shape``; None when an
    array argument is distributed or the result too large. ``fn`` computes with NumPy and
    has no side effects; its only warnings are floating-point ones (see
    :func:`fperrors.run_quiet`)."""
    vals = values(args)
    if vals is None:
        return None
    # kernels are NumPy math on immutable values: run again only to catch a warning
    done, res = fperrors.run_quiet(fn, vals)
    if not done:
        with warnings_at_caller():
            res = fn(*vals)
    if pick is not None:
        res = res[pick]
    if shape is not None:
        res = np.reshape(res, shape)
    return _result(res, vals)


_NUMBER_KINDS = frozenset("biufc")
# values NumPy's functions take as they are in the driver: numbers, strings, bytes, dates and
# durations (immutable values; objects and structured arrays take the general path)
_VALUE_KINDS = frozenset("biufcUSmM")
_GENERAL = (False, None)


def _number_value(x: BlockArray, limit: int = 0) -> np.ndarray | None:
    """The value of driver-resident ``x`` (or of distributed ``x`` of numbers: a view read
    in place in its root's block, a pending expression the driver computes, both up to
    ``mapped.in_place_limit()``, or a small array fetched, see :func:`fetchable`) when it
    holds values (:data:`_VALUE_KINDS`) and is not empty, else None."""
    v = None
    link = x._link
    if (link is not None and link.root._local is None and x.dtype.kind in _NUMBER_KINDS
            and x.size):
        # a view read in its root's block, before any sync would cut it out by tasks
        v = mapped.in_place(x, max(limit, mapped.in_place_limit()))
    if v is None:
        v = _value_here(x)
        if v is None and x.dtype.kind in _NUMBER_KINDS and x.size and (
                fetchable(x, limit) or mapped.computed_here(x, mapped.in_place_limit())):
            v = fetched(x)
    if v is None or not v.size or v.dtype.kind not in _VALUE_KINDS:
        return None
    return v


def _all_fetchable(args: Sequence[Any], kwargs: dict, limit: int = 0) -> bool:
    """Whether every distributed BlockArray among the arguments (and one level into lists
    and tuples) is small enough to fetch: checked before any is fetched, so that a call
    that takes the general path anyway fetches nothing (nor computes a pending array)."""
    for a in (*args, *kwargs.values()):
        items = a if type(a) is list or type(a) is tuple else (a,)
        for e in items:
            if type(e) is not BlockArray:
                continue
            link = e._link
            if (link is not None and link.root._local is None
                    and mapped.readable(e, max(limit, mapped.in_place_limit()))):
                continue  # (a view read in place, not synced by tasks)
            if (_value_here(e) is None and not fetchable(e, limit)
                    and not mapped.computed_here(e, max(limit, mapped.in_place_limit()))):
                return False
    return True


_REFUSED = object()


def _operand(a: Any, arrays: list[np.ndarray], limit: int = 0) -> Any:
    """An argument for NumPy: a driver-resident array's value (also added to ``arrays``), a
    small writable NumPy array of values as it is (added too: a result sharing its memory
    is copied, see :func:`_result`), another object as it is; ``_REFUSED`` for a BlockArray
    whose value is not here (or not values), or another NumPy array."""
    t = type(a)
    if t is BlockArray:
        v = _number_value(a, limit)
        if v is None:
            return _REFUSED
        arrays.append(v)
        return v
    if t is tuple or t is list:
        return scalar_values(a)  # (``range=(0, x.max())``: its numbers)
    if t is np.ndarray:
        if (not a.size or a.nbytes > local_limit() or a.dtype.kind not in _VALUE_KINDS
                or not a.flags.writeable):
            return _REFUSED  # (a read-only one could be a view a result must not keep)
        arrays.append(a)
    return a


_PLAIN = frozenset((int, float, bool, complex, str, type(None)))


def _plain(items: list | tuple) -> bool:
    """Whether nested lists or tuples hold only Python numbers, strings and None (``pad``'s
    widths ``((1, 1), (2, 0))``): passed to NumPy as they are."""
    return all(type(e) in _PLAIN or ((type(e) is list or type(e) is tuple) and _plain(e))
               for e in items)


# NumPy's functions that copy a read-only argument before reading it (they ask for a
# writeable array): given a writable alias of a value from this size, they read it in place
# (2e6 elements: bincount with weights 5.3 -> 2.2 ms, argmax 0.69 -> 0.22 ms)
ALIAS_BYTES = 1 << 16


def writable_alias(v: np.ndarray) -> np.ndarray:
    """A writable array over the memory of read-only ``v`` (a driver-resident value, or a
    view of one), for a NumPy function that reads it and would copy it otherwise; ``v``
    itself when small, writable, of objects, or not over memory an ndarray owns. Never
    written through; it does not keep the memory alive (the caller holds ``v``)."""
    if v.flags.writeable or v.nbytes < ALIAS_BYTES or v.dtype.hasobject:
        return v
    owner = v
    while isinstance(owner.base, np.ndarray):
        owner = owner.base
    if owner.base is not None or not owner.nbytes:
        return v  # memory of another object (a buffer, a mapping): as it is
    start = owner.__array_interface__["data"][0]
    memory = (ctypes.c_char * owner.nbytes).from_address(start)
    try:
        return np.ndarray(v.shape, v.dtype, buffer=memory,
                          offset=v.__array_interface__["data"][0] - start, strides=v.strides)
    except (TypeError, ValueError):
        return v


# NumPy function -> the names of its positional parameters when ``out`` is one, else None
_OUT_PARAMETERS: dict = {}
_OUT_PARAMETERS_MAX = 1024


def _out_by_name(fn: Callable, args: Sequence[Any], kwargs: dict) -> tuple:
    """``args`` and ``kwargs`` with an ``out`` given by position (``np.round(x, 2, o)``) and
    the arguments after it given by name, as the keyword ``out`` is handled (its writable
    buffer); the same arguments otherwise."""
    names = _OUT_PARAMETERS.get(fn, False)
    if names is False:
        names = None
        try:
            params = list(inspect.signature(fn).parameters.values())
        except (TypeError, ValueError):
            params = []
        positional = [p.name for p in params if p.kind in (
            inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        if "out" in positional:
            names = positional
        if len(_OUT_PARAMETERS) >= _OUT_PARAMETERS_MAX:
            _OUT_PARAMETERS.clear()  # (functions made per call would fill it)
        _OUT_PARAMETERS[fn] = names
    if names is None:
        return args, kwargs
    at = names.index("out")
    if len(args) <= at or args[at] is None:
        return args, kwargs
    named = dict(zip(names[at:], args[at:]))
    return tuple(args[:at]), {**kwargs, **named}


def numpy_call(fn: Callable, args: Sequence[Any], kwargs: dict,
               fits: Callable | None = None, numbers: bool = False,
               warns: bool = False, aliases: bool = False, fetch_bytes: int = 0
               ) -> tuple[bool, Any]:
    """``(True, result)`` of NumPy's ``fn(*args, **kwargs)`` on the values of its
    driver-resident array arguments (directly, in lists and tuples of arguments, and among
    ``kwargs``), arrays of the result driver-resident; ``(False, None)`` when an array
    argument is distributed (and not small), empty or not of values (numbers, strings,
    dates), a NumPy array among the arguments is large, empty or read-only (small ones
    count as driver-resident values), ``out=`` is not a driver-resident
    writable root (see :func:`_out_buffer`; one that is gets NumPy's result as its new
    value, and is the result), no argument is an array, or ``fits(values, kwargs)`` says
    the result would be too large. For functions whose result is a new array (or several,
    or a number): see :mod:`nums.numpy._resident_calls`. Numbers of the result
    (numpy scalars) become 0-d arrays, unless ``numbers`` (functions that give numpy
    scalars, as ``linalg.det``).
    Small distributed array arguments are fetched (:func:`fetched`), as :func:`values` does.
    ``warns``: NumPy's function may warn by itself (``warnings.warn`` in its Python code,
    "Degrees of freedom <= 0 for slice"): it runs where its warnings are caught and raised
    again at the user's line, not at ours, which its stack level would name. ``aliases``:
    ``fn`` copies read-only arrays; it gets writable aliases of the values
    (:func:`writable_alias`). ``fetch_bytes``: distributed arguments up to this size are
    fetched (a sort costs far more than the fetch; see :func:`fetchable`).
    """
    if len(args) > 1 and "out" not in kwargs and any(type(a) is BlockArray for a in args[1:]):
        args, kwargs = _out_by_name(fn, args, kwargs)  # (an ``out`` can only be an array)
    if (not kwargs and len(args) == 1 and not aliases and type(args[0]) is BlockArray
            and (args[0]._link is None or args[0]._link.root._local is not None)):
        # one driver-resident array and nothing else (``np.mean(x)``, ``x.mean()``): the
        # checks below, for the most frequent call (a view of a distributed array is read
        # in place below, not synced here)
        v = _value_here(args[0])
        if v is not None and v.size and v.dtype.kind in _VALUE_KINDS:
            return _finish_call(fn, [v], {}, [v], {id(v): (args[0], v)}, None, fits, numbers,
                                warns)
    if not _all_fetchable(args, kwargs, fetch_bytes):
        return _GENERAL
    vals: list[Any] = []
    arrays: list[np.ndarray] = []
    inputs: dict[int, BlockArray] = {}  # id of a value -> the argument it is the value of
    for a in args:
        t = type(a)
        if t is list or t is tuple:  # arrays to join: one level
            items = []
            for e in a:
                e = _operand(e, arrays, fetch_bytes)
                if e is _REFUSED or ((type(e) is list or type(e) is tuple)
                                     and not _plain(e)):
                    return _GENERAL
                items.append(e)
            a = t(items)
        else:
            given = a
            a = _operand(a, arrays, fetch_bytes)
            if a is _REFUSED:
                return _GENERAL
            if t is BlockArray:
                if aliases:
                    alias = writable_alias(a)
                    if alias is not a:
                        arrays.append(alias)  # (held: NumPy's result must not share it)
                        a = alias
                inputs[id(a)] = (given, a)
        vals.append(a)
    kw = {}
    out = kwargs.get("out")
    for k, a in kwargs.items():
        if k == "out" and a is not None:
            a = _out_buffer(a, "where" in kwargs)
            if a is None:
                return _GENERAL
            kw[k] = a
            continue
        a = _operand(a, arrays, fetch_bytes)
        if a is _REFUSED:
            return _GENERAL
        if aliases and type(a) is np.ndarray:
            alias = writable_alias(a)
            if alias is not a:
                arrays.append(alias)
                a = alias
        kw[k] = a
    return _finish_call(fn, vals, kw, arrays, inputs, out, fits, numbers, warns)


def _finish_call(fn: Callable, vals: list, kw: dict, arrays: list[np.ndarray],
                 inputs: dict, out: Any, fits: Callable | None, numbers: bool,
                 warns: bool) -> tuple[bool, Any]:
    """:func:`numpy_call` once its arguments are values: NumPy's call and its result."""
    if not arrays or (fits is not None and not fits(vals, kw)):
        return _GENERAL
    done, res = (False, None) if warns else fperrors.run_quiet(fn, vals, kw)
    if not done:
        with warnings_at_caller(on_error=True):  # (NumPy's warnings, then its error)
            res = fn(*vals, **kw)
    if out is not None:
        if res is not kw["out"]:
            return _GENERAL  # (NumPy gives ``out`` back; anything else: nums's own path)
        out._assume(resident(res, out))  # out's new value, as any write (its views see it)
        return True, out
    if type(res) is np.ndarray:
        if id(res) in inputs:
            given = inputs[id(res)][0]  # NumPy gave the argument itself (diff(a, n=0)): a
            # driver-resident one as it is; a fetched one (a copy of its value) as nums does
            return (True, given) if given._local is res else _GENERAL
        if res.base is not None and any(  # (a new array shares nothing)
                np.may_share_memory(res, v) for _, v in inputs.values()):
            # a view of an argument (einsum('ij->ji', a)): nums's own function gives it
            # as a view, which sees later writes to the argument, as NumPy's does
            return _GENERAL
    return True, _wrapped(res, arrays, numbers)


def _out_buffer(out: Any, where: bool) -> np.ndarray | None:
    """The array NumPy writes into for ``out=`` a driver-resident writable root: a new one
    (a copy of the current value when ``where`` selects the elements written), which becomes
    the root's value; None for other ``out`` arguments (the general path: views, distributed
    arrays, read-only ones, whose error it raises)."""
    if type(out) is not BlockArray or out._link is not None or out._local is None:
        return None
    g = out._stand_in  # (a root without one is writeable: see geometry.root_stand_in)
    if g is not None and not g.flags.writeable:
        return None
    return _buffer(out._local, where)


def _buffer(current: np.ndarray, keep: bool) -> np.ndarray:
    """A new array for NumPy's ``out=`` in place of an output's ``current`` value: its copy
    when ``keep`` (``where=`` selects the elements written), else an empty one."""
    return current.copy() if keep else np.empty_like(current)


def _wrapped(res: Any, sources: list[np.ndarray], numbers: bool) -> Any:
    """NumPy's result as nums gives it: arrays (and numpy scalars, unless ``numbers``) as
    BlockArrays, in the same tuple (or named tuple, or list); other objects as they are."""
    t = type(res)
    if t is np.ndarray:
        local = _result(res, sources)
        return local if local is not None else BlockArray.from_numpy(res)
    if isinstance(res, np.generic):
        return res if numbers else resident(np.array(res))
    if isinstance(res, tuple):
        items = [_wrapped(r, sources, numbers) for r in res]
        return t(*items) if hasattr(res, "_fields") else t(items)
    if t is list:  # ``histogramdd``'s edges
        return [_wrapped(r, sources, numbers) for r in res]
    return res


def apply(fn: Callable, operands: Sequence[Any], kwargs: dict) -> Any:
    """``fn(*operands, **kwargs)`` (a kernel that runs NumPy on whole arrays, such as
    ``numpy.linalg`` on one worker) in the driver when its array operands are
    driver-resident, else None. Arrays of the result (one, or a tuple) come back as arrays
    (driver-resident when small), 0-d ones as numpy scalars, as the one-worker path gives
    them."""
    vals = values(operands)
    if vals is None:
        return None
    with warnings_at_caller():
        result = fn(*vals, **kwargs)
    parts = [_part(p, vals) for p in (result if isinstance(result, tuple) else (result,))]
    return tuple(parts) if isinstance(result, tuple) else parts[0]


def _part(value: Any, sources: Sequence[Any]) -> Any:
    if isinstance(value, np.ndarray) and value.ndim:
        local = _result(value, sources)
        return local if local is not None else BlockArray.from_numpy(value)
    return value[()] if isinstance(value, np.ndarray) else value


def _value_here(x: Any) -> np.ndarray | None:
    """The value of ``x`` when it is a driver-resident BlockArray (a view synced first), else
    None."""
    if type(x) is not BlockArray:
        return None
    if x._link is not None:
        x._sync()
    return x._local


def reduce_here(fn: Callable, x: BlockArray, kwargs: dict, *args: Any) -> BlockArray | None:
    """The fast path of reductions: NumPy's ``fn(value, *args, **kwargs)`` (``numpy.sum``
    and the like; ``x.sum()`` passes ``ufunc.reduce`` and ``axis=None`` by position, the
    quickest call) on the value of a driver-resident ``x``, without ``out`` or ``where``;
    None when ``x`` is distributed (take the general path), unless it is a view read in
    its root's block (:func:`nums.core.array.mapped.in_place`: one pass of NumPy here beats
    the driver's threads over the view's part of the block, measured up to 2e6 float64)."""
    link = x._link if type(x) is BlockArray else None
    if link is not None and link.root._local is None:
        v = mapped.local_or_in_place(x, mapped.in_place_limit())
    else:
        v = _value_here(x)
    if v is None:
        if type(x) is not np.ndarray or x.nbytes > local_limit():
            return None
        v = x  # a small NumPy array (``np.sum`` on the rows of apply_along_axis): as one here
    res = fperrors.call("reduce", fn, v, *args, **kwargs)
    if res is NotImplemented:
        return None
    if type(res) is np.ndarray:
        if link is not None and mapped.is_in_place(v) and np.may_share_memory(res, v):
            res = res.copy()  # (never a view of the store's memory)
        return resident(res)
    # a numpy scalar, or a Python object (the sum of lists is a list: not an array of it)
    return resident(np.array(res) if isinstance(res, np.generic) else kernels.object_0d(res))


def reduce(x: BlockArray, axes: tuple[int, ...], keepdims: bool, partial: Callable,
           partial_kwargs: dict, combine: Callable, dtype: Any, finalize: Callable | None,
           finalize_kwargs: dict | None, extras: Sequence[BlockArray],
           out_shape: tuple[int, ...]) -> BlockArray | None:
    """A tree reduction (:func:`nums.core.array.reduction.tree_reduce`) of a driver-resident
    array (or of a view read in its root's block, as :func:`reduce_here` reads it): its one
    partial and the finalisation, in the driver."""
    if x._link is not None and x._link.root._local is None:
        v = mapped.in_place(x, mapped.in_place_limit())
        if v is not None:
            x = v
    vals = values([x, *extras])
    if vals is None:
        return None
    with warnings_at_caller():
        part = kernels.reduce_partial(partial, axes, partial_kwargs, *vals)
        res = kernels.reduce_finalize(combine, finalize, out_shape, dtype,
                                      finalize_kwargs or {}, part)
    return _result(res, vals)


def tensordot(a: BlockArray, b: BlockArray, axes_a: Sequence[int], axes_b: Sequence[int],
              dtype: Any) -> BlockArray | None:
    vals = values([a, b])
    if vals is None:
        return None
    shape = tuple(n for i, n in enumerate(a.shape) if i not in axes_a) + tuple(
        n for i, n in enumerate(b.shape) if i not in axes_b)
    if not _product_here(shape, dtype):
        va, vb = vals
        if (np.ndim(va) == 2 and np.ndim(vb) == 2 and len(axes_a) == 1
                and va.dtype.kind in "biufc" and vb.dtype.kind in "biufc"):
            # a product of matrices: ``va`` with its contracted axis last, ``vb`` first
            return _product_in_blocks(va if axes_a[0] % 2 else va.T,
                                      vb if not axes_b[0] % 2 else vb.T, dtype)
        return None
    with warnings_at_caller():
        res = kernels.tensordot(vals[0], vals[1], (list(axes_a), list(axes_b)), dtype)
    return _product_result(res, vals)


def matmul(a: BlockArray, b: BlockArray, dtype: Any) -> BlockArray | None:
    vals = values([a, b])
    if vals is None:
        return None
    shape = _matmul_shape(a.shape, b.shape)
    if shape is None:
        return None
    if not _product_here(shape, dtype):
        if vals[0].ndim == 2 and vals[1].ndim == 2:
            return _product_in_blocks(vals[0], vals[1], dtype)
        return None
    with warnings_at_caller():
        res = np.matmul(vals[0], vals[1])
    res = np.asarray(res)
    if res.dtype != dtype:
        res = res.astype(dtype)
    return _product_result(res, vals)


# a product of driver-resident operands whose result is larger than ``local_bytes`` (``W @
# W.T`` of a (3000, 300) matrix is 72 MB) is computed here by NumPy (its BLAS on every core,
# a symmetric product as one) up to this many times ``local_bytes``, then put in blocks;
# a larger one is the planned product
PRODUCT_HERE_FACTOR = 4


def _product_here(shape: tuple[int, ...], dtype: Any) -> bool:
    return math.prod(shape) * np.dtype(dtype).itemsize <= PRODUCT_HERE_FACTOR * local_limit()


def _product_result(res: np.ndarray, vals: Sequence[Any]) -> BlockArray:
    """A product computed here: driver-resident when it fits, else put in blocks."""
    out = _result(res, vals)
    return out if out is not None else BlockArray.from_numpy(res)


def _product_in_blocks(va: np.ndarray, vb: np.ndarray, dtype: Any) -> BlockArray:
    """``va @ vb`` of matrices in the driver, one block of the result at a time (NumPy's
    BLAS on every core; the driver holds one block of it), each put on its node."""
    grid = make_grid((va.shape[0], vb.shape[1]), dtype)
    be = backend()

    def block(idx: tuple[int, ...], node: int) -> Any:
        rows, cols = grid.block_slices(idx)
        return be.put(kernels.matmul(va[rows], vb[:, cols], grid.dtype), node)

    with warnings_at_caller():
        return BlockArray.build(grid, block)


def _matmul_shape(sa: tuple[int, ...], sb: tuple[int, ...]) -> tuple[int, ...] | None:
    """The shape of ``matmul`` of operands of shapes ``sa`` and ``sb``; None when they do
    not multiply (NumPy's error comes from the general path)."""
    if not sa or not sb:
        return None
    a2 = sa if len(sa) > 1 else (1,) + sa
    b2 = sb if len(sb) > 1 else sb + (1,)
    if a2[-1] != b2[-2]:
        return None
    try:
        batch = np.broadcast_shapes(a2[:-2], b2[:-2])
    except ValueError:
        return None
    return batch + (sa[-2:-1] if len(sa) > 1 else ()) + (sb[-1:] if len(sb) > 1 else ())


def blockwise(fn: Callable, operands: Sequence[Any], dtype: Any, shape: tuple[int, ...],
              kwargs: dict, block_kwargs: Callable | None = None) -> BlockArray | None:
    """``fn(*operands, **kwargs)`` broadcast to ``shape`` and cast (``map_broadcast``; its
    ``block_kwargs`` are those of the one block of the result)."""
    if not fits_local(shape, np.dtype(dtype)):
        return None
    vals = values(operands)
    if vals is None:
        return None
    if block_kwargs is not None:
        grid = ArrayGrid(shape, tuple(max(1, n) for n in shape), dtype)
        kwargs = {**kwargs, **block_kwargs(grid, (0,) * len(shape))}
    with warnings_at_caller():
        res = kernels.blockwise(fn, shape, np.dtype(dtype), kwargs, *vals)
    return _result(res, vals)


def index(x: BlockArray, key: Any) -> BlockArray | None:
    """``x[key]`` of a driver-resident ``x`` for a basic key (numpy's key: ints, slices,
    None): a new array sharing the (immutable) values."""
    v = local_value(x)
    if v is None:
        return None
    return resident(v[key])


def take(x: BlockArray, key: Any) -> BlockArray | None:
    """``x[key]`` of a driver-resident ``x`` (or of a view read in its root's block, see
    :func:`nums.core.array.mapped.in_place`) for an advanced key (index arrays fetched),
    with numpy's rules and errors."""
    link = x._link
    if link is not None and link.root._local is None:
        # (a view read in place with an index that is here too: a distributed index array
        # could be far larger than the view)
        v = mapped.local_or_in_place(x, mapped.in_place_limit() if _key_here(key) else 0)
    else:
        v = local_value(x)
    if v is None:
        return None
    return _result(v[_gathered(key)], [v])


def _key_here(key: Any) -> bool:
    """Whether every BlockArray of an indexing ``key`` is driver-resident."""
    if isinstance(key, BlockArray):
        return local_value(key) is not None
    if isinstance(key, tuple | list):
        return all(_key_here(k) for k in key if isinstance(k, BlockArray | tuple | list))
    return True


def _gathered(key: Any) -> Any:
    """``key`` with its BlockArrays as NumPy arrays: the (read-only) values of
    driver-resident ones as they are (NumPy only reads an index), others fetched."""
    if isinstance(key, BlockArray):
        v = local_value(key)
        return key.get() if v is None else v
    if isinstance(key, tuple):
        return tuple(_gathered(k) for k in key)
    if isinstance(key, list):
        return [_gathered(k) for k in key]
    return key


def relayout(x: BlockArray, fn: Callable, *args: Any) -> BlockArray | None:
    """``fn(value, *args)`` for a numpy view-making ``fn`` (``np.transpose``,
    ``np.reshape``) of a driver-resident ``x``."""
    v = local_value(x)
    if v is None:
        return None
    return resident(fn(v, *args))


def write(x: BlockArray, key: tuple, value: Any, whole: bool = False) -> bool:
    """Root ``x`` with ``x[key] = value`` (a basic key, ``whole`` when it selects all of
    ``x``; ``value`` prepared by the write path), as a new value; False when ``x`` is
    distributed."""
    v = local_value(x)
    if v is None:
        return False
    if isinstance(value, BlockArray):
        w = local_value(value)
        if (whole and w is not None and w.shape == v.shape and w.dtype == v.dtype
                and w.flags.c_contiguous == v.flags.c_contiguous):
            # values are immutable: x shares it (``out=`` results), when its memory order
            # is x's (a write through ``x.T`` keeps x's order, as NumPy's does)
            x._assume(resident(w))
            return True
        value = _gathered(value)  # at most the selection: small (only read)
        if type(value) is np.ndarray and _overlaps(value, v):
            value = value.copy()  # (read first, so that x's value is not held)
        del w
    del v
    new, in_place = writable_value(x)
    try:
        new[key] = kernels.element_value(new, key, value)
    finally:
        revalue(x, new)
    return True



def assigned(x: BlockArray, key: Any, value: Any, ufunc: np.ufunc | None) -> BlockArray | None:
    """The new value of driver-resident ``x`` after ``x[key] = value`` (or ``ufunc.at(x,
    key, value)``) for an advanced key (index arrays fetched), by NumPy's rules and errors;
    None when ``x`` is distributed. The caller writes it into ``x`` (the one write path)."""
    v = local_value(x)
    if v is None:
        return None
    if isinstance(value, BlockArray):  # broadcasts to the selection of a small array: small
        value = _gathered(value)  # (only read: a driver-resident value as it is)
        if type(value) is np.ndarray and _overlaps(value, v):
            value = value.copy()  # (read first, so that x's value is not held)
    key = _gathered(key)
    if type(key) is np.ndarray and _overlaps(key, v):
        key = key.copy()
    del v
    new, in_place = writable_value(x)
    try:
        with warnings_at_caller():
            if ufunc is None:
                new[key] = value
            else:
                ufunc.at(new, key, *(() if value is None else (value,)))
    except BaseException:
        if in_place or x._link is None:  # (what NumPy wrote before its error stays)
            revalue(x, new)
        raise
    return resident(new)
