"""Products and shape manipulation against numpy."""

from __future__ import annotations

import numpy as np
import pytest
from nums_helpers import assert_same

import nums.numpy as nps

R = np.random.default_rng(3)


def _x(a, bs=None):
    return nps.array(a, block_shape=bs)


@pytest.mark.parametrize(
    "s1,s2,bs1,bs2",
    [
        ((5, 7), (7, 4), (2, 3), (3, 2)),
        ((5, 7), (7, 4), (2, 3), (4, 4)),
        ((9, 3), (3, 9), (4, 3), (3, 2)),
        ((7,), (7, 3), (3,), (2, 2)),
        ((4, 7), (7,), (3, 3), (5,)),
        ((7,), (7,), (3,), (4,)),
        ((2, 3, 4, 5), (5, 3), (1, 2, 3, 2), (2, 2)),
        ((3, 1, 4, 5), (2, 5, 6), (2, 1, 3, 2), (1, 3, 4)),
        ((0, 3), (3, 4), (1, 2), (2, 2)),
        ((3, 0), (0, 4), (2, 1), (1, 3)),
    ],
)
def test_matmul(s1, s2, bs1, bs2):
    a, b = R.standard_normal(s1), R.standard_normal(s2)
    got = nps.matmul(_x(a, bs1), _x(b, bs2))
    assert_same(got, np.matmul(a, b), rtol=1e-10, atol=1e-12)
    assert_same(_x(a, bs1) @ _x(b, bs2), a @ b, rtol=1e-10, atol=1e-12)


def test_matmul_dtypes_and_errors():
    i = np.arange(12).reshape(3, 4)
    assert_same(nps.matmul(_x(i, (2, 2)), _x(i.T, (3, 1))), i @ i.T)
    f32 = np.ones((3, 4), np.float32)
    assert_same(_x(f32) @ _x(np.ones((4, 2), np.float32)), f32 @ np.ones((4, 2), np.float32))
    assert_same(_x(i > 2) @ _x((i > 5).T), (i > 2) @ (i > 5).T)
    with pytest.raises(ValueError, match="mismatch"):
        _x(np.ones((3, 4))) @ _x(np.ones((3, 4)))
    with pytest.raises(ValueError):
        nps.matmul(nps.array(1.0), _x(np.ones(3)))


def test_xtx_tall_skinny():
    a = R.standard_normal((200, 6))
    x = nps.array(a)  # default blocks with tiny block_bytes: many row blocks
    assert x.grid_shape[1] >= 1
    assert_same(x.T @ x, a.T @ a, rtol=1e-10)


def test_dot_inner_outer_vdot():
    a, b = R.standard_normal((5, 6)), R.standard_normal((6, 3))
    v, w = R.standard_normal(6), R.standard_normal(6)
    assert_same(nps.dot(_x(a, (2, 4)), _x(b, (3, 2))), np.dot(a, b), rtol=1e-10)
    assert_same(nps.dot(_x(v, (4,)), _x(w, (3,))), np.dot(v, w), rtol=1e-10)
    assert_same(nps.dot(_x(a, (2, 4)), _x(v, (5,))), np.dot(a, v), rtol=1e-10)
    assert_same(nps.dot(_x(a), 2.0), np.dot(a, 2.0))
    t = R.standard_normal((2, 3, 6))
    t2 = R.standard_normal((4, 6, 2))
    assert_same(nps.dot(_x(t, (1, 2, 4)), _x(t2, (3, 4, 1))), np.dot(t, t2), rtol=1e-10)
    assert_same(_x(a).dot(_x(b)), a.dot(b), rtol=1e-10)
    assert_same(nps.inner(_x(a, (2, 4)), _x(a[:2], (1, 3))), np.inner(a, a[:2]), rtol=1e-10)
    assert_same(nps.inner(_x(v), _x(w)), np.inner(v, w), rtol=1e-10)
    assert_same(nps.outer(_x(v, (4,)), _x(w[:4], (3,))), np.outer(v, w[:4]))
    c = v + 1j * w
    assert_same(nps.vdot(_x(c, (4,)), _x(c[::-1], (5,))), np.vdot(c, c[::-1]), rtol=1e-10)
    assert_same(nps.vdot(_x(a), _x(a)), np.vdot(a, a), rtol=1e-10)
    with pytest.raises(ValueError, match="not aligned"):
        nps.dot(_x(a), _x(a))


