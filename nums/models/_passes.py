"""The distributed passes of a fit: data laid out in row blocks, and one pass over them that
returns the sums (loss, gradient, Hessian) the solvers need.

Each row block's sums are a task that reads that block's rows of ``X``, ``y`` and the sample
weights; the tasks go through the one placement path (``BlockArray.build`` with their reads,
so the planner puts each where its rows are), and their ``(1, P)`` rows are summed by the
reduction tree. Only the ``P``-vector (``P = 1 + p + p^2`` for ``p`` parameters) reaches the
driver.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray, backend, submit
from nums.core.array.regions import region
from nums.core.array.relayout import rechunk
from nums.core.graph.grid import ArrayGrid
from nums.models import _families as fam
from nums.numpy import _reductions as red
from nums.numpy._convert import asarray


class Data:
    """``X`` (rows, d) in row blocks, ``y`` and the sample weights (or None) in the same row
    blocks, as float64 BlockArrays."""

    def __init__(self, X: Any, y: Any, sample_weight: Any = None, *, y_dtype: Any = None):
        x = asarray(X)
        if x.ndim != 2:
            raise ValueError(f"Expected 2D array, got {x.ndim}D array instead")
        yy = asarray(y)
        if yy.ndim == 2 and yy.shape[1] == 1:
            yy = yy.reshape(-1)
        if yy.ndim != 1:
            raise ValueError(f"y should be a 1d array, got an array of shape {yy.shape}")
        if yy.shape[0] != x.shape[0]:
            raise ValueError("Found input variables with inconsistent numbers of samples: "
                             f"[{x.shape[0]}, {yy.shape[0]}]")
        if x.shape[0] == 0:
            raise ValueError("Found array with 0 sample(s) while a minimum of 1 is required.")
        if x.dtype.kind not in "biuf":
            raise ValueError(f"X must hold numbers, not {x.dtype}")
        rows = x.block_shape[0] if x.grid_shape[1] == 1 else _rows_per_block(x)
        self.x = rechunk(x, (rows, x.shape[1]))
        self.y_raw = rechunk(yy, (rows,))
        self.y = self.y_raw
        if y_dtype is not None and self.y.dtype != y_dtype:
            self.y = self.y.astype(y_dtype)
        self.sw = None
        if sample_weight is not None:
            sw = asarray(sample_weight)
            if sw.ndim == 0:
                sw = asarray(np.full(x.shape[0], float(sw.get())))
            if sw.shape != (x.shape[0],):
                raise ValueError(f"sample_weight.shape == {sw.shape}, expected "
                                 f"{(x.shape[0],)}!")
            self.sw = rechunk(sw.astype(np.float64), (rows,))
        self.n, self.d = self.x.shape

    def weight_sum(self) -> float:
        return float(self.n if self.sw is None else red.sum(self.sw).get())

    def classes(self) -> np.ndarray:
        """The distinct labels of ``y`` (per block, then merged)."""
        refs = [submit(fam.block_unique, self.y_raw.blocks[i], node=int(self.y_raw.nodes[i]))
                for i in range(self.y_raw.grid_shape[0])]
        return np.unique(np.concatenate(backend().get(refs)))

    def encode(self, classes: np.ndarray) -> None:
        """Replace ``y`` by the class index of each label (float64)."""
        y = self.y_raw
        blocks = np.empty(y.grid_shape, dtype=object)
        for i in range(y.grid_shape[0]):
            blocks[i] = submit(fam.block_encode, y.blocks[i], classes, node=int(y.nodes[i]))
        self.y = BlockArray(y.grid.with_dtype(np.float64), blocks, y.nodes.copy())


def _rows_per_block(x: BlockArray) -> int:
    """Row blocks of about the array's block size, all columns in each."""
    per_block = max(1, x.nbytes // max(1, x.grid.num_blocks))
    return int(max(1, min(x.shape[0], per_block // max(1, x.shape[1] * x.dtype.itemsize))))


def stats(data: Data, family: fam.Family, theta: np.ndarray, hessian: bool
          ) -> tuple[float, np.ndarray, np.ndarray | None]:
    """``(loss, gradient, Hessian or None)``: sums over every row, with respect to ``theta``
    (``(K, d + 1)``, the intercepts last) flattened."""
    k, d1 = theta.shape
    p = k * d1
    width = 1 + p + (p * p if hessian else 0)
    x, y, sw = data.x, data.y, data.sw
    grid = ArrayGrid((x.grid_shape[0], width), (1, width), np.float64)

    def rows(idx):
        return x.grid.block_slices((idx[0], 0))[0]

    def reads(idx):
        r = rows(idx)
        out = [(x, [r, slice(0, x.shape[1])]), (y, [r])]
        return out + ([(sw, [r])] if sw is not None else [])

    def task(idx, node):
        r = rows(idx)
        xr = region(x, [r, slice(0, x.shape[1])], node)[0]
        yr = region(y, [r], node)[0]
        sr = region(sw, [r], node)[0] if sw is not None else None
        return submit(fam.block_stats, family, hessian, theta, xr, yr, sr, node=node)

    per_block = BlockArray.build(grid, task, reads=reads, name="glm_stats")
    total = red.sum(per_block, axis=0).get()
    grad = total[1:1 + p]
    hess = total[1 + p:].reshape(p, p) if hessian else None
    return float(total[0]), grad, hess


def predict_blocks(x: BlockArray, family: fam.Family, theta: np.ndarray, what: str,
                   classes: np.ndarray | None = None) -> BlockArray:
    """The decision function (``what="eta"``) or the mean of every row of ``x``, ``(n, K)``,
    or (``what="label"``) the most probable of ``classes``, ``(n,)``; each block where
    ``x``'s rows are."""
    x = asarray(x)
    if x.ndim != 2:
        raise ValueError(f"Expected 2D array, got {x.ndim}D array instead")
    if x.shape[1] != theta.shape[1] - 1:
        raise ValueError(f"X has {x.shape[1]} features, but this model is expecting "
                         f"{theta.shape[1] - 1} features as input")
    if x.grid_shape[1] != 1:
        x = rechunk(x, (_rows_per_block(x), x.shape[1]))
    k = theta.shape[0]
    rows = x.block_shape[0]
    if what == "label":
        grid = ArrayGrid((x.shape[0],), (rows,), classes.dtype)
    else:
        grid = ArrayGrid((x.shape[0], k), (rows, k), np.float64)

    def reads(idx):
        return [(x, [x.grid.block_slices((idx[0], 0))[0], slice(0, x.shape[1])])]

    def task(idx, node):
        xr = region(x, reads(idx)[0][1], node)[0]
        return submit(fam.block_predict, family, theta, xr, what, classes, node=node)

    return BlockArray.build(grid, task, reads=reads, name="glm_predict")
