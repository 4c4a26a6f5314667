"""BlockArray: an ArrayGrid plus one object reference per block and the node holding it.

Blocks are immutable: every operation returns a new BlockArray whose blocks are refs to
task results (futures). ``get()`` gathers the value into one numpy array.

Arrays are not immutable: NumPy's view and write semantics hold at the array level. An array
is either a *root* (it owns its contents) or a *view* (``_link``: parent, op and root; see
:mod:`nums.core.array.views`). A write ends at the root, which takes new blocks and counts a
new ``_version`` (:mod:`nums.core.array.writes`); a view whose blocks were computed at an
older version of its root computes them again when next used (:meth:`BlockArray._sync`).

Small arrays are *driver-resident*: an array of one block of at most ``local_bytes``
(:func:`local_limit`, a setting) may hold that block as a numpy array in the driver
(``_local``, read-only for everyone else: a write changes it in place only when nothing but
the array and its views holds it, see ``resident.writable_value``; else it is replaced).
Operations whose operands are all driver-resident run with NumPy in the driver
(:mod:`nums.core.array.resident`); used with distributed operands, the block is put in the
store once, on first access to ``blocks`` (:class:`Resident`), and joins the distributed path.
"""

from __future__ import annotations

import builtins
import copy
import functools
import math
import operator
import platform
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from nums.core import context, progress
from nums.core.array import fperrors, kernels, threads
from nums.core.array.capacity import check_fits
from nums.core.array.geometry import Flags, memory_order, root_stand_in
from nums.core.backend.base import float_error_settings
from nums.core.graph.grid import _ONE_BLOCK, ArrayGrid, default_block_shape
from runtime.errors import warnings_at_caller
from runtime.serialization import for_task


def backend():
    return context.get().backend


_here = threading.local()  # .on: BlockArray.build runs a driver-resident result's task here


def submit(fn: Callable, *args: Any, node: int = 0, num_returns: int = 1, **kwargs: Any):
    """Submit ``fn(*args, **kwargs)`` as a task on ``node`` (or, while :meth:`BlockArray.build`
    makes a driver-resident array and no argument is a reference, call it here)."""
    be = context.get().backend
    if any(type(a) in _CONTAINERS for a in (*args, *kwargs.values())):
        args = tuple(scalar_values(a) for a in args)
        kwargs = {k: scalar_values(v) for k, v in kwargs.items()}
    if getattr(_here, "on", False) and not any(
            be.is_ref(a) for a in (*args, *kwargs.values())):
        with warnings_at_caller():
            result = fn(*args, **kwargs)
        return result if num_returns == 1 else list(result)
    return be.submit(fn, args, kwargs, node=node, num_returns=num_returns)


def scalar_values(a: Any) -> Any:
    """``a`` with 0-d BlockArrays (also inside tuples and lists: ``range=(0, x.max())``) as
    their NumPy scalars: a reduction's result passed where NumPy takes a number (a task's
    argument, NumPy's own call); anything else as it is."""
    t = type(a)
    if t is BlockArray:
        return a.get()[()] if a.ndim == 0 else a
    if not _holds_array(a):
        return a  # (the common case: nothing rebuilt)
    if t is dict:
        return {k: scalar_values(v) for k, v in a.items()}  # (a kernel's keywords)
    return t(scalar_values(e) for e in a)


def _holds_array(a: Any) -> bool:
    """Whether tuple, list or dict ``a`` holds a BlockArray, at any depth."""
    t = type(a)
    items = a.values() if t is dict else a if t is tuple or t is list else ()
    return any(type(e) is BlockArray or type(e) in _CONTAINERS and _holds_array(e)
               for e in items)


_CONTAINERS: frozenset = frozenset()  # (with BlockArray, once defined: end of module)


def run_here(calls: Sequence[tuple[Callable, tuple]], label: str,
             parallel: bool = True) -> list[Any]:
    """The results of kernel ``calls`` (``(fn, args)``, args may be refs of blocks) computed
    in the driver, each block read in place (a backend with ``blocks_in_driver_memory``): at
    once on the driver's threads under the caller's ``np.errstate``, or one after the other
    when each call uses every core itself (BLAS). The caller raises their warnings at the
    user's line (``warnings_at_caller``)."""
    be = backend()
    values = iter(progress.get([a for _, args in calls for a in args if be.is_ref(a)],
                               label))
    bound = [functools.partial(fn, *[next(values) if be.is_ref(a) else a for a in args])
             for fn, args in calls]
    del values
    return fperrors.in_threads(bound) if parallel else [f() for f in bound]


def one_block(ref: Any, shape: tuple[int, ...], dtype: Any, node: int) -> BlockArray:
    """A BlockArray of one block: ``ref`` (computed already, or by a pending task), on
    ``node``."""
    grid = ArrayGrid(shape, tuple(max(1, n) for n in shape), dtype)
    blocks = np.empty(grid.grid_shape, dtype=object)
    blocks[(0,) * len(shape)] = ref
    return BlockArray(grid, blocks, np.full(grid.grid_shape, node, dtype=np.int64))


def node_of(index: Sequence[int]) -> int:
    """Block-cyclic node of grid entry ``index`` in the current session."""
    return context.get().node_of(index)


def normalize_shape(shape: Any) -> tuple[int, ...]:
    """A shape argument (int or sequence of ints) as a tuple, as numpy accepts it."""
    if type(shape) is tuple and all(type(n) is int for n in shape):
        return shape  # (the usual case, at once: a failed operator.index costs a microsecond)
    if isinstance(shape, BlockArray):  # ``zeros(x.max() + 1)``: its value, as NumPy reads it
        if shape.ndim > 1:
            raise TypeError("only integer scalar arrays can be converted to a scalar index")
        shape = shape.get()
    try:
        return (operator.index(shape),)
    except TypeError:
        pass
    try:
        return tuple(operator.index(s) for s in shape)
    except TypeError:
        raise TypeError(
            f"'{type(shape).__name__}' object cannot be interpreted as an integer"
        ) from None