@pytest.mark.parametrize(
    "s1,s2,axes",
    [
        ((3, 4, 5), (4, 5, 2), 2),
        ((3, 4, 5), (5, 2), 1),
        ((3, 4), (5, 6), 0),
        ((3, 4, 5), (5, 3, 2), ([0, 2], [1, 0])),
        ((4, 3), (4, 3), ([0, 1], [0, 1])),
    ],
)
def test_tensordot(s1, s2, axes):
    a, b = R.standard_normal(s1), R.standard_normal(s2)
    bs1 = tuple(max(1, n // 2) for n in s1)
    bs2 = tuple(max(1, (n + 2) // 3) for n in s2)
    assert_same(nps.tensordot(_x(a, bs1), _x(b, bs2), axes), np.tensordot(a, b, axes), rtol=1e-10)


def test_tensordot_error():
    with pytest.raises(ValueError, match="shape-mismatch"):
        nps.tensordot(nps.ones((3, 4)), nps.ones((5, 6)), 1)


@pytest.mark.parametrize("offset", [-2, 0, 1, 3])
def test_trace(offset):
    a = R.standard_normal((6, 7))
    assert_same(nps.trace(_x(a, (4, 3)), offset), np.trace(a, offset), rtol=1e-10)
    i = np.arange(60).reshape(3, 4, 5)
    assert_same(nps.trace(_x(i, (2, 3, 2)), offset, 1, 2), np.trace(i, offset, 1, 2))
    assert_same(
        _x(i).trace(axis1=0, axis2=2, dtype=np.float32), i.trace(axis1=0, axis2=2, dtype=np.float32)
    )


def test_transpose_swap_move():
    a = np.arange(120).reshape(2, 3, 4, 5)
    x = _x(a, (1, 2, 3, 2))
    assert_same(nps.transpose(x), np.transpose(a))
    assert_same(nps.transpose(x, (2, 0, 3, 1)), np.transpose(a, (2, 0, 3, 1)))
    assert_same(nps.transpose(x, (-1, 0, 1, 2)), np.transpose(a, (-1, 0, 1, 2)))
    assert_same(x.T, a.T)
    assert_same(x.mT, a.mT)
    assert_same(nps.swapaxes(x, 0, -1), np.swapaxes(a, 0, -1))
    assert_same(x.swapaxes(1, 2), a.swapaxes(1, 2))
    assert_same(nps.moveaxis(x, 0, -1), np.moveaxis(a, 0, -1))
    assert_same(nps.moveaxis(x, [0, 1], [-1, -2]), np.moveaxis(a, [0, 1], [-1, -2]))
    with pytest.raises(np.exceptions.AxisError):
        nps.swapaxes(x, 0, 4)
    with pytest.raises(ValueError):
        nps.transpose(x, (0, 1))
    with pytest.raises(np.exceptions.AxisError):
        nps.moveaxis(x, 5, 0)


@pytest.mark.parametrize(
    "shape,new",
    [
        ((4, 6), (24,)),
        ((4, 6), (6, 4)),
        ((4, 6), (2, -1, 3)),
        ((2, 3, 4), (4, 3, 2)),
        ((24,), (2, 3, 4)),
        ((4, 6), (4, 1, 6)),
        ((4, 1, 6), (4, 6)),
        ((1,), ()),
        ((), (1, 1)),
        ((0, 3), (3, 0)),
        ((5, 7), (-1,)),
        ((6, 5), (3, 10)),
    ],
)
def test_reshape(shape, new):
    a = np.arange(int(np.prod(shape))).reshape(shape)
    bs = tuple(max(1, n // 2) for n in shape)
    assert_same(nps.reshape(_x(a, bs), new), np.reshape(a, new))
    assert_same(_x(a, bs).reshape(new), a.reshape(new))


def test_reshape_errors_and_block_shape():
    x = nps.arange(12)
    with pytest.raises(ValueError, match="cannot reshape"):
        nps.reshape(x, (5, -1))
    with pytest.raises(ValueError):
        nps.reshape(x, (-1, -1))
    y = nps.reshape(x, (3, 4), block_shape=(2, 2))
    assert y.block_shape == (2, 2)
    assert_same(y, np.arange(12).reshape(3, 4))


def test_reshapes_of_distributed_arrays_are_read_where_used(monkeypatch):
    """A reshape of a distributed array moves no values of its own: the consumers' kernels
    (reductions, expressions, ``get()``) take the rows of the source that hold their part and
    reshape them, whether the blocks line up with the new rows or not; writes through the
    view and snapshots keep NumPy's meaning."""
    from nums.core.array import kernels, relayout

    moved: list = []
    real = relayout.submit
    monkeypatch.setattr(relayout, "submit",
                        lambda fn, *a, **k: moved.append(fn) or real(fn, *a, **k))
    a = np.arange(240.0) * 1.5
    for bs in ((24,), (40,), (7,)):  # blocks of whole new rows, of 2.5 rows, unaligned
        x = _x(a, bs)
        r, e = x.reshape(-1, 16), a.reshape(-1, 16)
        assert_same(r, e)
        assert_same(r.mean(axis=1), e.mean(axis=1))
        assert_same(r.sum(axis=0), e.sum(axis=0))
        assert_same(r * 2 - r[:, :1], e * 2 - e[:, :1])
        assert_same(r[3:11:2, 5:], e[3:11:2, 5:])
        assert_same(nps.reshape(x * 2, (4, 6, 10)).max(axis=1),
                    np.reshape(a * 2, (4, 6, 10)).max(axis=1))
        assert_same(r.reshape(240)[::7], e.reshape(240)[::7])
        assert_same(r[1:12:3, 2::5], e[1:12:3, 2::5])  # windows of reshapes
        assert_same((r[::2][1:, ::3] * 2).sum(axis=0), (e[::2][1:, ::3] * 2).sum(axis=0))
        assert_same(x.reshape(4, 60).reshape(12, 20)[1:, ::3], e.reshape(12, 20)[1:, ::3])
        if x._local is None:  # (distributed: a fresh reshape's window reads its source)
            fused = x.reshape(-1, 16)[1:12:3, 2::5].pending("fused")
            assert fused.windows[0][0] == "reshape"
        m = _x(e, (5, 16))
        assert_same(m.ravel() + x, e.ravel() + a)
        assert_same(m.reshape(8, 30).sum(axis=1), e.reshape(8, 30).sum(axis=1))
    assert kernels.flat_gather not in moved and kernels.reshape not in moved
    for bs in ((24,), (7,)):
        b = a.copy()
        y = _x(b, bs)
        v, w = y.reshape(-1, 16), b.reshape(-1, 16)
        kept = v + 0  # the values of now
        v[2:4] = -1.0
        w[2:4] = -1.0
        assert_same(y, b)
        assert_same(kept, a.reshape(-1, 16))
        y[:5] = 7.0
        b[:5] = 7.0
        assert_same(v, w)


def test_integer_indices_with_slices_are_read_where_used(monkeypatch):
    """``X[:, 3]``, ``pts.reshape(-1, 3)[:, 0]``, ``T[2, 1:9:2, 5]``: a window of the
    source's blocks whose use drops the integers' axes, read by the consumers' kernels (no
    task cuts the selection out first); writes through such a view and later writes of the
    source keep NumPy's meaning."""
    from nums.core.array import indexing, kernels

    cuts: list = []
    real = indexing.submit
    monkeypatch.setattr(indexing, "submit",
                        lambda fn, *a, **k: cuts.append(fn) or real(fn, *a, **k))
    a = np.arange(360.0).reshape(40, 9) * 0.5 - 30
    t = np.arange(2 * 11 * 7, dtype=np.int64).reshape(2, 11, 7)
    for bs in ((7, 4), (40, 9), (3, 2)):
        x, tt = _x(a, bs), _x(t, (1, 4, 3))
        assert_same(x[:, 3], a[:, 3])
        assert_same(x[:, 0] + x[:, 8] * 2, a[:, 0] + a[:, 8] * 2)
        assert_same(x[5, 1::3], a[5, 1::3])
        assert_same(x[2:30:4, 7], a[2:30:4, 7])
        assert_same(x[:, 4].mean(), a[:, 4].mean())
        assert_same((x[:, 1] ** 2).sum(), (a[:, 1] ** 2).sum())
        assert_same(x[:, 2][::3], a[:, 2][::3])
        assert_same(x.reshape(-1, 3)[:, 1], a.reshape(-1, 3)[:, 1])
        assert_same(tt[1, 2:9:2, 5], t[1, 2:9:2, 5])
        assert_same(tt[:, 3, :].sum(axis=0), t[:, 3, :].sum(axis=0))
        assert_same(x[:, 3:4] * x[:, 5], a[:, 3:4] * a[:, 5])
        if x._local is None:
            assert x[:, 3].pending("fused").expr == ("leaf", 0, (0,))
    assert kernels.take_slices not in cuts
    b = a.copy()
    y = _x(b, (7, 4))
    col = y[:, 2]
    y[4, 2] = 100.0
    b[4, 2] = 100.0
    assert_same(col, b[:, 2])  # the view sees the write
    col[0] = -5.0
    b[0, 2] = -5.0
    assert_same(y, b)  # and writes through


def test_expand_squeeze():
    a = np.arange(12.0).reshape(3, 1, 4)
    x = _x(a, (2, 1, 3))
    assert_same(nps.expand_dims(x, 0), np.expand_dims(a, 0))
    assert_same(nps.expand_dims(x, -1), np.expand_dims(a, -1))
    assert_same(nps.expand_dims(x, (0, 2)), np.expand_dims(a, (0, 2)))
    assert_same(nps.squeeze(x), np.squeeze(a))
    assert_same(nps.squeeze(x, axis=1), np.squeeze(a, axis=1))
    assert_same(x.squeeze(), a.squeeze())
    with pytest.raises(ValueError):
        nps.squeeze(x, axis=0)
    with pytest.raises(np.exceptions.AxisError):
        nps.expand_dims(x, 5)


def test_broadcast_to_concatenate_stack():
    a = np.arange(6.0).reshape(2, 3)
    x = _x(a, (1, 2))
    assert_same(nps.broadcast_to(x, (4, 2, 3)), np.broadcast_to(a, (4, 2, 3)))
    with pytest.raises(ValueError):
        nps.broadcast_to(x, (3, 3))
    b = np.arange(9.0).reshape(3, 3)
    assert_same(nps.concatenate([x, _x(b, (2, 2))]), np.concatenate([a, b]))
    assert_same(nps.concatenate([x, x], axis=1), np.concatenate([a, a], axis=1))
    assert_same(nps.concatenate([x, b], axis=None), np.concatenate([a, b], axis=None))
    assert_same(nps.stack([x, x, x], axis=1), np.stack([a, a, a], axis=1))
    assert_same(nps.vstack([x, _x(np.ones(3))]), np.vstack([a, np.ones(3)]))
    assert_same(nps.hstack([x, x]), np.hstack([a, a]))
    with pytest.raises(ValueError):
        nps.concatenate([x, b], axis=1)
    assert_same(
        nps.concatenate([_x(np.arange(3)), _x(np.ones(2, np.int8))]),
        np.concatenate([np.arange(3), np.ones(2, np.int8)]),
    )


def test_diagonal():
    a = np.arange(42).reshape(6, 7)
    for k in (-3, 0, 2, 7):
        assert_same(nps.diagonal(_x(a, (4, 3)), k), np.diagonal(a, k))
    assert_same(nps.diagonal(_x(a, (4, 3)), 1, 1, 0), np.diagonal(a, 1, 1, 0))


def test_transpose_is_lazy_in_products():
    a = R.standard_normal((40, 3))
    x = nps.array(a, block_shape=(7, 3))
    xt = x.T
    assert xt.pending_transpose is not None
    assert_same(xt @ x, a.T @ a, rtol=1e-10)
    y = nps.array(R.standard_normal((40, 2)), block_shape=(5, 2))
    assert_same(xt @ y, a.T @ y.get(), rtol=1e-10)  # realigned contracted blocks
    assert_same(y.T @ x, y.get().T @ a, rtol=1e-10)
    assert xt.pending_transpose is not None  # never materialised by matmul
    assert_same(x @ xt[:, :5], a @ a.T[:, :5], rtol=1e-10)
    assert_same(xt.T, a)  # transposing twice is the source again
    assert_same(xt + 1, a.T + 1)


def test_take():
    a = np.arange(42).reshape(6, 7)
    x = _x(a, (4, 3))
    assert_same(nps.take(x, [5, 0, 2]), np.take(a, [5, 0, 2]))
    assert_same(nps.take(x, [6, 1], axis=1), np.take(a, [6, 1], axis=1))
    assert_same(nps.take(x, 3, axis=0), np.take(a, 3, axis=0))
    assert_same(x.take([[1, 2], [3, 4]], axis=0), a.take([[1, 2], [3, 4]], axis=0))


def test_fused_operand_evaluated_inside_matmul():
    import nums

    a = R.standard_normal((40, 3))
    w = R.random(40)
    x = nps.array(a, block_shape=(7, 3)).persist()
    wb = nps.array(w, block_shape=(7,)).persist()
    col = (wb * (1 - wb))[:, None].persist()
    xw = x * col
    before = sum(m["tasks_run"] for m in nums.metrics())
    h = (x.T @ xw).persist()
    tasks = sum(m["tasks_run"] for m in nums.metrics()) - before
    assert xw._blocks is None  # the product never stored x * w
    assert_same(h, a.T @ (a * (w * (1 - w))[:, None]), rtol=1e-10)
    assert tasks < 2 * x.grid.num_blocks + 4
    assert_same(xw, a * (w * (1 - w))[:, None], rtol=1e-12)


def _tasks_run() -> int:
    import nums

    return sum(m["tasks_run"] for m in nums.metrics())


def test_newton_terms_run_only_product_tasks():
    # mu[:, None] stays an expression, and a leaf whose one block holds more than the rows
    # a product's block needs (y) is sliced inside the product's kernel: no task of its own
    from nums.core.array.fusion import fused_expression

    a = R.standard_normal((40, 3))
    v = R.standard_normal(40)
    t = R.random(40)
    x = nps.array(a, block_shape=(7, 3)).persist()
    xb = nps.array(v, block_shape=(7,)).persist()
    y = nps.array(t, block_shape=(40,)).persist()
    before = _tasks_run()
    mu = 1 / (1 + nps.exp(-xb))
    col = (mu * (1 - mu))[:, None]
    assert fused_expression(col) is not None
    g = (x.T @ (mu - y)).persist()
    h = (x.T @ (x * col)).persist()
    tasks = _tasks_run() - before
    m = 1 / (1 + np.exp(-v))
    assert_same(g, a.T @ (m - t), rtol=1e-12)
    assert_same(h, a.T @ (a * (m * (1 - m))[:, None]), rtol=1e-10)
    n = x.grid.num_blocks
    assert tasks <= 2 * (n + n - 1)  # partial products and their sums only
    assert_same(col, (m * (1 - m))[:, None], rtol=1e-12)


def test_new_axes_of_an_expression():
    v = R.standard_normal(12)
    xb = nps.array(v, block_shape=(5,)).persist()
    e = nps.exp(xb) + 1
    assert_same(e[None, :, None], (np.exp(v) + 1)[None, :, None], rtol=1e-12)
    assert_same(nps.expand_dims(e, 0) * xb[:, None], (np.exp(v) + 1)[None, :] * v[:, None],
                rtol=1e-12)
    s = nps.array(3.0) * 2
    assert_same(s[None, None], np.array(6.0)[None, None])
    m = nps.array(R.random((4, 6)), block_shape=(3, 4)).persist()
    r = (m * 2)[:, None, :]
    assert_same((r + m[None]).sum(axis=0), (m.get()[:, None, :] * 2 + m.get()[None]).sum(0),
                rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.int64, np.bool_, np.float32])
def test_output_block_sums_its_products_in_one_task(dtype):
    # on one node, with an output block per worker, each output block of ``a @ b`` is one
    # task that adds its block products (no combining tasks): NumPy's values, dtypes, and
    # transposed operands read as they are
    import nums

    a = (R.standard_normal((12, 12)) * 4).astype(dtype)
    v = (R.standard_normal(12) * 4).astype(dtype)
    b = (R.standard_normal((12, 6)) * 4).astype(dtype)
    x = nps.array(a, block_shape=(3, 3)).persist()
    before = _tasks_run()
    got = (x @ nps.array(v, block_shape=(3,))).persist()
    if nums.settings().num_nodes == 1:  # (several nodes: products where their blocks are)
        assert _tasks_run() - before <= 4 + 4  # four output blocks, and v's four blocks put
    tol = 1e-5 if dtype == np.float32 else 1e-12
    assert_same(got, a @ v, rtol=tol, atol=tol)
    assert_same(x.T @ nps.array(b, block_shape=(3, 2)), a.T @ b, rtol=tol, atol=tol)
    assert_same(nps.array(b, block_shape=(3, 2)).T @ x, b.T @ a, rtol=tol, atol=tol)


def test_trace_of_stacks_ignores_what_is_off_the_diagonal():
    # an infinity or NaN off the diagonal is not part of the trace (a product with an eye mask
    # made NaN of it)
    t = np.array([[[1.0], [2.0]], [[3.0], [4.0]], [[-np.inf], [5.0]]])
    assert_same(nps.trace(nps.asarray(t, block_shape=(2, 1, 1))), np.trace(t))
    assert_same(nps.linalg.trace(nps.moveaxis(nps.asarray(t), 2, 0)),
                np.linalg.trace(np.moveaxis(t, 2, 0)))
    r = np.random.default_rng(8).random((3, 4, 5, 2))
    r[0, 1, 2, 1] = np.nan
    for offset in (-1, 0, 2):
        for axes in ((1, 2), (2, 0), (3, 1)):
            assert_same(nps.trace(nps.asarray(r, block_shape=(2, 2, 2, 2)), offset, *axes),
                        np.trace(r, offset, *axes), rtol=1e-12)


def test_float16_products_accumulate_in_float32():
    """NumPy sums float16 products in float32 and rounds once: so do block products (a
    float16 sum of 2000 rounded partial products was 3.6% off)."""
    rng = np.random.default_rng(5)
    a, b = rng.random(20000).astype(np.float16), rng.random(20000).astype(np.float16)
    x, y = _x(a, (10,)), _x(b, (10,))
    for got, expected in [(x @ y, a @ b), (nps.dot(x, y), np.dot(a, b)),
                          (nps.tensordot(x, y, 1), np.tensordot(a, b, 1)),
                          (nps.inner(x, y), np.inner(a, b))]:
        assert_same(got, expected, rtol=2e-3)
    m = rng.random((600, 3)).astype(np.float16)
    assert_same(_x(m, (7, 2)).T @ _x(m, (7, 2)), m.T @ m, rtol=2e-3)
    assert_same(_x(m, (7, 3)).T @ _x(a[:600], (7,)), m.T @ a[:600], rtol=2e-3)
    t = rng.random((2, 300, 3)).astype(np.float16)
    assert_same(_x(t, (1, 7, 2)) @ _x(m[:3, :2], (2, 2)), t @ m[:3, :2], rtol=2e-3)


def test_matmul_gufunc_keywords_are_numpys():
    """``axes=``, ``casting=``, ``dtype=`` and ``signature=`` of matmul were accepted and
    ignored (any keyword was): another answer, or none of NumPy's errors."""
    rng = np.random.default_rng(1)
    for sa, sb in (((2, 3, 4), (2, 4, 3)), ((3, 4), (4,)), ((5, 4), (4, 2))):
        a, b = rng.random(sa), rng.random(sb)
        for split in (False, True):
            bs = (lambda s: tuple(max(1, n // 2) for n in s)) if split else (lambda s: None)
            x, y = nps.asarray(a, block_shape=bs(sa)), nps.asarray(b, block_shape=bs(sb))
            if a.ndim > 1 and b.ndim > 1:
                axes = [(-2, -1), (-2, -1), (-1, -2)]
                assert_same(nps.matmul(x, y, axes=axes), np.matmul(a, b, axes=axes),
                            rtol=1e-12)
            else:
                axes = [(1, 0), (0,), (0,)]
                assert_same(nps.matmul(x.T, y, axes=axes), np.matmul(a.T, b, axes=axes),
                            rtol=1e-12)
            assert_same(nps.matmul(x, y, dtype=np.int64, casting="unsafe"),
                        np.matmul(a, b, dtype=np.int64, casting="unsafe"))
            assert_same(nps.matmul(x, y, signature="ff->f"), np.matmul(a, b, signature="ff->f"),
                        rtol=1e-5)
            with pytest.raises(np._core._exceptions._UFuncInputCastingError):
                nps.matmul(x, y, dtype=np.int64)
            for kw in ({"axis": 0}, {"keepdims": True}, {"bogus": 1}):
                with pytest.raises(TypeError):
                    nps.matmul(x, y, **kw)


def test_vecdot_axis_of_each_operand_and_dtype_of_the_vector_gufuncs():
    a, v = np.arange(20.0).reshape(4, 5), np.arange(4.0)
    x, y = nps.asarray(a, block_shape=(2, 2)), nps.asarray(v, block_shape=(3,))
    assert_same(nps.vecdot(x, y, axis=0), np.vecdot(a, v, axis=0))  # it raised
    assert_same(nps.linalg.vecdot(x, y, axis=0), np.linalg.vecdot(a, v, axis=0))
    w = np.array([1.0, 2.0])
    assert_same(nps.vecdot(nps.asarray(w), nps.asarray(w), dtype=np.complex128),
                np.vecdot(w, w, dtype=np.complex128))
    m, u = np.arange(6.0).reshape(2, 3), np.arange(3.0)
    assert_same(nps.matvec(nps.asarray(m, block_shape=(1, 2)), nps.asarray(u), dtype=np.float32),
                np.matvec(m, u, dtype=np.float32))
    assert_same(nps.vecmat(nps.asarray(np.arange(2.0)), nps.asarray(m), dtype=np.float32),
                np.vecmat(np.arange(2.0), m, dtype=np.float32))
    with pytest.raises(np._core._exceptions._UFuncInputCastingError):
        nps.vecdot(nps.asarray(w), nps.asarray(w), dtype=np.int64)


@pytest.mark.parametrize("dtypes", [(np.float64, np.float64), (np.float32, np.float32),
                                    (np.int8, np.int8), (np.int64, np.float32),
                                    (np.complex128, np.float64), (np.bool_, np.bool_)])
def test_dot_of_two_distributed_vectors_is_a_reduction(dtypes, monkeypatch):
    """``x @ y``, ``np.dot`` and ``np.matmul`` of two 1-d arrays in blocks: one partial
    ``dot`` per block (no reshape into matrices, no rechunk of aligned blocks), NumPy's
    dtype, and its value (integer wrap-around, booleans, complex without conjugation),
    for blocks that do not line up and for pending expressions too."""
    from nums.numpy import _products

    rng = np.random.default_rng(5)
    a = (rng.random(50) * 40 - 10).astype(dtypes[0])
    b = (rng.random(50) * 40 - 10).astype(dtypes[1])
    if dtypes[0] == np.complex128:
        a = a + 1j * rng.random(50)
    x, y = nps.array(a, block_shape=(8,)), nps.array(b, block_shape=(8,))
    reshapes: list = []
    real = _products.reshape
    monkeypatch.setattr(_products, "reshape", lambda *args: reshapes.append(1) or real(*args))
    for got, expected in [(x @ y, a @ b), (nps.dot(x, y), np.dot(a, b)),
                          (nps.matmul(x, y), np.matmul(a, b))]:
        assert got.shape == () and got.dtype == expected.dtype
        assert_same(got, expected, rtol=1e-5 if expected.dtype.itemsize <= 4 else 1e-12)
    assert not reshapes  # (into a row and a column: the general product)
    assert_same(nps.vecdot(x, y), np.vecdot(a, b),  # (conjugates x)
                rtol=1e-5 if np.vecdot(a, b).dtype.itemsize <= 4 else 1e-12)
    z = nps.array(b, block_shape=(7,))  # other blocks
    assert_same(x @ z, a @ b, rtol=1e-5 if (a @ b).dtype.itemsize <= 4 else 1e-12)
    if dtypes[0] != np.bool_:
        assert_same((x * 2) @ (y + 1), (a * 2) @ (b + 1),
                    rtol=1e-5 if (a @ b).dtype.itemsize <= 4 else 1e-12)
    assert_same(nps.array(a[:0]) @ nps.array(b[:0]), a[:0] @ b[:0])


@pytest.mark.parametrize("dtypes", [("f8", "f8"), ("f4", "f8"), ("c16", "f8"), ("i8", "i8")])
def test_products_with_large_block_results(dtypes):
    # a block's product of a megabyte or more is computed into a store buffer (returned
    # without a copy) where its dtype is the operands' own: NumPy's values for every case
    rng = np.random.default_rng(23)
    a = (rng.standard_normal((300_000, 4)) * 10).astype(dtypes[0])
    m = (rng.standard_normal((4, 3)) * 10).astype(dtypes[1])
    x = nps.array(a, block_shape=(150_000, 4))
    tol = {"rtol": 1e-10, "atol": 1e-9}  # (sums of four products of tens: BLAS's rounding)
    assert_same(x @ nps.array(m), a @ m, **tol)
    assert_same(x @ nps.array(m[:, 0]), a @ m[:, 0], **tol)
    assert_same(nps.array(m.T) @ x.T, m.T @ a.T, **tol)
