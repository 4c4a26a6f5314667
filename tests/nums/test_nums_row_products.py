"""``X @ w`` of a matrix in row blocks and a small driver-resident vector is a pending row
product (``nums.core.array.fusion.row_product``): every consumer gives NumPy's values, the
product is computed at most once for consumers that do not read ``X`` themselves, and
``X.T @ f(X @ w)`` evaluates it inside the product's kernel."""

from __future__ import annotations

import numpy as np
import pytest
from nums_helpers import assert_same

import nums.numpy as nps
from nums.core.array import fusion
from nums.core.array.blockarray import resident

R = np.random.default_rng(11)


def _matrix(a: np.ndarray, rows: int) -> nps.ndarray:
    """``a`` distributed in blocks of ``rows`` rows and every column."""
    return nps.array(a, block_shape=(rows, a.shape[1]))


def _vector(w: np.ndarray) -> nps.ndarray:
    """``w`` held in the driver, as a session's small vectors are."""
    return resident(np.array(w))


def _is_row_product(z) -> bool:
    p = z.pending("fused")
    return p is not None and fusion.has_row_product(p.expr)


def test_row_product_values_for_every_consumer():
    a, w0 = R.standard_normal((37, 5)), R.standard_normal(5)
    x, w = _matrix(a, 8), _vector(w0)
    z = x @ w
    assert _is_row_product(z)
    e = a @ w0
    assert_same(z, e, rtol=1e-12)
    z = x @ w
    assert_same(z.sum(), e.sum(), rtol=1e-12)
    z = x @ w
    assert_same((z * z).sum(), (e * e).sum(), rtol=1e-12)
    assert_same(nps.exp(-(x @ w)) + 1, np.exp(-e) + 1, rtol=1e-12)
    assert_same((x @ w)[3:30:4], e[3:30:4], rtol=1e-12)
    assert float((x @ w)[7]) == pytest.approx(e[7], rel=1e-12)
    assert_same((x @ w).max(), e.max(), rtol=1e-12)
    assert_same(nps.sort(x @ w), np.sort(e), rtol=1e-12)
    u = nps.zeros(40, block_shape=(9,))
    u[2:39] = x @ w + 1  # a region write of an expression holding the product
    expected = np.zeros(40)
    expected[2:39] = e + 1
    assert_same(u, expected, rtol=1e-12)


def test_row_product_inside_products_contracting_rows():
    """``X.T @ f(X @ w)`` and the Newton Hessian ``X.T @ (X * s[:, None])`` with ``s`` a
    function of ``X @ w``, in blocks big enough to be evaluated in several row chunks."""
    a = R.standard_normal((30000, 6))
    y0 = (R.random(30000) > 0.5) * 1.0
    w0 = R.standard_normal(6) * 0.3
    x, y, w = _matrix(a, 12000), nps.array(y0, block_shape=(12000,)), _vector(w0)
    mu = 1 / (1 + nps.exp(-(x @ w)))
    assert _is_row_product(mu)
    g = x.T @ (mu - y)
    h = x.T @ (x * (mu * (1 - mu))[:, None])
    mu0 = 1 / (1 + np.exp(-(a @ w0)))
    assert_same(g, a.T @ (mu0 - y0), rtol=1e-9)
    assert_same(h, a.T @ (a * (mu0 * (1 - mu0))[:, None]), rtol=1e-9)
    # the same with the vector in the product's other operand, and a 2-d right operand
    assert_same(x.T @ nps.stack([x @ w, y], axis=1),
                a.T @ np.stack([a @ w0, y0], axis=1), rtol=1e-9)


def test_row_product_is_computed_once_for_other_consumers(monkeypatch):
    a, w0 = R.standard_normal((50, 4)), R.standard_normal(4)
    x, w = _matrix(a, 10), _vector(w0)
    made = []
    real = fusion.RowProduct.array

    def counted(self):
        if self._array is None:
            made.append(1)
        return real(self)

    monkeypatch.setattr(fusion.RowProduct, "array", counted)
    z = x @ w
    s, m, q = z.sum(), z.max(), (z ** 2).mean()
    r = nps.exp(z) - z
    assert_same(r, np.exp(a @ w0) - a @ w0, rtol=1e-12)
    assert_same(s, (a @ w0).sum(), rtol=1e-12)
    assert_same(m, (a @ w0).max(), rtol=1e-12)
    assert_same(q, ((a @ w0) ** 2).mean(), rtol=1e-12)
    assert made == [1]