# a result that tasks compute from distributed arrays is split over the workers from this
# size, though the driver may hold one-block arrays up to local_bytes (the default was
# measured at 16 MiB before arrays up to a block were computed in the driver)
SPREAD_BYTES = 16 * 2**20


def make_grid(shape: Any, dtype: Any, block_shape: Any = None, spread: bool = False,
              check: bool = True) -> ArrayGrid:
    """The grid of a new array: explicit ``block_shape`` or the session's default. With
    ``spread`` (a result computed by tasks from distributed arrays, such as ``x[mask]`` or a
    sort) it has at least one block per worker from ``SPREAD_BYTES``, so that every worker
    computes it."""
    shape = normalize_shape(shape)
    if min(shape, default=0) < 0:
        raise ValueError("negative dimensions are not allowed")
    dtype = np.dtype(dtype)
    if block_shape is None:
        ctx = context.get()
        split = ctx.settings.local_bytes
        if spread:
            split = min(split, SPREAD_BYTES) if split > 0 else SPREAD_BYTES
        nbytes = math.prod(shape) * dtype.itemsize
        if nbytes <= ctx.settings.block_bytes and (split <= 0 or nbytes <= split):
            # one block (default_block_shape's answer, worked out at once: small arrays
            # make one per operation), the shared grid of its shape
            return ArrayGrid.one_block(shape, dtype)
    if check:  # (not for a view's values, checked when they are computed)
        check_fits(shape, dtype)  # before anything is done per block
    if block_shape is None:
        block_shape = default_block_shape(shape, dtype, ctx.settings.block_bytes, ctx.num_workers,
                                          split_bytes=split if split > 0 else None)
    else:
        block_shape = normalize_shape(block_shape)
        if len(block_shape) != len(shape):
            raise ValueError(f"block_shape {block_shape} does not have the rank of shape {shape}")
        block_shape = tuple(
            max(n, 1) if b == -1 or (n == 0 and b == 0) else b for b, n in zip(block_shape, shape)
        )
        if any(b < 1 for b in block_shape):
            raise ValueError(f"block_shape entries must be positive, got {block_shape}")
    return ArrayGrid(shape, block_shape, dtype)


def local_limit() -> int:
    """Bytes up to which an array of one block is driver-resident (``local_bytes``)."""
    ctx = context._current
    if ctx is None:
        ctx = context.get()
    return ctx.settings.local_bytes


def worker_count() -> int:
    """The session's number of workers (over all nodes)."""
    return context.get().num_workers


def block_limit() -> int:
    """The session's ``block_bytes``."""
    ctx = context._current
    if ctx is None:
        ctx = context.get()
    return ctx.settings.block_bytes


# a caller's array captured by a function sent to tasks is sent as its value, up to this
CAPTURED_BYTES = 64 << 20

CALLOC_BYTES = 1 << 20  # a driver-resident array of zero bytes this large is NumPy's zeros


def subarray_axes(shape: Any, dtype: Any) -> tuple[tuple[int, ...], np.dtype]:
    """``(shape, dtype)`` of an array NumPy makes with ``dtype``: a subarray dtype
    (``("i4", (3,))``) adds its axes after ``shape`` and gives its base dtype."""
    dtype = np.dtype(dtype)
    if dtype.subdtype is None:
        return shape, dtype
    base, extra = dtype.subdtype
    return normalize_shape(shape) + extra, base


def one_local_block(nbytes: int) -> bool:
    """Whether an array of ``nbytes`` is one block held in the driver."""
    return nbytes <= local_limit() and nbytes <= block_limit()


def fits_local(shape: tuple[int, ...], dtype: np.dtype) -> bool:
    """Whether an array of ``shape`` and ``dtype`` is small enough to be driver-resident."""
    return math.prod(shape) * dtype.itemsize <= local_limit()


def resident(value: np.ndarray, like: BlockArray | None = None) -> BlockArray:
    """A driver-resident BlockArray holding ``value``, which the caller hands over: it is made
    read-only and never written again (pass a copy of anything a user may change). ``like``:
    a driver-resident array whose grid is ``value``'s when shape and dtype agree (it saves
    looking the grid up; small operations make one array each)."""
    if type(value) is not np.ndarray and not isinstance(value, np.ndarray):
        value = np.array(value)  # a numpy scalar (an element taken by indexing)
    value.setflags(False)  # (write=False; positional: half the cost)
    shape = value.shape
    if like is None or (grid := like._grid).shape != shape or grid.dtype is not value.dtype:
        grid = _ONE_BLOCK.get((shape, id(value.dtype))) or ArrayGrid.one_block(
            shape, value.dtype)
    x = _new_array(BlockArray)  # BlockArray.__init__ without its checks (one block, here)
    x._grid, x._blocks, x._nodes = grid, None, ZERO_NODES[len(shape)]
    pending = _new_array(Resident)  # (Resident(value) without its two Python calls)
    pending.value = x._local = value
    x._pending = pending
    return x


_new_array = object.__new__


def _unpickled(value: np.ndarray, array0d: bool, element: bool) -> BlockArray:
    """A pickled BlockArray (:meth:`BlockArray.__reduce_ex__`): its values, split into
    blocks in the current session."""
    x = BlockArray.from_numpy(value, copy=False)
    x._array0d, x._element = array0d, element
    return x


# what a pickled BlockArray names to load it by: nums.numpy sets its own (a wrapper of
# _unpickled), so that loading a pickle in a process that has imported only ``nums``
# imports the NumPy API that BlockArray's operators and methods come from
UNPICKLE = [_unpickled]


def _zero_nodes(ndim: int) -> np.ndarray:
    nodes = np.zeros((1,) * ndim, dtype=np.int64)
    nodes.flags.writeable = False  # shared by every driver-resident array of this rank
    return nodes


ZERO_NODES = [_zero_nodes(n) for n in range(65)]  # node 0, any rank


