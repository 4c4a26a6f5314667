"""Kernels that evaluate fused elementwise expressions in cache-sized row chunks.

A block is a few MiB to tens of MiB, far more than a core's cache. Evaluating
``x * y + 1`` on a whole block writes the temporary ``x * y`` to memory and reads it back;
evaluating it ``CHUNK_BYTES`` of output at a time keeps every temporary in cache, so a block
is read once and its result written once (memory bandwidth is what elementwise work costs).
Products that consume an expression (``X.T @ (X * w[:, None])``) evaluate it chunk by chunk
along the contracted rows and accumulate, so the product never holds the whole expression.

Chunks are taken along axis 0 of the result. An operand (a "leaf" piece or a constant) takes
part in the chunking when its axis 0 is the result's; one that broadcasts along axis 0 (fewer
dimensions, or length 1 there) is passed whole. Elementwise results do not depend on the
chunking; sums over chunks (products) differ from one BLAS call by rounding only.

A *row product* node ``("matmul", dtype, ("leaf", i, ROWS), w, pattern)`` is the product
``X @ w`` of a matrix leaf ``X`` with the vector ``w`` (a value), seen through ``pattern``
as a leaf is; its rows are the rows of ``X``, which are those of the result (axis 0), so a
chunk of the result reads the same chunk of ``X``'s rows. It lets ``X.T @ f(X @ w)`` read
each chunk of ``X`` once from memory (see ``nums.core.array.fusion.row_product``).
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from nums.core.backend.buffers import new_block

CHUNK_BYTES = 1 << 20  # bytes of result per chunk: with its temporaries, inside L3 (and few
#                        enough chunks that numpy's per-call cost stays small)
MIN_CHUNKED_BYTES = 4 * CHUNK_BYTES  # smaller results are evaluated in one go
PRODUCT_CHUNK_BYTES = 1 << 19  # bytes of the larger operand per chunk of a product
WHOLE_EXPR_BYTES = 1 << 22  # an expression operand this small is evaluated whole
ROWS = "rows"  # the pattern of a row product's matrix leaf: its rows are the result's rows


def view_shape(shape: Sequence[int], pattern: Sequence[int | None]) -> tuple[int, ...]:
    """The shape of an array of ``shape`` seen through ``pattern``: axis ``p`` of the view is
    axis ``pattern[p]``, or a new axis of length 1 where that is None (a reshape that only
    inserts unit axes; ``x[:, None]`` has the pattern ``(0, None)``)."""
    return tuple(1 if axis is None else shape[axis] for axis in pattern)


def _leaf_views(expr: tuple, leaves: Sequence[Any]) -> tuple[tuple, list[Any]]:
    """The expression and its leaf pieces as numpy should see them.

    A leaf node ``("leaf", i, pattern, local)`` (made by ``fusion.operand_pieces``) reads
    ``leaves[i][local]`` (a block that holds more than the piece: no task cut it out), or
    the piece joined from several blocks when ``local`` is ``("join", ...)``
    (:func:`_join`), through ``pattern`` (see :func:`view_shape`); either may be None. The
    nodes come back as plain ``("leaf", i)`` over the viewed pieces, so applying this again
    changes nothing.
    """
    out = list(leaves)
    return _view_leaves(expr, leaves, out), out


# The tree walks below are module functions, not closures calling themselves: such a closure
# is a reference cycle, which would keep the views of input blocks it reaches (and so their
# store memory) alive until the garbage collector ran.
def _view_leaves(e: tuple, leaves: Sequence[Any], out: list[Any]) -> tuple:
    if e[0] == "leaf":
        if len(e) == 2:
            return e
        piece = _local_piece(leaves[e[1]], e[3], leaves)
        if e[2] is not None and e[2] != ROWS:
            piece = piece.reshape(view_shape(piece.shape, e[2]))
        out[e[1]] = piece
        return ("leaf", e[1])
    if e[0] == "const":
        return e
    if e[0] == "matmul":
        return ("matmul", e[1], _view_leaves(e[2], leaves, out), e[3], e[4])
    return ("ufunc", e[1], e[2], e[3], tuple(_view_leaves(c, leaves, out) for c in e[4]))


def _local_piece(piece: Any, local: Any, leaves: Sequence[Any]) -> Any:
    """``piece`` through a leaf node's view ``local``: None (as it is), slices,
    ``("join", ...)`` (:func:`_join`), or ``("reshape", inner, offset, length, shape,
    slices)``: the rows that ``inner`` gives, raveled, ``length`` values from ``offset``
    reshaped to ``shape``, then ``slices`` of them (a reshape of a distributed array read
    where it is used, ``fusion.reshaped``)."""
    if local is None or not local:
        return piece
    if local[0] == "join":
        return _join(piece, local, leaves)
    if local[0] == "reshape":
        _, inner, offset, length, shape, cut = local
        rows = _local_piece(piece, inner, leaves)
        return rows.reshape(-1)[offset:offset + length].reshape(shape)[cut]
    return piece[local]


def _join(first: Any, spec: tuple, leaves: Sequence[Any]) -> np.ndarray:
    """A leaf's piece over several blocks: ``spec`` is ``("join", shape, placements)``, each
    placement ``(dst, src, k)`` copying ``leaves[k][src]`` (``first`` when k is None)."""
    piece = np.empty(spec[1], dtype=first.dtype)
    _join_into(piece, first, spec, leaves)
    return piece


def _join_into(out: np.ndarray, first: Any, spec: tuple, leaves: Sequence[Any]) -> None:
    """:func:`_join` written into ``out`` (of the piece's shape)."""
    for dst, src, k in spec[2]:
        out[dst] = (first if k is None else leaves[k])[src]


def evaluate(expr: tuple, leaves: Sequence[Any], memo: dict | None = None) -> Any:
    """Value of an expression tree (see ``nums.core.array.fusion``) over ``leaves``.

    With ``memo`` (a dict, one per evaluation), a subtree object met twice is computed once:
    see :func:`shared`.
    """
    kind = expr[0]
    if kind == "leaf":
        return leaves[expr[1]]
    if kind == "const":
        return expr[1]
    if memo is not None:
        hit = memo.get(id(expr))
        if hit is not None:
            return hit
    if kind == "matmul":
        result = _row_product(expr, evaluate(expr[2], leaves, memo))
    else:
        _, ufunc, dtype, kwargs, children = expr
        result = np.asarray(ufunc(*[evaluate(c, leaves, memo) for c in children], **kwargs))
        if result.dtype != dtype:
            result = result.astype(dtype)
    if memo is not None:
        memo[id(expr)] = result
    return result


def _row_product(e: tuple, rows: Any) -> np.ndarray:
    """The value of row product node ``e`` over ``rows`` of its matrix."""
    _, dtype, _, w, pattern = e
    result = np.asarray(np.matmul(rows, w))
    if result.dtype != dtype:
        result = result.astype(dtype)
    if pattern is not None:
        result = result.reshape(view_shape(result.shape, pattern))
    return result


def has_row_product(expr: tuple) -> bool:
    """Whether an expression tree holds a row product node."""
    return any(e[0] == "matmul" for e in nodes(expr))


def _value_key(value: Any, kind: str) -> Any:
    if isinstance(value, dict):
        try:
            key = tuple(sorted(value.items()))
            hash(key)
            return key
        except TypeError:
            return (kind, id(value))
    if isinstance(value, bool | int | float | complex | np.generic):
        return (type(value), repr(value))  # repr keeps -0.0 apart from 0.0
    return (kind, id(value))


def shared(expr: tuple) -> tuple:
    """``expr`` with equal subtrees merged into one object, so that :func:`evaluate` with a
    memo computes each once (an inlined ``mu`` used twice in ``mu * (1 - mu)``)."""
    return _merge_equal(expr, {})


def _merge_equal(e: tuple, table: dict) -> tuple:
    if e[0] == "leaf":
        return table.setdefault(e, e)
    if e[0] == "const":
        return table.setdefault(("const", _value_key(e[1], "const")), e)
    if e[0] == "matmul":
        child = _merge_equal(e[2], table)
        key = ("matmul", e[1], id(child), id(e[3]), e[4])
        return table.setdefault(key, ("matmul", e[1], child, e[3], e[4]))
    children = tuple(_merge_equal(c, table) for c in e[4])
    key = ("ufunc", e[1], e[2], _value_key(e[3], "kw"), tuple(id(c) for c in children))
    return table.setdefault(key, ("ufunc", e[1], e[2], e[3], children))


def nodes(expr: tuple) -> Iterator[tuple]:
    """Every node of an expression tree, parents first."""
    yield expr
    if expr[0] == "ufunc":
        for c in expr[4]:
            yield from nodes(c)
    elif expr[0] == "matmul":
        yield from nodes(expr[2])


def _consts(expr: tuple) -> list[Any]:
    return [e[1] for e in nodes(expr) if e[0] == "const"]


def _follows_rows(x: Any, ndim: int, nrows: int) -> bool:
    """True when ``x`` varies along axis 0 of a result of ``ndim`` dims and ``nrows`` rows
    (an operand of more dims is the matrix of a row product, whose rows are the result's)."""
    return np.ndim(x) >= ndim and np.shape(x)[0] == nrows and nrows > 1


def _splittable(expr: tuple, leaves: Sequence[Any], shape: tuple[int, ...]) -> bool:
    """Whether rows of the result can be computed from rows of the leaves alone."""
    if len(shape) == 0 or shape[0] < 2:
        return False
    ndim, nrows = len(shape), shape[0]
    for x in list(leaves) + _consts(expr):
        if np.ndim(x) >= ndim and np.shape(x)[0] not in (1, nrows):
            return False
    # a constant spanning the rows would need slicing too: keep those whole-block
    return not any(_follows_rows(c, ndim, nrows) for c in _consts(expr))


def _row_step(shape: tuple[int, ...], itemsize: int, budget: int) -> int:
    row_bytes = max(1, itemsize * int(np.prod(shape[1:], dtype=np.int64)))
    return max(1, budget // row_bytes)


def _rows_of(leaves: Sequence[Any], ndim: int, nrows: int, r0: int, r1: int) -> list[Any]:
    return [x[r0:r1] if _follows_rows(x, ndim, nrows) else x for x in leaves]


def fused_eval(spec: tuple, *leaves: Any) -> np.ndarray:
    """Evaluate a fused elementwise expression into a new block.

    ``spec`` is ``(expr, block_shape)``; leaves are the operand pieces, which numpy
    broadcasts (after the views their leaf nodes give, see :func:`_leaf_views`).
    """
    tiled = _tiled_eval(spec, leaves)
    if tiled is not None:
        return tiled
    expr, leaves = _leaf_views(spec[0], leaves)
    expr = shared(expr)
    shape = tuple(spec[1])
    dtype = expr[2] if expr[0] == "ufunc" else None
    if dtype is None:
        value = np.asarray(evaluate(expr, leaves, {}))
        if value.dtype.hasobject:
            return value if value.shape == shape else np.broadcast_to(value, shape).copy()
        # a leaf is often a strided view of an input block (a column): copied once into the
        # store, where returning the view would pickle its bytes in band (two more copies)
        out = new_block(shape, value.dtype)
        np.copyto(out, value)
        return out
    out = new_block(shape, dtype)  # in the store already: returned without a copy
    _eval_into(out, expr, leaves)
    return out


def operand_value(spec: tuple, leaves: Sequence[Any]) -> np.ndarray:
    """The value of a block that a consumer kernel reads as an expression over ``leaves``
    (see ``fusion.submit_on``): a view of a bare leaf (a column ``X[:, k]``, a window) where
    it lies, read-only; any other expression evaluated (:func:`fused_eval`)."""
    expr, shape = spec[0], tuple(spec[1])
    if expr[0] == "leaf" and not _is_join(expr):
        lexpr, views = _leaf_views(expr, leaves)
        value = np.asarray(views[lexpr[1]]).view()
        value.flags.writeable = False
        return value if value.shape == shape else np.broadcast_to(value, shape)
    return fused_eval(spec, *leaves)


def row_chunks(spec: tuple, leaves: Sequence[Any], step: int
               ) -> Iterator[tuple[int, int, np.ndarray]]:
    """``(r0, r1, rows)``: rows ``r0:r1`` of the block that ``spec`` computes over ``leaves``
    (see :func:`operand_value`), ``step`` rows at a time, each computed only when it is
    reached, into one buffer: a chunk is valid until the next is asked for, so an expression
    (``frames * window`` of ``rfft(frames * window)``) never exists whole and its chunks
    stay in the cache. One chunk of every row when the rows cannot be computed apart."""
    expr, shape = spec[0], tuple(spec[1])
    nrows = shape[0] if shape else 0
    if (expr[0] == "ufunc" and expr[2] is not None and nrows > step
            and not has_row_product(expr)):
        expr, views = _leaf_views(expr, leaves)
        if _splittable(expr, views, shape):
            expr = shared(expr)
            buf = np.empty((step, *shape[1:]), expr[2])
            direct = _direct_nodes(buf, expr, views)
            for r0 in range(0, nrows, step):
                r1 = min(r0 + step, nrows)
                dst = buf[:r1 - r0]
                _assign(dst, expr, _rows_of(views, len(shape), nrows, r0, r1), direct)
                yield r0, r1, dst
            return
    yield 0, nrows, operand_value(spec, leaves)


def on_operand(fn: Any, pos: int, spec: tuple, n_leaves: int, *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)`` with the value of the operand ``(spec, args[:n_leaves])`` (see
    :func:`operand_value`) inserted at position ``pos`` of the other arguments; ``pos``
    below 0: at ``-pos - 1``, copied first if it is a strided view (for a kernel that reads
    its block many times: a column read in place brings its matrix's rows each time)."""
    value = operand_value(spec, args[:n_leaves])
    if pos < 0:
        pos = -pos - 1
        value = np.ascontiguousarray(value)
    rest = list(args[n_leaves:])
    rest.insert(pos, value)
    return fn(*rest, **kwargs)


def on_lazy_operand(fn: Any, pos: int, spec: tuple, n_leaves: int, *args: Any,
                    **kwargs: Any) -> Any:
    """:func:`on_operand` for a kernel that may not read the operand: it gets a function
    that computes the value when called."""
    rest = list(args[n_leaves:])
    rest.insert(pos, functools.partial(operand_value, spec, args[:n_leaves]))
    return fn(*rest, **kwargs)


def fused_eval_into(dst: np.ndarray, spec: tuple, *leaves: Any) -> None:
    """``dst[...] = fused_eval(spec, *leaves)``, written straight into ``dst`` where the
    expression allows (no block of its own, no copy)."""
    expr = spec[0]
    if (expr[0] == "leaf" and _is_join(expr) and expr[2] is None
            and tuple(expr[3][1]) == dst.shape):
        _join_into(dst, leaves[expr[1]], expr[3], leaves)  # each part in its place
        return
    tiles = _tiles(spec, leaves)
    if tiles is not None:
        for tile, texpr, views in tiles:
            _eval_into(dst[tile], texpr, views)
        return
    expr, leaves = _leaf_views(expr, leaves)
    expr = shared(expr)
    if expr[0] != "ufunc":
        dst[...] = evaluate(expr, leaves, {})
        return
    _eval_into(dst, expr, leaves)


def eval_into_parts(dst: np.ndarray, spec: tuple, leaves: Sequence[Any],
                    k: int) -> list[Callable[[], None]]:
    """:func:`fused_eval_into` of ``dst`` as up to ``k`` calls over ranges of its rows, to
    run at once on threads (NumPy's loops release the GIL); one call when the rows cannot be
    computed apart (see :func:`_splittable`), for pieces joined from several blocks, and
    for results too small to gain from it."""
    whole = [functools.partial(fused_eval_into, dst, spec, *leaves)]
    expr = spec[0]
    if (k < 2 or dst.nbytes < 2 * MIN_CHUNKED_BYTES or expr[0] != "ufunc"
            or has_row_product(expr)
            or any(e[0] == "leaf" and _is_join(e) for e in nodes(expr))):
        return whole
    expr, views = _leaf_views(expr, leaves)
    if not _splittable(expr, views, dst.shape):
        return whole
    expr = shared(expr)
    n, ndim = dst.shape[0], dst.ndim
    bounds = sorted({n * i // k for i in range(k + 1)})
    return [functools.partial(_eval_into, dst[r0:r1], expr, _rows_of(views, ndim, n, r0, r1))
            for r0, r1 in zip(bounds[:-1], bounds[1:])]


MAX_TILES = 64


def _is_join(e: tuple) -> bool:
    return len(e) > 2 and isinstance(e[3], tuple) and bool(e[3]) and e[3][0] == "join"


def _tiled_eval(spec: tuple, leaves: Sequence[Any]) -> np.ndarray | None:
    """Evaluate an expression whose leaves include pieces over several blocks (``join``)
    without joining them: the block is cut where any such piece crosses from one block to
    the next, and each tile is computed from views of the blocks it lies in (a stencil's
    shifted slices are read in place). None when that does not apply (a joined leaf with a
    pattern or of another shape than the block's, an array constant, too many tiles): the
    caller joins."""
    tiles = _tiles(spec, leaves)
    if tiles is None:
        return None
    out = new_block(tuple(spec[1]), spec[0][2])
    for tile, texpr, views in tiles:
        _eval_into(out[tile], texpr, views)
    return out


def _tiles(spec: tuple, leaves: Sequence[Any]) -> list[tuple[tuple, tuple, list]] | None:
    """The tiles of :func:`_tiled_eval`: per tile, its slices of the block, and the
    expression over the views of the leaves that it reads; None when tiling does not
    apply."""
    expr, shape = spec[0], tuple(spec[1])
    if expr[0] != "ufunc":
        return None
    joins = [e for e in nodes(expr) if e[0] == "leaf" and _is_join(e)]
    if not joins or any(e[2] is not None or tuple(e[3][1]) != shape for e in joins):
        return None  # a joined piece that broadcasts: joined (see _view_leaves)
    if has_row_product(expr):
        return None  # tiles cut columns too: a row product needs whole rows
    if any(np.ndim(c) > 0 for c in _consts(expr)):
        return None
    cuts = [{0, n} for n in shape]
    for e in joins:
        for dst, _, _ in e[3][2]:
            for a, d in enumerate(dst):
                cuts[a].update((d.start, d.stop))
    bounds = [sorted(c) for c in cuts]
    if math.prod(len(b) - 1 for b in bounds) > MAX_TILES:
        return None
    tiles = []
    for tile in itertools.product(*[list(zip(b[:-1], b[1:])) for b in bounds]):
        tile = tuple(slice(a, b) for a, b in tile)
        views: list[Any] = []
        texpr = _tile_leaves(expr, leaves, tile, shape, views, {})
        tiles.append((tile, shared(texpr), views))
    return tiles


def _tile_leaves(e: tuple, leaves: Sequence[Any], tile: tuple, shape: tuple,
                 views: list, seen: dict) -> tuple:
    """``e`` over the views of its leaves that ``tile`` of the block reads (appended to
    ``views``; ``seen``: the view of each leaf use met already, so that equal subtrees stay
    equal and :func:`shared` computes them once)."""
    if e[0] == "const":
        return e
    if e[0] == "ufunc":
        return ("ufunc", e[1], e[2], e[3],
                tuple(_tile_leaves(c, leaves, tile, shape, views, seen) for c in e[4]))
    key = (e[1], e[2] if len(e) > 2 else None, id(e[3]) if len(e) > 3 else None)
    if key in seen:
        return ("leaf", seen[key])
    if _is_join(e):
        for dst, src, k in e[3][2]:
            if all(d.start <= t.start and t.stop <= d.stop for d, t in zip(dst, tile)):
                block = leaves[e[1] if k is None else k]
                view = block[tuple(_sub(s, t.start - d.start, t.stop - d.start)
                                   for s, d, t in zip(src, dst, tile))]
                break
        else:  # pragma: no cover - the tiles refine every piece's placements
            raise AssertionError("a tile crosses a block of a joined leaf")
    else:
        piece = leaves[e[1]]
        if len(e) > 2:
            if e[3] is not None:  # (slices, or a reshape read where it is used)
                piece = _local_piece(piece, e[3], leaves)
            if e[2] is not None:
                piece = piece.reshape(view_shape(piece.shape, e[2]))
        view = _tile_of(piece, tile, shape)
    views.append(view)
    seen[key] = len(views) - 1
    return ("leaf", len(views) - 1)


def _sub(s: slice, k0: int, k1: int) -> slice:
    """The elements ``k0:k1`` of the selection ``s`` (explicit start, positive step)."""
    step = s.step or 1
    return slice(s.start + k0 * step, s.start + (k1 - 1) * step + 1 if k1 > k0 else s.start,
                 s.step)


def _tile_of(x: Any, tile: tuple, shape: tuple) -> Any:
    """The part of ``x`` (broadcastable to ``shape``) that broadcasts onto ``tile``."""
    nd = np.ndim(x)
    if nd == 0:
        return x
    offset = len(shape) - nd
    return x[tuple(slice(None) if n == 1 and shape[a + offset] != 1 else tile[a + offset]
                   for a, n in enumerate(np.shape(x)))]


def _eval_into(dst: np.ndarray, expr: tuple, leaves: Sequence[Any]) -> None:
    """``dst[...] = expr`` over ``leaves``, in row chunks when large (see :func:`fused_eval`).

    The expression's last operation writes into ``dst`` itself when its loop gives ``dst``'s
    dtype (numpy's ufuncs read overlapping inputs as they were), and so does the chain of
    first operands below it when no leaf can overlap ``dst``: no temporary and no copy for
    ``x * y + 1``.
    """
    direct = _direct_nodes(dst, expr, leaves)
    shape = dst.shape
    if dst.nbytes < MIN_CHUNKED_BYTES or not _splittable(expr, leaves, shape):
        _assign(dst, expr, leaves, direct)
        return
    ndim, nrows = len(shape), shape[0]
    # the widest value computed on the way sets the chunk (``(0 + g + g) == 3`` of booleans
    # has int64 temporaries eight times the result's bytes)
    step = _row_step(shape, _widest(expr, dst.dtype.itemsize), CHUNK_BYTES)
    for r0 in range(0, nrows, step):
        r1 = min(r0 + step, nrows)
        _assign(dst[r0:r1], expr, _rows_of(leaves, ndim, nrows, r0, r1), direct)


def _widest(expr: tuple, itemsize: int) -> int:
    """The largest item size among ``itemsize`` and the values ``expr``'s operations make."""
    return max([itemsize] + [e[2].itemsize for e in nodes(expr)
                             if e[0] in ("ufunc", "matmul") and e[2] is not None])


def _assign(dst: np.ndarray, expr: tuple, leaves: Sequence[Any], direct: set[int]) -> None:
    """``dst[...] = evaluate(expr, leaves)``, computing the nodes in ``direct`` (ids, see
    :func:`_direct_nodes`) with ``out=dst``."""
    if id(expr) not in direct:
        dst[...] = evaluate(expr, leaves, {})
        return
    _into(dst, expr, leaves, {}, direct)


def _into(dst: np.ndarray, e: tuple, leaves: Sequence[Any], memo: dict,
          direct: set[int]) -> None:
    children = e[4]
    args = []
    for i, c in enumerate(children):
        if i == 0 and id(c) in direct:
            _into(dst, c, leaves, memo, direct)
            args.append(dst)
        else:
            args.append(evaluate(c, leaves, memo))
    e[1](*args, out=dst, **e[3])


def loop_out_dtype(ufunc: Any, operands: Sequence[Any]) -> np.dtype | None:
    """The output dtype of the loop numpy picks for one-output ``ufunc`` on ``operands``
    (arrays, numpy scalars, dtypes, or Python ``int``/``float``/``complex``, which are weak
    as NEP 50 says); None when that cannot be told (another kind of operand or callable, or
    numpy has no loop: the call itself then raises numpy's error)."""
    if not isinstance(ufunc, np.ufunc) or ufunc.nout != 1:
        return None
    ins: list[Any] = []
    for v in operands:
        if isinstance(v, np.dtype):
            ins.append(v)
        elif type(v) in (int, float, complex):
            ins.append(type(v))
        elif isinstance(v, np.ndarray | np.generic):
            ins.append(v.dtype)
        elif type(v) is bool:
            ins.append(np.dtype(bool))
        else:
            return None
    try:
        return ufunc.resolve_dtypes((*ins, None))[-1]
    except Exception:  # noqa: BLE001 - numpy decides at the call (and raises there)
        return None


def _loop_dtype(e: tuple, leaves: Sequence[Any]) -> np.dtype | None:
    """:func:`loop_out_dtype` of ufunc node ``e`` (None with keywords, but for a cast's:
    ``dtype`` without checks, ``fusion.cast``)."""
    if e[3]:
        if e[3].keys() == {"dtype", "casting"} and e[3]["casting"] == "unsafe":
            return np.dtype(e[3]["dtype"])
        return None
    return loop_out_dtype(e[1], [c[2] if c[0] == "ufunc" else
                                 leaves[c[1]] if c[0] == "leaf" else c[1] for c in e[4]])


def _loops_in(e: tuple, leaves: Sequence[Any], dtype: np.dtype) -> bool:
    """Whether ufunc node ``e``'s loop is known to give ``dtype`` (an unknown loop is None,
    which a NumPy dtype compares equal to float64: hence ``is``)."""
    loop = _loop_dtype(e, leaves)
    return loop is not None and loop == dtype


def _direct_nodes(dst: np.ndarray, expr: tuple, leaves: Sequence[Any]) -> set[int]:
    """Ids of the nodes :func:`_assign` computes with ``out=dst``: the root when its loop
    gives ``dst.dtype``, then its first operand and so on, while that operand is a ufunc node
    used once, of the same loop dtype, and no leaf may overlap ``dst`` (the first operand is
    written before the others are read)."""
    direct: set[int] = set()
    if (expr[0] != "ufunc" or expr[2] != dst.dtype or not _loops_in(expr, leaves, dst.dtype)
            or any(np.ndim(x) > dst.ndim for x in (*leaves, *_consts(expr)))):
        return direct
    direct.add(id(expr))
    if any(isinstance(x, np.ndarray) and np.may_share_memory(x, dst) for x in leaves):
        return direct
    uses: dict[int, int] = {}
    for n in nodes(expr):
        uses[id(n)] = uses.get(id(n), 0) + 1
    e = expr
    while True:
        c = e[4][0] if e[4] else None
        if (c is None or c[0] != "ufunc" or uses[id(c)] != 1
                or not _loops_in(c, leaves, dst.dtype) or c[2] != dst.dtype):
            return direct
        direct.add(id(c))
        e = c


def _operand_rows(spec: Any, refs: Sequence[Any], r0: int, r1: int) -> Any:
    """Rows ``r0:r1`` (axis 0) of a product operand: a block, or an expression's pieces."""
    if spec is None:
        return refs[0][r0:r1]
    expr, shape = spec
    shape = tuple(shape)
    piece_shape = (r1 - r0,) + shape[1:]
    value = np.asarray(evaluate(expr, _rows_of(refs, len(shape), shape[0], r0, r1), {}))
    if value.shape != piece_shape:
        value = np.broadcast_to(value, piece_shape)
    return value


def _operand_shape(spec: Any, refs: Sequence[Any]) -> tuple[int, ...]:
    return tuple(refs[0].shape) if spec is None else tuple(spec[1])


def _can_split(spec: Any, refs: Sequence[Any]) -> bool:
    if spec is None:
        return np.ndim(refs[0]) >= 1
    return _splittable(spec[0], refs, tuple(spec[1]))


def _whole(spec: Any, refs: Sequence[Any]) -> Any:
    return refs[0] if spec is None else fused_eval(spec, *refs)


def _gram_weights(a_spec: Any, a_refs: Sequence[Any], b_spec: Any, b_refs: Sequence[Any]):
    """The expression ``w`` when ``A.T @ B`` is ``A.T @ (A * w)`` with real ``A`` and ``w`` a
    column (a weighted Gram matrix, as in a Newton step's Hessian), else None."""
    if a_spec is not None or b_spec is None:
        return None
    expr, shape = b_spec
    a = a_refs[0]
    if (expr[0] != "ufunc" or expr[1] is not np.multiply or expr[3] or len(expr[4]) != 2
            or a.dtype.kind != "f" or expr[2] != a.dtype or tuple(shape) != a.shape):
        return None
    for own, other in ((expr[4][0], expr[4][1]), (expr[4][1], expr[4][0])):
        if own[0] == "leaf":
            x = b_refs[own[1]]
            if (x.shape == a.shape and x.strides == a.strides and x.dtype == a.dtype
                    and x.ctypes.data == a.ctypes.data):
                return other
    return None


def _expr_shape(expr: tuple, leaves: Sequence[Any]) -> tuple[int, ...]:
    """The broadcast shape of an expression's operands (the shape of its value)."""
    return tuple(np.broadcast_shapes(*(
        np.shape(leaves[e[1]] if e[0] == "leaf" else e[1])
        for e in nodes(expr) if e[0] != "ufunc"
    )))


def _weight_rows(w_expr: tuple, refs: Sequence[Any], shape: tuple) -> Any:
    """``rows(r0, r1)`` giving those rows of the weights ``w_expr``: evaluated once when they
    are small (a column, as in a Newton step), else per chunk."""
    if (not has_row_product(w_expr)
            and int(np.prod(_expr_shape(w_expr, refs))) * 8 <= WHOLE_EXPR_BYTES):
        whole = np.asarray(evaluate(w_expr, refs, {}))
        if np.ndim(whole) == len(shape) and np.shape(whole)[0] == shape[0]:
            return lambda r0, r1: whole[r0:r1]
    return lambda r0, r1: np.asarray(
        evaluate(w_expr, _rows_of(refs, len(shape), shape[0], r0, r1), {}))


def _weighted_gram(a: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``a.T @ (a * w)``: as ``s.T @ s`` with ``s = a * sqrt(w)`` when the weights are a
    column and not negative, which BLAS computes as a symmetric rank-k update (half the work
    of a general product)."""
    if w.ndim == 2 and w.shape[1] == 1 and w.dtype.kind == "f" and not (w < 0).any():
        s = a * np.sqrt(w)
        return np.matmul(s.T, s)
    return np.matmul(a.T, a * w)


def widened(x: Any, dtype) -> Any:
    """A float16 operand of a product whose result is float32 as float32: a float16 product
    is computed in float32 and rounded once at the end (``nums.core.array.products``), as
    NumPy accumulates float16 products in float32."""
    if getattr(x, "dtype", None) == np.float16 and np.dtype(dtype) == np.float32:
        return np.asarray(x, dtype=np.float32)
    return x


def matmul_expr(
    ta: bool, tb: bool, dtype: Any, a_spec: Any, na: int, b_spec: Any, *refs: Any
) -> np.ndarray:
    """``op(A) @ op(B)`` where each operand is a block or a fused expression's pieces.

    ``op`` transposes a 2-d operand when its flag is set; 1-d operands are vectors as in
    ``numpy.matmul``. When an operand is an expression, the product is computed in chunks of
    rows: along the contracted axis (``A.T @ B``, summed) or along the result's rows
    (``A @ B``), so that the expression is never held whole; an expression of at most
    ``WHOLE_EXPR_BYTES`` (a vector) is evaluated whole and multiplied in one BLAS call.
    ``A.T @ (A * w)`` with a column ``w >= 0`` is computed as a symmetric product.
    """
    a_refs, b_refs = refs[:na], refs[na:]
    if a_spec is not None:
        expr, a_refs = _leaf_views(a_spec[0], a_refs)
        a_spec = (shared(expr), *a_spec[1:])
    if b_spec is not None:
        expr, b_refs = _leaf_views(b_spec[0], b_refs)
        b_spec = (shared(expr), *b_spec[1:])
    a_shape, b_shape = _operand_shape(a_spec, a_refs), _operand_shape(b_spec, b_refs)
    has_expr = a_spec is not None or b_spec is not None
    contract_rows = ta and not tb and len(a_shape) == 2 and a_shape[0] == b_shape[0]
    rows_out = not ta and len(a_shape) == 2
    # an expression holding a row product reads its matrix: chunked, that read hits the cache
    small = all(s is None or (np.prod(sh) * 8 <= WHOLE_EXPR_BYTES and not has_row_product(s[0]))
                for s, sh in ((a_spec, a_shape), (b_spec, b_shape)))
    if (has_expr and contract_rows and not small and _can_split(a_spec, a_refs)
            and _can_split(b_spec, b_refs)):
        width = max(int(np.prod(a_shape[1:])), int(np.prod(b_shape[1:])))
        step = _row_step((a_shape[0], width), 8, PRODUCT_CHUNK_BYTES)
        weights = _gram_weights(a_spec, a_refs, b_spec, b_refs)
        if weights is not None:
            weight_rows = _weight_rows(weights, b_refs, b_shape)
        out = None
        for r0 in range(0, a_shape[0], step):
            r1 = min(r0 + step, a_shape[0])
            if weights is not None:
                part = _weighted_gram(widened(a_refs[0][r0:r1], dtype),
                                      widened(weight_rows(r0, r1), dtype))
            else:
                part = np.matmul(
                    widened(_operand_rows(a_spec, a_refs, r0, r1), dtype).T,
                    widened(_operand_rows(b_spec, b_refs, r0, r1), dtype),
                )
            if out is None:
                out = np.array(part, dtype=dtype)
            else:
                np.add(out, part, out=out, casting="unsafe")
        return out
    if has_expr and rows_out and a_spec is not None and _can_split(a_spec, a_refs):
        b = widened(_whole(b_spec, b_refs), dtype)
        b = b.T if tb else b
        step = _row_step(a_shape, 8, PRODUCT_CHUNK_BYTES)
        pieces = [
            np.matmul(widened(_operand_rows(a_spec, a_refs, r0, min(r0 + step, a_shape[0])),
                              dtype), b)
            for r0 in range(0, a_shape[0], step)
        ]
        return np.concatenate(pieces, axis=0).astype(dtype, copy=False)
    a, b = widened(_whole(a_spec, a_refs), dtype), widened(_whole(b_spec, b_refs), dtype)
    a = a.T if ta else a
    b = b.T if tb else b
    return np.matmul(a, b).astype(dtype, copy=False)


def reduce_partial_expr(
    fn: Any, combine: Any, axes: tuple, kwargs: dict, spec: tuple, n_leaves: int, *args: Any
) -> Any:
    """One block's partial reduction ``fn(block, *extras, axis=axes, keepdims=True,
    **kwargs)`` of a fused expression.

    A large block is never whole in memory: the expression is evaluated a chunk of rows at a
    time into one cache-sized buffer, and each chunk reduced at once. The chunks' results
    are joined along axis 0 when it is not reduced, else combined with ``combine`` (which
    merges partial results, as the reduction's tree does across blocks; None: rows are not
    regrouped, as NumPy's left folds need). Pieces joined from several blocks are read in
    tiles (see :func:`_tiled_eval`) when every axis is reduced. A regrouped result with
    infinities or NaNs is computed again from the whole block (:func:`_regrouped_overflow`)."""
    leaves, extras = args[:n_leaves], args[n_leaves:]
    expr, shape = spec[0], tuple(spec[1])
    whole = set(axes) == set(range(len(shape)))
    if (expr[0] == "leaf" and _is_join(expr) and expr[2] is None and whole
            and combine is not None and not extras and tuple(expr[3][1]) == shape):
        acc = None  # a piece over several blocks (``roll(x, 1).sum()``): each part in place
        for _, src, k in expr[3][2]:
            part = fn(leaves[expr[1] if k is None else k][src], axis=axes, keepdims=True,
                      **kwargs)
            acc = part if acc is None else combine(acc, part)
        if _regrouped_overflow(acc):
            return fn(fused_eval(spec, *leaves), axis=axes, keepdims=True, **kwargs)
        return acc
    if (expr[0] == "ufunc" and not has_row_product(expr) and not kwargs.get("out_dtype")
            and math.prod(shape) * _widest(expr, 1) >= MIN_CHUNKED_BYTES):
        if any(e[0] == "leaf" and _is_join(e) for e in nodes(expr)):
            tiles = _tiles(spec, leaves) if whole and combine is not None and not extras \
                else None
        else:
            expr, views = _leaf_views(expr, leaves)
            tiles = [(tuple(slice(0, n) for n in shape), shared(expr), views)]
        if tiles is not None:
            result = _reduce_tiles(fn, combine, axes, kwargs, tiles, extras)
            if result is not None:
                return result
    # a bare leaf (``X[:, k].sum()``) is reduced where it lies: a copy of the strided view
    # into a new block first would triple the memory traffic
    block = operand_value(spec, leaves)
    return fn(block, *extras, axis=axes, keepdims=True, **kwargs)


def _reduce_tiles(fn: Any, combine: Any, axes: tuple, kwargs: dict,
                  tiles: Sequence[tuple[tuple, tuple, list]], extras: Sequence[Any]) -> Any:
    """:func:`reduce_partial_expr` of the block that ``tiles`` make up (one tile: the whole
    block); None when the rows cannot be taken apart (the caller evaluates the block)."""
    rows_reduced = 0 in axes
    if rows_reduced and combine is None:
        return None
    plans = []
    for tile, expr, views in tiles:
        shape = tuple(s.stop - s.start for s in tile)
        tile_extras = [_tile_of(e, tile, shape) for e in extras] if len(tiles) > 1 else extras
        split = _splittable(expr, list(views) + list(tile_extras), shape)
        if not split and math.prod(shape) * expr[2].itemsize > CHUNK_BYTES:
            return None
        plans.append((shape, expr, views, tile_extras, split))
    widest = max(_widest(p[1], p[1][2].itemsize) for p in plans)
    steps = [min(shape[0], _row_step(shape, widest, CHUNK_BYTES)) if split else shape[0]
             for shape, _, _, _, split in plans]
    buf = np.empty(max(k * math.prod(p[0][1:]) for k, p in zip(steps, plans)), plans[0][1][2])
    acc, parts = None, []
    for step, (shape, expr, views, tile_extras, _) in zip(steps, plans):
        nrows, ndim = shape[0], len(shape)
        dst_all = buf[:step * math.prod(shape[1:])].reshape((step, *shape[1:]))
        direct = _direct_nodes(dst_all, expr, views)
        for r0 in range(0, nrows, step):
            r1 = min(r0 + step, nrows)
            dst = dst_all[:r1 - r0]
            _assign(dst, expr, _rows_of(views, ndim, nrows, r0, r1), direct)
            part = fn(dst, *_rows_of(tile_extras, ndim, nrows, r0, r1), axis=axes,
                      keepdims=True, **kwargs)
            if not isinstance(part, np.ndarray):
                return None  # (partial results that are not arrays: the block at once)
            if np.may_share_memory(part, buf):
                part = part.copy()  # (the buffer holds the next chunk next)
            if rows_reduced:
                acc = part if acc is None else combine(acc, part)
            else:
                parts.append(part)
    if rows_reduced and _regrouped_overflow(acc):
        return None
    return acc if rows_reduced else np.concatenate(parts, axis=0)


def _regrouped_overflow(value: Any) -> bool:
    """Whether partial results regrouped in parts of a block (``value``, their combination)
    hold infinities or NaNs, which another grouping may not give (an intermediate product
    that overflows: ``1e200`` many times then ``1e-200`` as many, inf in NumPy's order, NaN
    in halves): the block is then reduced at once, in NumPy's order. So is one with NaNs in
    its data, which costs it a second pass."""
    return (isinstance(value, np.ndarray) and value.dtype.kind in "fc"
            and not np.isfinite(value).all())