def test_row_product_broadcasts_as_numpy():
    a, w0 = R.standard_normal((6, 3)), R.standard_normal(3)
    x, w = _matrix(a, 4), _vector(w0)
    b = R.standard_normal((6, 6))
    e = a @ w0
    # a 1-d product broadcast onto a 2-d result lies along the last axis
    assert_same(nps.array(b, block_shape=(4, 4)) + x @ w, b + e, rtol=1e-12)
    assert_same((x @ w)[:, None] * x, e[:, None] * a, rtol=1e-12)
    assert_same((x @ w)[None, :] + nps.array(b, block_shape=(4, 4)), e[None, :] + b,
                rtol=1e-12)
    assert_same(nps.outer(x @ w, x @ w), np.outer(e, e), rtol=1e-12)
    # ... also inside a product that contracts X's rows (evaluated there in row chunks)
    a, b = R.standard_normal((500, 3)), R.standard_normal((500, 500))
    x = _matrix(a, 250)
    assert_same(x.T @ (nps.array(b, block_shape=(250, 500)) + x @ w), a.T @ (b + a @ w0),
                rtol=1e-9)
    assert_same(x.T @ ((x @ w)[None, :] + nps.array(b, block_shape=(250, 500))),
                a.T @ ((a @ w0)[None, :] + b), rtol=1e-9)
    assert_same(x.T @ ((x @ w)[:, None] * nps.array(b, block_shape=(250, 500))),
                a.T @ ((a @ w0)[:, None] * b), rtol=1e-9)
    one = R.standard_normal((1, 3))
    assert_same(_matrix(one, 1) @ w + nps.array(e, block_shape=(4,)), one @ w0 + e, rtol=1e-12)


@pytest.mark.parametrize("xdtype,wdtype", [(np.int64, np.float64), (np.int32, np.int64),
                                           (np.float32, np.float32), (np.float64, np.complex128),
                                           (bool, bool)])
def test_row_product_dtypes(xdtype, wdtype):
    a = (R.standard_normal((21, 4)) * 4).astype(xdtype)
    w0 = (R.standard_normal(4) * 3).astype(wdtype)
    x, w = _matrix(a, 5), _vector(w0)
    assert_same(x @ w, a @ w0, rtol=1e-5, atol=1e-4)  # float32: BLAS's rounding
    assert_same(x.T @ (x @ w), a.T @ (a @ w0), rtol=1e-5, atol=1e-3)


def test_row_product_snapshots_its_operands():
    a, w0 = R.standard_normal((20, 3)), R.standard_normal(3)
    x, w = _matrix(a, 6), _vector(w0)
    z = x @ w
    x[0, 0] = 100.0  # later writes to X do not reach the pending product
    x += 1
    assert_same(z, a @ w0, rtol=1e-12)
    z = x @ w
    z[1] = -5.0  # a write to the product itself
    z += 1
    e = (a + 1) @ w0
    e[0] = 101.0 * w0[0] + (a[0, 1:] + 1) @ w0[1:]
    e[1] = -5.0
    assert_same(z, e + 1, rtol=1e-12)
    # writes to the vector later, in place or through a view of it, do not reach the product
    # (whichever consumer computes it: settled, or inside a product over X's rows)
    x = _matrix(a, 6)
    w = _vector(w0)
    z, z2 = x @ w, x @ w
    w[0] = 100.0
    w += 1
    assert_same(z, a @ w0, rtol=1e-12)
    assert_same(x.T @ z2, a.T @ (a @ w0), rtol=1e-12)
    big = _vector(np.stack([w0, w0 * 2], axis=1))
    col = big[:, 0]
    z = x @ col
    big[0, 0] = -7.0
    assert_same(z, a @ w0, rtol=1e-12)
    zs = []
    w = _vector(np.zeros(3))
    for _ in range(3):  # a loop keeping its predictions while it updates the weights
        zs.append(x @ w)
        w += 0.5
    assert_same(nps.stack(zs), np.stack([a @ np.full(3, 0.5 * k) for k in range(3)]),
                rtol=1e-12)


def test_vectors_that_are_not_small_or_resident_take_the_block_product():
    a = R.standard_normal((20, 3))
    x = _matrix(a, 6)
    v = nps.array(R.standard_normal(3), block_shape=(2,))  # distributed on purpose
    assert not _is_row_product(x @ v)
    assert_same(x @ v, a @ v.get(), rtol=1e-12)
    cols = nps.array(R.standard_normal((20, 6)), block_shape=(6, 3))  # two column blocks
    assert not _is_row_product(cols @ _vector(np.ones(6)))