def kept(result: np.ndarray, *sources: np.ndarray) -> np.ndarray:
    """``result`` of NumPy on driver-resident ``sources``, fit to be held by :func:`resident`:
    itself when new or a view of the (immutable) sources, or a view of a new array that
    nothing else holds (``np.roll(x, 1)`` is a reshape of NumPy's own result; that array is
    frozen too), else a copy (never a view of memory a caller may still write)."""
    if result.base is None or any(np.may_share_memory(result, s) for s in sources):
        return result
    base = result.base
    # held by ``result`` alone: its base, this name and getrefcount's argument
    if type(base) is np.ndarray and base.base is None and sys.getrefcount(base) == 3:
        base.flags.writeable = False
        return result
    return result.copy()


def written_as_scalar(value: Any, dtype: Any) -> bool:
    """Whether 0-d ``value`` written by a basic index into an integer array of ``dtype``
    follows NumPy's rules for scalars (an out-of-range value is an OverflowError, NaN a
    ValueError) rather than its cast of arrays (which wraps): nums's 0-d results stand for
    the scalars NumPy returns (``x[i] + v``, ``x.sum()``), so ``x[0] = x[0] + 300`` of an
    int8 ``x`` raises as in NumPy, and so does a 0-d array made on purpose, which NumPy
    would wrap (an error, never another value)."""
    return value.ndim == 0 and np.dtype(dtype).kind in "iu"


def stands_for_scalar(x: BlockArray) -> bool:
    """Whether ``x`` stands for a NumPy scalar: an element ``x[i]``, or a 0-d result that is
    not a view and was not made as a 0-d array (``acc = x.sum(); acc += 1`` makes a new
    value, as NumPy's scalar does, so earlier references keep theirs)."""
    return x._element or (x.ndim == 0 and x._link is None and not x._array0d)


def scalar_of(x: Any) -> Any:
    """``x`` as NumPy would hold it where it tells a number from an array (an index, a
    count, a seed): a 0-d result that stands for NumPy's scalar (:func:`stands_for_scalar`:
    ``k = y.max() + 1``) as that scalar; anything else (a 0-d array made as one too) as it
    is."""
    if type(x) is BlockArray and not x.ndim and stands_for_scalar(x):
        return x.get()[()]
    return x


def raising_now(x: Any) -> Any:
    """``x`` (a result), computed now when the caller's floating-point error state raises
    (``np.errstate(over="raise")``): NumPy's FloatingPointError comes from the call, inside
    the user's ``try`` and ``errstate`` block, not from a later use of the result."""
    if isinstance(x, BlockArray) and x._local is None:
        settings = float_error_settings()
        if settings is not None and "raise" in settings.values():
            x._errors_now()
    return x


def local_value(x: Any) -> np.ndarray | None:
    """The driver-resident value of BlockArray ``x`` (read-only), or None."""
    if x._link is not None:
        x._sync()
    if x._local is None and type(x._pending) is DriverValue:
        fperrors.run_under(x._pending.errors, x._pending.settle, x)
    return x._local


# ``x.astype(dtype)`` as a pending elementwise expression, or None for these dtypes: ``(x,
# dtype) -> BlockArray | None``. Set by nums.core.array.fusion (the layer above) when it is
# imported.
CAST: Callable | None = None

# Places the tasks of BlockArray.build that read blocks: ``(name, grid, task, reads) ->
# BlockArray``. Set by nums.core.array.planning (the layer above) when it is imported.
PLANNER: Callable | None = None

# The value of a view read in place in its root's block, or None: ``(view) -> ndarray |
# None``. Set by nums.core.array.mapped (the layer above) when it is imported.
VIEW_IN_PLACE: Callable | None = None


class Pending:
    """How the blocks of a result not computed yet will be computed (on first use).

    Subclasses: a transpose (:mod:`~nums.core.array.relayout`), a fused elementwise
    expression (:mod:`~nums.core.array.fusion`), a planned operation
    (:mod:`~nums.core.array.planning`), a view not synced yet (:mod:`~nums.core.array.views`).
    """

    kind = ""
    errors: Any = None  # the floating-point error state of the call that made it

    def __new__(cls, *args: Any, **kwargs: Any) -> Pending:
        made = object.__new__(cls)
        made.errors = fperrors.captured()  # (its computation, later, runs under it)
        return made

    def compute(self, x: BlockArray) -> np.ndarray:
        """Submit the tasks; the grid-shaped object array of ``x``'s block refs."""
        raise NotImplementedError

    def graph(self, x: BlockArray) -> Any:
        """The OpGraph that will compute ``x`` (for ``nums.explain``), or None."""
        return None

    def value_here(self, x: BlockArray) -> np.ndarray | None:
        """``x.get()`` computed in the driver without making ``x``'s blocks, or None (the
        blocks are computed, then gathered)."""
        return None

    def computes_here(self, x: BlockArray) -> bool:
        """Whether :meth:`value_here` gives ``x``'s value (it runs no task of its own)."""
        return False


