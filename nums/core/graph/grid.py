"""ArrayGrid: how an array is split into blocks. The one place for block slicing logic.

An array of ``shape`` is cut into blocks of ``block_shape`` (the last block along an axis may
be smaller); ``grid_shape`` counts the blocks per axis. An axis of length 0 has one empty
block. Block ``(i, j, ...)`` lives on node ``cyclic_node((i, j, ...), cluster_shape)``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence

import numpy as np


def cyclic_node(index: Sequence[int], cluster_shape: Sequence[int]) -> int:
    """Block-cyclic node of grid entry ``index``: ``(i mod c0, j mod c1, ...)`` flattened.

    Axes of the cluster beyond the array's rank map to coordinate 0.
    """
    node = 0
    for axis, c in enumerate(cluster_shape):
        coord = index[axis] % c if axis < len(index) else 0
        node = node * c + coord
    return node


def broadcast_slices(
    shape: Sequence[int], out_slices: Sequence[slice], out_shape: Sequence[int],
    pattern: Sequence[int | None] | None = None,
) -> list[slice]:
    """The slices of an operand of ``shape`` that broadcast onto ``out_slices`` of an
    ``out_shape`` array (axes of length 1 against longer ones are taken whole).

    ``pattern``, when given, is how the operand enters the broadcast: axis ``p`` of its view is
    axis ``pattern[p]`` of the operand, or a new axis of length 1 where that is None (``x[:,
    None]`` has the pattern ``(0, None)``; see :func:`nums.core.array.expressions.view_shape`).
    """
    if pattern is None:
        pattern = range(len(shape))
    offset = len(out_shape) - len(pattern)
    slices = [slice(0, n) for n in shape]
    for p, axis in enumerate(pattern):
        if axis is None:
            continue
        s = out_slices[p + offset]
        if shape[axis] == 1 and out_shape[p + offset] != 1:
            slices[axis] = slice(0, 1)
        else:
            slices[axis] = slice(s.start, s.stop, s.step)
    return slices


def stride_overlap(start: int, step: int, n: int, lo: int, hi: int) -> tuple[int, int]:
    """``(k0, k1)``: the positions ``k`` in ``[0, n)`` of the strided selection
    ``start + k * step`` (``step`` may be negative) that fall in ``[lo, hi)``."""
    if step > 0:
        k0, k1 = -(-(lo - start) // step), -(-(hi - start) // step)
    else:
        k0, k1 = (start - hi) // -step + 1, (start - lo) // -step + 1
    return max(0, min(n, k0)), max(0, min(n, k1))


def _split_counts(shape: tuple[int, ...], nblocks: int) -> list[int]:
    """Blocks per axis: split the axis with the largest block extent until enough blocks."""
    counts = [1] * len(shape)
    if not shape or nblocks <= 1:
        return counts
    if len(shape) == 1:
        return [max(1, min(shape[0], nblocks))]
    while math.prod(counts) < nblocks:
        extents = [
            (math.ceil(n / k) if n > k else 0, -axis)
            for axis, (n, k) in enumerate(zip(shape, counts))
        ]
        extent, neg_axis = max(extents)
        if extent <= 1:
            break
        axis = -neg_axis
        # jump straight to the count that would satisfy nblocks on this axis alone
        others = math.prod(counts) // counts[axis]
        wanted = math.ceil(nblocks / others)
        # but never make this axis' blocks thinner than the next-largest extent
        second = max((e for e, a in extents if -a != axis), default=0)
        if second > 0:
            wanted = min(wanted, max(counts[axis] + 1, math.ceil(shape[axis] / second)))
        counts[axis] = min(shape[axis], max(counts[axis] + 1, wanted))
    return counts


def default_block_shape(
    shape: Sequence[int], dtype: np.dtype, block_bytes: int, num_workers: int = 1,
    split_bytes: int | None = None,
) -> tuple[int, ...]:
    """Block shape for an array created without an explicit one.

    Blocks hold about ``block_bytes`` each; an array larger than one block, or than
    ``split_bytes`` when given (the size up to which arrays are computed in the driver: a
    larger one is worth spreading over the workers), is split into at least ``num_workers``
    blocks so every worker gets some. Axes are split largest block extent first, so
    tall-skinny matrices are split by rows only; axes of equal length are split alike
    (square matrices get square blocks).
    """
    shape = tuple(int(n) for n in shape)
    itemsize = max(1, np.dtype(dtype).itemsize)
    nbytes = math.prod(shape) * itemsize
    nblocks = math.ceil(nbytes / block_bytes) if nbytes else 1
    if nblocks > 1 or (split_bytes is not None and nbytes > split_bytes):
        nblocks = max(nblocks, num_workers)
    counts = _split_counts(shape, nblocks)
    # axes of equal length get equal blocks, so that square operands of a product (A @ B,
    # A @ A.T) line up without rechunking
    for axis, n in enumerate(shape):
        counts[axis] = max(k for m, k in zip(shape, counts) if m == n)
    return tuple(_aligned(n, k) for n, k in zip(shape, counts))


# Block extents along a split axis are rounded up to a multiple of the largest of these that
# is at most a 1/ALIGN_SHARE of the block per block of the axis (so the last block keeps at
# least 7/8 of the others' length). ``x.reshape(-1, k)`` of a vector (and the row views of
# a matrix) then keeps each row inside one block for every k dividing it (2-10, 12, 16,
# 20, 100, 1000 and more for the largest), and works on the blocks in place; a row across
# two blocks makes every task of the view join its piece from both (measured at 1e8
# float64: ``x.reshape(-1, 4)[:, 1].sum()`` 52 ms split across blocks, 21 ms aligned). An
# axis split exactly into blocks of a multiple of 16 (2000 of 4000) keeps them.
ALIGNMENTS = (1008000, 504000, 126000, 50400, 25200, 5040, 2520, 720, 360, 120, 60, 24, 12,
              4, 2)
ALIGN_SHARE = 8


def _aligned(n: int, count: int) -> int:
    """The block extent of an axis of length ``n`` split into ``count`` blocks: ``n /
    count`` rounded up, then to a multiple of the largest of :data:`ALIGNMENTS` it allows."""
    block = max(1, -(-n // count))
    if count <= 1 or (block * count == n and block % 16 == 0):
        return block
    for m in ALIGNMENTS:
        if m * ALIGN_SHARE * count <= block:
            return -(-block // m) * m
    return block


class ArrayGrid:
    """Shape, block shape, grid shape and dtype of a blocked array."""

    __slots__ = ("shape", "block_shape", "grid_shape", "dtype")

    def __init__(self, shape: Sequence[int], block_shape: Sequence[int], dtype):
        shape = tuple([int(n) for n in shape])
        block_shape = tuple([int(b) for b in block_shape])
        if len(shape) != len(block_shape):
            raise ValueError(f"block_shape {block_shape} does not match the rank of shape {shape}")
        if any([n < 0 for n in shape]):
            raise ValueError(f"negative dimensions are not allowed: {shape}")
        # an axis's block is never longer than the axis (but at least 1)
        block_shape = tuple([
            max(1, min(b, n)) if b >= 1 or (b == 0 and n == 0) else -1
            for b, n in zip(block_shape, shape)
        ])
        if any([b < 1 for b in block_shape]):
            raise ValueError(f"block_shape entries must be positive, got {block_shape}")
        self.shape = shape
        self.block_shape = block_shape
        self.grid_shape = tuple([max(1, -(-n // b)) for n, b in zip(shape, block_shape)])
        self.dtype = dtype if isinstance(dtype, np.dtype) else np.dtype(dtype)

    @classmethod
    def one_block(cls, shape: tuple[int, ...], dtype: np.dtype) -> ArrayGrid:
        """The grid of one block of ``shape`` (a tuple of ints, as numpy gives it) and
        ``dtype`` (a numpy dtype): what ``ArrayGrid(shape, shape, dtype)`` makes, quickly
        (driver-resident arrays make one per operation)."""
        grid = _ONE_BLOCK.get((shape, id(dtype)))  # (the grid holds the dtype: ids stay)
        if grid is None:
            grid = cls.__new__(cls)
            grid.shape = shape
            grid.block_shape = tuple([n if n > 1 else 1 for n in shape])
            grid.grid_shape = (1,) * len(shape)
            grid.dtype = dtype
            if len(_ONE_BLOCK) >= 4096:
                _ONE_BLOCK.clear()
            _ONE_BLOCK[(shape, id(dtype))] = grid  # grids are never changed: shared
        return grid

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ArrayGrid)
            and self.shape == other.shape
            and self.block_shape == other.block_shape
            and self.dtype == other.dtype
        )

    def __hash__(self) -> int:
        return hash((self.shape, self.block_shape, self.dtype))

    def __repr__(self) -> str:
        return (
            f"ArrayGrid(shape={self.shape}, block_shape={self.block_shape}, "
            f"grid_shape={self.grid_shape}, dtype={self.dtype})"
        )

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    @property
    def num_blocks(self) -> int:
        return math.prod(self.grid_shape)

    def with_dtype(self, dtype) -> ArrayGrid:
        return ArrayGrid(self.shape, self.block_shape, dtype)

    def indices(self) -> Iterator[tuple[int, ...]]:
        """Every grid entry in row-major order."""
        return itertools.product(*(range(g) for g in self.grid_shape))

    def axis_start(self, axis: int, i: int) -> int:
        return min(i * self.block_shape[axis], self.shape[axis])

    def axis_stop(self, axis: int, i: int) -> int:
        return min((i + 1) * self.block_shape[axis], self.shape[axis])

    def boundaries(self, axis: int) -> list[int]:
        """Offsets where blocks start along ``axis``, plus the axis length at the end."""
        return [self.axis_start(axis, i) for i in range(self.grid_shape[axis])] + [self.shape[axis]]

    def block_slices(self, index: Sequence[int]) -> tuple[slice, ...]:
        """The slice of the array held by block ``index``."""
        return tuple(
            slice(self.axis_start(a, i), self.axis_stop(a, i)) for a, i in enumerate(index)
        )

    def block_starts(self, index: Sequence[int]) -> tuple[int, ...]:
        return tuple(self.axis_start(a, i) for a, i in enumerate(index))

    def block_shape_at(self, index: Sequence[int]) -> tuple[int, ...]:
        """The shape of block ``index`` (edge blocks may be smaller)."""
        return tuple(self.axis_stop(a, i) - self.axis_start(a, i) for a, i in enumerate(index))

    def blocks_overlapping(self, axis: int, start: int, stop: int) -> range:
        """Grid indices along ``axis`` whose blocks intersect ``[start, stop)``."""
        b = self.block_shape[axis]
        if stop <= start:
            i = min(start // b, self.grid_shape[axis] - 1)
            return range(i, i + 1)
        return range(start // b, min(self.grid_shape[axis], (stop - 1) // b + 1))

    def overlaps(self, slices: Sequence[slice]) -> list[tuple[tuple[int, ...], tuple, tuple]]:
        """The blocks the region ``slices`` (explicit bounds; a positive step selects every
        step-th element) reads: per block its grid index, the part of the block it reads and
        where that part lands in the region. Blocks a stepped slice skips are not listed."""
        if any(s.step not in (None, 1) for s in slices):
            return self._stepped_overlaps(slices)
        whole = self._whole_block(slices)
        if whole is not None:  # the common read: exactly one block (planners ask per block)
            return [whole]
        ranges = [self.blocks_overlapping(axis, s.start, s.stop) for axis, s in enumerate(slices)]
        out = []
        for idx in itertools.product(*ranges):
            bslices = self.block_slices(idx)
            lo = [max(s.start, b.start) for s, b in zip(slices, bslices)]
            hi = [min(s.stop, b.stop) for s, b in zip(slices, bslices)]
            if any(h < l for l, h in zip(lo, hi)):
                continue
            src = tuple(slice(l - b.start, h - b.start) for l, h, b in zip(lo, hi, bslices))
            dst = tuple(slice(l - s.start, h - s.start) for l, h, s in zip(lo, hi, slices))
            out.append((idx, src, dst))
        return out

    def _whole_block(self, slices: Sequence[slice]) -> tuple[tuple[int, ...], tuple,
                                                              tuple] | None:
        """``overlaps``' one entry when ``slices`` (step 1) are exactly one non-empty block."""
        idx = []
        for s, b, n in zip(slices, self.block_shape, self.shape):
            i, r = divmod(s.start, b)
            if r or s.stop != min(s.start + b, n) or s.stop <= s.start:
                return None
            idx.append(i)
        whole = tuple([slice(0, s.stop - s.start) for s in slices])
        return tuple(idx), whole, whole

    def _stepped_overlaps(self, slices: Sequence[slice]) -> list[tuple[tuple[int, ...], tuple,
                                                                       tuple]]:
        per_axis = []
        for axis, s in enumerate(slices):
            step = s.step or 1
            n = len(range(s.start, s.stop, step))
            hits = []
            for i in self.blocks_overlapping(axis, s.start, s.stop):
                b0, b1 = self.axis_start(axis, i), self.axis_stop(axis, i)
                k0, k1 = stride_overlap(s.start, step, n, b0, b1)
                if k1 > k0:
                    first = s.start + k0 * step - b0
                    hits.append((i, slice(first, first + (k1 - k0 - 1) * step + 1, step),
                                 slice(k0, k1)))
            if not hits:  # an empty selection: one empty part, as for step-1 slices
                i = self.blocks_overlapping(axis, s.start, s.start)[0]
                hits.append((i, slice(0, 0), slice(0, 0)))
            per_axis.append(hits)
        return [(tuple(h[0] for h in combo), tuple(h[1] for h in combo),
                 tuple(h[2] for h in combo)) for combo in itertools.product(*per_axis)]

    def node_of(self, index: Sequence[int], cluster_shape: Sequence[int]) -> int:
        return cyclic_node(index, cluster_shape)


_ONE_BLOCK: dict = {}  # (shape, id(dtype)) -> ArrayGrid.one_block's grid