def call_user(fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)``, a user's function called by a kernel: nums's operations in it
    take their usual paths, also when the kernel runs here for a driver-resident result
    (whose task reads values, not refs: see :func:`_build_here`)."""
    was = getattr(_here, "on", False)
    _here.on = False
    try:
        return fn(*args, **kwargs)
    finally:
        _here.on = was


def _build_here(grid: ArrayGrid, task: Callable, reads: Callable | None) -> BlockArray | None:
    """The one block of a small result built in the driver when every array it reads is
    driver-resident (its task is called here, on values), else None."""
    idx = (0,) * grid.ndim
    if reads is not None and any(local_value(x) is None for x, _ in reads(idx)):
        return None
    _here.on = True
    try:
        value = task(idx, 0)
    finally:
        _here.on = False
    if not isinstance(value, np.ndarray | np.generic):  # a task that put its block itself
        return one_block(value, grid.shape, grid.dtype, 0)
    if value.shape != grid.shape or value.dtype != grid.dtype:
        value = np.asarray(value, dtype=grid.dtype).reshape(grid.shape)
    srcs = [] if reads is None else [local_value(x) for x, _ in reads(idx)]
    return resident(kept(value, *srcs))


# Reference counts tell when ``get()`` is called on a temporary, or an operator on one
# (CPython versions whose counts were checked: 2 for the array inside ``(expr).get()``, 3
# for an operand inside the operator's method, one more for a name).
TEMPORARY_REFCOUNTS = platform.python_implementation() == "CPython" and sys.version_info[:2] in (
    (3, 10), (3, 11), (3, 12), (3, 13))


# a fetched one-block array this small stays in the driver (a sum, a gradient, a d-by-d
# Hessian: the bookkeeping that follows runs there); a larger one would cost a second copy
KEEP_ON_GET_BYTES = 2**20


GET_PARTS_BYTES = 4 << 20  # get() copies blocks on several threads from this size


def copy_blocks(out: np.ndarray, grid: ArrayGrid, pairs: list) -> None:
    """Each ``(grid index, block value)`` of ``pairs`` copied into its place in ``out``."""
    for idx, value in pairs:
        out[grid.block_slices(idx)] = value


def owns_all(value: np.ndarray) -> bool:
    """Whether ``value`` owns its memory, or is the only view of an array that does and no
    larger than it (``np.roll``'s result is a reshape of the array it made): then nothing
    else can see the memory. (The caller checked who holds ``value`` itself.)"""
    base = value.base
    if base is None:
        return True
    # held by ``value.base``, this name and getrefcount's argument alone
    return (type(base) is np.ndarray and base.base is None and base.nbytes == value.nbytes
            and sys.getrefcount(base) == 3)


class _HandedOver(Pending):
    """The state of a temporary whose value ``get()`` handed to the caller (unreachable)."""

    kind = "handed over"

    def compute(self, x: BlockArray) -> np.ndarray:
        raise RuntimeError("internal error: a temporary array was used after get()")


class Resident(Pending):
    """The block of a driver-resident array, put in the store when first needed there."""

    kind = "resident"
    from_tasks = False  # the driver combined it from tasks' results

    def __new__(cls, *args: Any, **kwargs: Any) -> Resident:
        return object.__new__(cls)  # (a value: nothing is computed later, under any state)

    def __init__(self, value: np.ndarray, from_tasks: bool = False):
        self.value = value
        if from_tasks:
            self.from_tasks = True

    def compute(self, x: BlockArray) -> np.ndarray:
        blocks = np.empty(x._grid.grid_shape, dtype=object)
        # a writable copy: a read-only array pickles otherwise than the planner's size model
        # of a block (and the store's copy is the store's)
        value = np.array(self.value, copy=True)
        blocks[(0,) * x.ndim] = backend().put(value, int(x._nodes.flat[0]))
        return blocks


class DriverValue(Pending):
    """A small one-block result the driver computes on first use from other arrays' blocks
    (``make()`` returns its value; a reduction to a few numbers combines its partial results
    here rather than in one more task). Once computed, the array is driver-resident."""

    kind = "driver"

    def __init__(self, make: Callable[[], np.ndarray], graph: Callable[[], Any]):
        self._make, self._graph = make, graph
        self._value: np.ndarray | None = None

    def settle(self, x: BlockArray) -> None:
        """Compute the value (once: copies of ``x`` share this object and settle with the
        same value); ``x`` becomes driver-resident."""
        value = self._value
        if value is None:
            value = np.asarray(self._make())
            value.flags.writeable = False
            self._value = value
            self._make = self._graph = None  # the partial results can go
        x._local = value
        x._pending = Resident(value, from_tasks=True)

    def compute(self, x: BlockArray) -> np.ndarray:
        self.settle(x)
        return x._pending.compute(x)

    def graph(self, x: BlockArray) -> Any:
        return None if self._graph is None else self._graph()


class BlockArray:
    """An n-dimensional array split into blocks held by a backend.

    Attributes mirror ``numpy.ndarray``; values are fetched only by ``get()``,
    ``numpy.asarray``, conversions to Python scalars, printing and ``tolist``. The NumPy API
    (operators, methods such as ``sum``, indexing, printing, NumPy's protocols) is installed
    on this class by :mod:`nums.numpy`.
    """

    __array_priority__ = 100.0
    __hash__ = None  # type: ignore[assignment]

    # fields every new array starts with; class attributes, so that making an array (one
    # per operation on small arrays, see resident()) sets only the fields that differ
    _uses = 0  # consumers that inlined a pending expression (nums.core.array.fusion)
    _link = None  # views: parent, op and root (nums.core.array.views.ViewLink)
    _version = 0  # roots: how many writes replaced their blocks
    _seen = -1  # views: the root's version their blocks were computed at
    _stand_in: np.ndarray | None = None  # numpy geometry (geometry.py)
    # x[i, j]: an element, which NumPy gives as a scalar; its augmented assignments make a
    # new array as a scalar's do (``x[i] *= 1.5`` of integers: NumPy's float, then its cast)
    _element = False
    # a 0-d array made as one (np.array(5.0), np.zeros(())): NumPy's 0-d arrays change in
    # place under ``+=``; any other 0-d result stands for the scalar NumPy returns (a
    # reduction, ``x[i] + 1``), whose augmented assignment makes a new value (see
    # nums.numpy._ndarray._inplace_op)
    _array0d = False

    def __init__(
        self,
        grid: ArrayGrid,
        blocks: np.ndarray | None,
        nodes: np.ndarray | None = None,
        pending: Pending | None = None,
        local: np.ndarray | None = None,
        check: bool = True,
    ):
        if local is None:  # (a driver-resident value is in memory already)
            if blocks is not None and blocks.shape != grid.grid_shape:
                raise ValueError(f"blocks {blocks.shape} do not match grid {grid.grid_shape}")
            if blocks is None and pending is None:
                raise ValueError("a BlockArray needs blocks or a pending transformation")
            if check:  # (not for a view, whose values are checked when they are computed:
                # NumPy's windows of a long signal cost nothing until used, [::hop] little)
                check_fits(grid.shape, grid.dtype)
        self._grid = grid
        self._blocks = blocks
        # a Pending result (a transpose, a fused expression, a plan): blocks are computed on
        # first access, so consumers can read the sources directly instead
        self._pending = pending
        if nodes is None:
            nodes = np.zeros(grid.grid_shape, dtype=np.int64)
            for idx in grid.indices():
                nodes[idx] = node_of(idx)
        self._nodes = nodes
        self._local = local  # driver-resident value (module docstring)

    # ------------------------------------------------------------------ state and views
    def _sync(self) -> None:
        """A view: (re)compute its blocks from its parent if its root was written since."""
        link = self._link
        version = link.root._version
        if self._seen != version:
            self._take_state(link.op.values(link.parent))
            self._seen = version

    def _take_state(self, other: BlockArray) -> None:
        grid = other.grid
        self._grid, self._nodes = grid, other._nodes
        self._blocks, self._pending, self._uses = other._blocks, other._pending, other._uses
        self._local = other._local

    def _assume(self, other: BlockArray) -> None:
        """A root takes ``other``'s blocks as its new contents (same shape and dtype)."""
        if other.shape != self.shape or other.dtype != self.dtype:
            raise ValueError(f"cannot assume {other.shape} {other.dtype} into "
                             f"{self.shape} {self.dtype}")
        self._take_state(other)
        self._version += 1

    def _geometry(self) -> np.ndarray:
        """The numpy stand-in of this array's layout (see :mod:`nums.core.array.geometry`)."""
        if self._stand_in is None:
            self._stand_in = root_stand_in(self.shape, self.dtype)
        return self._stand_in

    @property
    def grid(self) -> ArrayGrid:
        if self._link is not None:
            self._sync()
        return self._grid

    @grid.setter
    def grid(self, value: ArrayGrid) -> None:
        self._grid = value

    @property
    def nodes(self) -> np.ndarray:
        """Grid-shaped array of the node that holds (or will compute) each block."""
        if self._link is not None:
            self._sync()
        return self._nodes

    @nodes.setter
    def nodes(self, value: np.ndarray) -> None:
        self._nodes = value

    @property
    def base(self) -> BlockArray | None:
        """As ``ndarray.base``: the array that owns the values of a view, else None."""
        return None if self._link is None else self._link.root

    @property
    def flags(self) -> Flags:
        """As ``ndarray.flags``: ``writeable`` (settable), ``owndata``, contiguity."""
        return Flags(self)

    @property
    def blocks(self) -> np.ndarray:
        """Grid-shaped object array of block refs (computes pending blocks first)."""
        if self._link is not None:
            self._sync()
        if self._local is not None and getattr(_here, "on", False):
            value = np.empty(self._grid.grid_shape, dtype=object)
            value[(0,) * self.ndim] = self._local  # a task run here reads the value itself
            return value
        if self._blocks is None:
            pending = self._pending
            self._blocks = fperrors.run_under(pending.errors, pending.compute, self)
            self._pending = None
        return self._blocks

    @blocks.setter
    def blocks(self, value: np.ndarray) -> None:
        self._blocks = value
        self._pending = None
        self._local = None

    def pending(self, kind: str | None = None) -> Pending | None:
        """The :class:`Pending` computation of this array's blocks when they are not computed
        yet (of ``kind``, when given), else None. A pending ``"fused"`` expression made under
        another floating-point error state than the caller's is not offered (None)."""
        if self._link is not None:
            self._sync()
        if self._blocks is None and (kind is None or self._pending.kind == kind):
            if kind == "fused" and self._pending.errors is not fperrors.captured():
                # an expression made under another floating-point error state is not
                # inlined into this consumer (whose state would decide its warnings and
                # errors): its blocks are computed under its own state, as NumPy's call was
                return None
            return self._pending
        return None

    @property
    def pending_transpose(self) -> tuple[BlockArray, tuple[int, ...]] | None:
        """``(source, axes)`` when this array is a not-yet-computed transpose of ``source``."""
        p = self.pending("transpose")
        return None if p is None else (p.source, p.axes)

    # ------------------------------------------------------------------ construction
    @classmethod
    def build(
        cls,
        grid: ArrayGrid,
        task: Callable[[tuple[int, ...], int], Any],
        reads: Callable[[tuple[int, ...]], list] | None = None,
        name: str = "build",
    ) -> BlockArray:
        """A new array whose block ``idx`` is ``task(idx, node)``: the one placement path.

        ``reads(idx)`` lists the ``(array, slices)`` regions that block's task reads; the
        session's optimizer then chooses every task's node (:data:`PLANNER`, installed by
        :mod:`nums.core.array.planning`), and the tasks are submitted at once. A task that
        reads no block (``reads`` None: creation, random draws) runs on its block's
        block-cyclic node. (Planned operations that run later, on first use, describe
        themselves to the planner with an OpGraph directly.)
        """
        if all(n == 1 for n in grid.grid_shape) and fits_local(grid.shape, grid.dtype):
            local = _build_here(grid, task, reads)
            if local is not None:
                return local
        if reads is not None and PLANNER is not None:
            return PLANNER(name, grid, task, reads)
        blocks = np.empty(grid.grid_shape, dtype=object)
        nodes = np.zeros(grid.grid_shape, dtype=np.int64)
        for idx in grid.indices():
            nodes[idx] = node = node_of(idx)
            blocks[idx] = task(idx, node)
        return cls(grid, blocks, nodes)

    @classmethod
    def from_numpy(cls, x: np.ndarray, block_shape: Any = None, copy: bool = True
                   ) -> BlockArray:
        """Split a numpy array into blocks and put each on its node. ``copy=False``: ``x``
        is a new array that nothing else holds, which a small result keeps as it is."""
        x = np.asarray(x)
        if block_shape is None and one_local_block(x.nbytes):
            grid = None  # (one block held here: no grid to work out)
        else:
            grid = make_grid(x.shape, x.dtype, block_shape)
        if grid is None or grid.num_blocks == 1 and fits_local(x.shape, x.dtype):
            return resident(np.array(x, copy=True) if copy or x.base is not None else x)
        be = backend()

        def put_block(idx: tuple[int, ...], node: int) -> Any:
            part = x[grid.block_slices(idx)]
            # a backend whose put copies into its store writes each block once (a view of
            # contiguous rows goes as it is); the serial one keeps what it is given
            part = np.asarray(part, order="C") if be.put_copies else np.array(part, copy=True)
            return be.put(part, node)

        return cls.build(grid, put_block)

    @classmethod
    def full(cls, shape: Any, value: Any, dtype: Any, block_shape: Any = None) -> BlockArray:
        given = np.dtype(dtype)
        shape, dtype = subarray_axes(shape, given)
        if block_shape is not None and given.subdtype is not None:
            block_shape = normalize_shape(block_shape) + given.shape
        grid = make_grid(shape, dtype, block_shape)
        if grid.dtype.kind in "mM" and not isinstance(value, np.generic | np.ndarray):
            # NumPy's unsafe cast of the value (a number into a date without a unit)
            value = np.asarray(value).astype(grid.dtype)[()]
        if grid.num_blocks == 1 and fits_local(grid.shape, grid.dtype):
            if grid.size * grid.dtype.itemsize >= CALLOC_BYTES and grid.dtype.kind != "O":
                probe = np.zeros((), grid.dtype)
                probe[()] = value
                if not any(probe.tobytes()):  # zero bytes: NumPy's zeros, whose pages are
                    return resident(np.zeros(grid.shape, grid.dtype))  # mapped when touched
            return resident(kernels.full(grid.shape, value, grid.dtype))
        return cls.build(
            grid,
            lambda idx, node: submit(
                kernels.full, grid.block_shape_at(idx), value, grid.dtype, node=node
            ),
        )

    def map_blocks(self, fn: Callable, *args: Any, dtype: Any = None, **kwargs: Any) -> BlockArray:
        """Apply ``fn(block, *args, **kwargs)`` to every block; the shape is unchanged."""
        local = local_value(self)
        if local is not None:
            out = kernels.blockwise(fn, self.shape, np.dtype(dtype or self.dtype), kwargs,
                                    local, *args)
            return resident(kept(out, local))
        grid = self.grid if dtype is None else self.grid.with_dtype(dtype)
        blocks = self.blocks
        return BlockArray.build(
            grid,
            lambda idx, node: submit(fn, blocks[idx], *args, node=node, **kwargs),
            reads=lambda idx: [(self, grid.block_slices(idx))],
            name=getattr(fn, "__name__", "map"),
        )

    # ------------------------------------------------------------------ attributes
    # shape and dtype never change (writes keep them), so they need no sync
    @property
    def shape(self) -> tuple[int, ...]:
        return self._grid.shape

    @shape.setter
    def shape(self, value: Any) -> None:
        # numpy reshapes in place; here views of an array are defined on its shape
        raise AttributeError("a nums array cannot change its shape in place (numpy's "
                             "`x.shape = ...`); use `x = x.reshape(...)`")

    @property
    def ndim(self) -> int:
        return len(self._grid.shape)  # (the grid's ndim, one property call less: hot)

    @property
    def size(self) -> int:
        return self._grid.size

    @property
    def dtype(self) -> np.dtype:
        return self._grid.dtype

    @dtype.setter
    def dtype(self, value: Any) -> None:
        raise AttributeError("a nums array cannot change its dtype in place (numpy's "
                             "`x.dtype = ...`); use `x = x.view(dtype)`")

    @property
    def itemsize(self) -> int:
        return self._grid.dtype.itemsize  # (no sync: a view's dtype never changes)

    @property
    def nbytes(self) -> int:
        return self.size * self.itemsize

    @property
    def strides(self) -> tuple[int, ...]:
        """NumPy's strides of a C-contiguous array (``s0, s1 = P.strides`` for
        ``as_strided(P, shape, strides)``). A view whose elements are not contiguous in C
        order has none: nums's functions that take strides read a contiguous copy of it,
        where NumPy's strides of the view would address other elements."""
        g = self._geometry()
        if not g.flags.c_contiguous:
            raise AttributeError("nums gives strides of C-contiguous arrays only: this view's "
                                 "NumPy strides would not address a contiguous copy of it "
                                 "(use np.ascontiguousarray(x).strides)")
        return g.strides

    @property
    def block_shape(self) -> tuple[int, ...]:
        return self.grid.block_shape

    @property
    def grid_shape(self) -> tuple[int, ...]:
        return self.grid.grid_shape

    def __len__(self) -> int:
        if self.ndim == 0:
            if self._element and self.dtype.names is not None:
                return len(self.dtype.names)  # (a record, NumPy's np.void: its fields)
            raise TypeError("len() of unsized object")
        return self.shape[0]

    # ------------------------------------------------------------------ gathering
    def get(self) -> np.ndarray:
        """Gather the blocks into one (writable) numpy array.

        This is where nums differs from numpy: the result is fetched from the backend. A small
        array of one block keeps the fetched value in the driver (it becomes driver-resident).
        """
        link = self._link
        if link is not None and link.root._local is None and VIEW_IN_PLACE is not None:
            # a view within one block of a distributed root: one copy out of the block,
            # not a sync that cuts it out by tasks first
            v = VIEW_IN_PLACE(self)
            if v is not None:
                return np.array(v, copy=True, order="C")
        local = local_value(self)
        if local is not None:
            # a temporary's value nobody else holds (``(x * y + 1).get()``) is handed over
            # rather than copied: a copy of a large array costs as much as the operation
            if (TEMPORARY_REFCOUNTS and sys.getrefcount(self) == 2
                    and sys.getrefcount(local) == 3 + (self._pending is not None
                                                       and self._pending.kind == "resident")
                    and owns_all(local)):
                self._local, self._blocks, self._pending = None, None, _HandedOver()
                if local.base is not None:
                    local.base.flags.writeable = True
                local.flags.writeable = True
                return local
            return np.array(local, copy=True)
        if self._pending is not None and self._blocks is None:
            here = fperrors.run_under(self._pending.errors, self._pending.value_here, self)
            if here is not None:
                return here
        refs = [self.blocks[idx] for idx in self.grid.indices()]
        values = progress.get(refs, "get")
        if len(values) == 1:
            v = values[0]
            if self.ndim == 0 and self.dtype == object and not (
                    type(v) is np.ndarray and v.dtype == object and v.shape == ()):
                out = kernels.object_0d(v)  # (a block that is the element, an array: whole)
            else:
                out = np.array(values[0], dtype=self.dtype, copy=True).reshape(self.shape)
            if out.nbytes <= KEEP_ON_GET_BYTES and fits_local(self.shape, self.dtype):
                self._local = kept = out.copy()
                kept.flags.writeable = False
            return out
        out = np.empty(self.shape, dtype=self.dtype)
        pairs = list(zip(self.grid.indices(), values))
        k = min(threads.THREADS, len(pairs)) if out.nbytes >= GET_PARTS_BYTES else 1
        # the copies out of the store in parts, on the driver's threads (1.4x faster on 2
        # cores for 8e7 bytes in two blocks)
        threads.run([functools.partial(copy_blocks, out, self.grid, pairs[i::k])
                     for i in range(k)])
        return out

    def persist(self) -> BlockArray:
        """Wait until every block is computed and stored; return ``self``. A driver-resident
        array is computed already: nothing is put in the store."""
        if local_value(self) is not None:
            return self
        progress.wait([self.blocks[idx] for idx in self.grid.indices()], "persist")
        return self

    def _errors_now(self) -> BlockArray:
        """Compute the blocks now and raise here the error of any task that makes them
        (NumPy raises a value's error at the call: ``astype(float)`` of ``"n/a"``); the
        values stay where they are. Returns ``self``."""
        if local_value(self) is None:
            progress.get([submit(kernels.ready, self.blocks[idx], node=int(self.nodes[idx]))
                          for idx in self.grid.indices()], "check")
        return self

    def __reduce_ex__(self, protocol: Any) -> Any:
        """Pickled for a task (a function run by ``vectorize``, ``piecewise``,
        ``apply_along_axis`` that uses a table of the caller's: ``lambda i: T[i]``): as its
        NumPy value, which the task computes with (its blocks' references mean nothing
        there); up to ``CAPTURED_BYTES``, beyond which a clear error says what to do.
        Otherwise (``pickle.dumps(x)``) pickled as its values too, as NumPy's arrays."""
        if not for_task():
            # (pickle, multiprocessing, joblib): its values, as NumPy pickles a view, which
            # unpickle as a new array of the session that loads them
            return UNPICKLE[0], (self.get(), self._array0d, self._element)
        if self.nbytes > CAPTURED_BYTES:
            raise TypeError(
                f"a function run in tasks uses a distributed nums array of shape {self.shape} "
                f"({self.nbytes} bytes, more than the {CAPTURED_BYTES} nums sends to each "
                "task): pass it to the function as an argument it maps over, or send a "
                "NumPy copy (x.get()) if the tasks may each hold one")
        return np.asarray, (self.get(),)

    def tolist(self) -> Any:
        return self.get().tolist()

    def item(self, *args: Any) -> Any:
        """NumPy's ``ndarray.item``: the element as a Python object, fetched alone (not the
        whole array)."""
        if local_value(self) is not None:
            return self._local.item(*args)
        np.broadcast_to(np.zeros((), self.dtype), self.shape).item(*args)  # NumPy's errors
        if not args:
            return self.get().item()  # (one element)
        idx = args[0] if len(args) == 1 and type(args[0]) is tuple else args
        if len(idx) == 1 and self.ndim != 1:  # an index into the flattened array
            k = operator.index(idx[0])
            idx = np.unravel_index(k + self.size if k < 0 else k, self.shape)
        element = self[tuple(operator.index(i) for i in idx)]
        if type(element) is BlockArray:
            return element.get().item()
        # text: NumPy's str_ or bytes_ as Python's str or bytes; an object as it is
        return element.item() if isinstance(element, np.str_ | np.bytes_) else element

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        out = self.get()
        if dtype is not None:
            out = out.astype(dtype, copy=False)
        return out

    def _scalar(self, kind: str) -> np.ndarray:
        if self.size != 1:
            if kind == "bool":
                raise ValueError(
                    "The truth value of an array with more than one element is ambiguous. "
                    "Use a.any() or a.all()"
                )
            raise TypeError("only length-1 arrays can be converted to Python scalars")
        local = local_value(self)  # (converted to a Python scalar at once: no copy needed)
        # of its own shape: NumPy's conversion decides (2.4 refuses a size-1 array of
        # dimensions for int, float and complex)
        return self.get() if local is None else local

    def __bool__(self) -> bool:
        return bool(self._scalar("bool"))

    def __int__(self) -> int:
        return int(self._scalar("int"))

    def __float__(self) -> float:
        return float(self._scalar("float"))

    def __complex__(self) -> complex:
        return complex(self._scalar("complex"))

    def __bytes__(self) -> bytes:
        """``bytes(x)``: NumPy's (its buffer's bytes, in C order), from the gathered values."""
        return bytes(self.get())

    def __buffer__(self, flags: int) -> memoryview:
        """The buffer protocol (Python 3.12+: ``memoryview(x)``, ``hashlib.md5(x)``,
        ``f.write(x)``): a read-only buffer of the gathered values."""
        value = self.get()
        value.flags.writeable = False  # (a copy: writes could not reach the array)
        return memoryview(value)

    def __index__(self) -> int:
        if self.ndim != 0 or self.dtype.kind not in "iub":
            raise TypeError("only integer scalar arrays can be converted to a scalar index")
        return operator.index(self.get()[()])

    def __copy__(self) -> BlockArray:
        return self.copy()

    def __deepcopy__(self, memo: dict) -> BlockArray:
        if self.dtype.hasobject:  # NumPy deep-copies the objects of an object array too
            return BlockArray.from_numpy(copy.deepcopy(self.get(), memo), self.block_shape)
        return self.copy()

    def __iter__(self):
        return self._iter_items()

    def _iter_items(self):
        """``self[0]``, ``self[1]``, ... (NumPy's TypeError for a 0-d array)."""
        if self.ndim == 0:  # at iter(), as NumPy's (numpy.iterable asks iter())
            if self._element and self.dtype.names is not None:
                return iter(self.get()[()])  # (a record: ``name, age = people[0]``)
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(self.shape[0]))

    # ------------------------------------------------------------------ conversions
    def astype(self, dtype: Any, casting: str = "unsafe", copy: bool = True, *,
               order: str = "K", subok: bool = True) -> BlockArray:
        """nums implementation of ``numpy.ndarray.astype`` (``order``, NumPy's memory order
        of a copy, does not change values: checked, and blocks stay C-ordered; ``casting``
        and ``copy`` come before it when given by position)."""
        memory_order(order)
        dtype = np.dtype(dtype)
        if dtype.subdtype is not None:  # ("i4", (2,)): each value repeated along new axes
            base, extra = dtype.subdtype
            out = BlockArray.full(self.shape + extra, 0, base)
            out[...] = self.astype(base, casting).reshape(self.shape + (1,) * len(extra))
            return out
        if dtype.kind in "SU" and dtype.itemsize == 0 and self.dtype.kind != "O":
            # str and bytes without a length: NumPy's length for the source dtype (U21 for
            # int64, U32 for float64), not the one character of each block's guess
            dtype = np.empty(0, self.dtype).astype(dtype).dtype
        elif dtype.kind in "SU" and dtype.itemsize == 0 and local_value(self) is None:
            dtype = self._found_dtype(dtype)
        elif dtype.kind in "mM" and np.datetime_data(dtype)[0] == "generic":
            # a date or duration without a unit: NumPy's unit, the source's (from its dtype
            # alone: dates, durations, numbers) or the finest that text or objects hold
            if self.dtype.kind not in "SUO":
                dtype = np.empty(0, self.dtype).astype(dtype).dtype
            elif local_value(self) is None:
                dtype = self._found_dtype(dtype)
        if casting == "same_value":  # NumPy 2.4+: a cast that must keep every value
            # each block casts with NumPy's check (a driver-resident array at once; blocks
            # raise its ValueError when the result is read, as other errors of tasks)
            return self.map_blocks(kernels.astype, dtype, casting, dtype=dtype)
        if not np.can_cast(self.dtype, dtype, casting=casting):
            raise TypeError(
                f"Cannot cast array data from {self.dtype!r} to {dtype!r} "
                f"according to the rule {casting!r}"
            )
        if dtype == self.dtype and not copy:
            return self
        if dtype == self.dtype:
            return self.copy()
        local = local_value(self)
        if local is not None:
            return self._same_kind(resident(local.astype(dtype)))
        if not dtype.isnative:  # (fused casts run ufuncs, which refuse a byte order)
            return self._same_kind(self.map_blocks(kernels.astype, dtype, dtype=dtype))
        if self.dtype.kind in "SUO" and dtype.kind not in "SUO" or (
                self.dtype.kind == "M" and dtype.kind in "SU"):
            # a text that is not a number or date is NumPy's ValueError, at the call (and a
            # date's text longer than the string, its RuntimeError)
            return self._same_kind(
                self.map_blocks(kernels.astype, dtype, dtype=dtype)._errors_now())
        lazy = None if CAST is None else CAST(self, dtype)  # read where used, no task
        if lazy is not None:
            return self._same_kind(lazy)
        return self._same_kind(self.map_blocks(kernels.astype, dtype, dtype=dtype))

    def _found_dtype(self, dtype: np.dtype) -> np.dtype:
        """The dtype that NumPy's cast of all the values to ``dtype`` (found from the values:
        ``U`` or ``S`` without a length, a date or duration without a unit) gives: of the
        longest text among all blocks, or the finest unit (each block alone would guess its
        own)."""
        refs = [submit(kernels.cast_dtype, self.blocks[idx], dtype, node=int(self.nodes[idx]))
                for idx in self.grid.indices()]
        found = progress.get(refs, "astype") if refs else []
        if not found:
            return np.empty(0, self.dtype).astype(dtype).dtype
        if dtype.kind in "mM":
            return np.result_type(*found)  # (NumPy's promotion of units: the finest)
        return builtins.max(found, key=lambda d: d.itemsize)

    def copy(self, order: str = "C") -> BlockArray:
        """An independent array with the same values (blocks are immutable: refs are shared,
        and later writes to either array give it new blocks). ``order`` is NumPy's memory
        order, which does not change values: checked, and blocks stay C-ordered."""
        memory_order(order)
        grid = self.grid
        if self._blocks is None:
            out = BlockArray(grid, None, self._nodes.copy(), self._pending)
        else:
            out = BlockArray(grid, self._blocks.copy(), self._nodes.copy())
        out._local = self._local  # immutable: shared, as block refs are
        return self._same_kind(out)

    def _same_kind(self, out: BlockArray) -> BlockArray:
        """``out`` (a copy or cast of this array), a 0-d array where this one is a 0-d
        array rather than a value that stands for NumPy's scalar (``np.zeros(()).copy()``
        changes in place under ``+=``, as NumPy's)."""
        if self.ndim == 0 and out is not self and not stands_for_scalar(self):
            out._array0d = True
        return out


_CONTAINERS = frozenset((BlockArray, tuple, list, dict))  # (see scalar_values)
