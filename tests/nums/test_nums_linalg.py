"""nums.numpy.linalg against numpy.linalg: factorizations by TSQR on several block layouts
(row blocks, 2-d blocks, one block, uneven edge blocks), their numerical quality on
ill-conditioned inputs, and the small problems that run on one worker."""

from __future__ import annotations

import numpy as np
import pytest
from nums_helpers import assert_same, check_against_numpy

import nums.numpy as nps

RNG = np.random.default_rng(11)
TALL = RNG.standard_normal((203, 7))
LAYOUTS = [(20, 7), (17, 3), (203, 7), (50, 7)]  # row blocks, 2-d, one block, uneven


def _conditioned(m: int, n: int, kappa: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    u, _ = np.linalg.qr(rng.standard_normal((m, n)))
    v, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return (u * np.logspace(0, -np.log10(kappa), n)) @ v.T


@pytest.mark.parametrize("block_shape", LAYOUTS)
def test_qr_reduced_and_r(block_shape):
    x = nps.array(TALL, block_shape=block_shape)
    q, r = nps.linalg.qr(x)
    assert isinstance(q, nps.BlockArray) and q.shape == (203, 7) and r.shape == (7, 7)
    qv, rv = q.get(), r.get()
    np.testing.assert_allclose(qv @ rv, TALL, atol=1e-12)
    np.testing.assert_allclose(qv.T @ qv, np.eye(7), atol=1e-12)
    np.testing.assert_allclose(np.tril(rv, -1), 0, atol=0)
    np.testing.assert_allclose(np.abs(rv), np.abs(np.linalg.qr(TALL)[1]), rtol=1e-10)
    np.testing.assert_allclose(np.abs(nps.linalg.qr(x, mode="r").get()), np.abs(rv), rtol=1e-10)
    assert type(nps.linalg.qr(x)).__name__ == "QRResult"


def test_qr_wide_complex_integer_and_small_modes():
    w = TALL[:5].T.copy()  # 7 x 5... wide: 5 x 7
    w = TALL[:5]
    q, r = nps.linalg.qr(nps.array(w, block_shape=(2, 3)))
    np.testing.assert_allclose(q.get() @ r.get(), w, atol=1e-12)
    c = TALL + 1j * TALL[::-1]
    q, r = nps.linalg.qr(nps.array(c, block_shape=(30, 7)))
    np.testing.assert_allclose(q.get() @ r.get(), c, atol=1e-12)
    np.testing.assert_allclose(q.get().conj().T @ q.get(), np.eye(7), atol=1e-12)
    ints = np.arange(60).reshape(12, 5) % 7
    q, r = nps.linalg.qr(nps.array(ints, block_shape=(4, 5)))
    assert q.dtype == np.float64
    np.testing.assert_allclose(q.get() @ r.get(), ints, atol=1e-12)
    # modes numpy gives in full: small arrays run numpy itself (one worker), so equal
    small = TALL[:9, :4]
    for mode in ("complete", "raw"):
        got = nps.linalg.qr(nps.array(small), mode=mode)
        for g, e in zip(got, np.linalg.qr(small, mode=mode)):
            assert_same(g, e, rtol=1e-12)
    check_against_numpy(lambda xp, a: xp.linalg.qr(a, mode="bogus"), small)
    check_against_numpy(lambda xp, a: xp.linalg.qr(a[0]), small)


@pytest.mark.parametrize("kappa", [1e2, 1e6, 1e12])
def test_qr_and_svd_quality_on_ill_conditioned_inputs(kappa):
    a = _conditioned(400, 8, kappa)
    q, r = nps.linalg.qr(nps.array(a, block_shape=(37, 8)))
    qv, rv = q.get(), r.get()
    eq, er = np.linalg.qr(a)
    eps = np.finfo(float).eps
    residual = (np.linalg.norm(qv @ rv - a) / np.linalg.norm(a),
                np.linalg.norm(eq @ er - a) / np.linalg.norm(a))
    orthogonality = (np.linalg.norm(qv.T @ qv - np.eye(8)), np.linalg.norm(eq.T @ eq - np.eye(8)))
    for got, ref in (residual, orthogonality):
        assert got <= max(20 * ref, 100 * eps), (got, ref)
    s = nps.linalg.svdvals(nps.array(a, block_shape=(37, 8))).get()
    np.testing.assert_allclose(s, np.linalg.svd(a, compute_uv=False), rtol=1e-8, atol=1e-15)


@pytest.mark.parametrize("block_shape", LAYOUTS)
def test_svd(block_shape):
    x = nps.array(TALL, block_shape=block_shape)
    u, s, vh = nps.linalg.svd(x, full_matrices=False)
    assert u.shape == (203, 7) and s.shape == (7,) and vh.shape == (7, 7)
    np.testing.assert_allclose(s.get(), np.linalg.svd(TALL, compute_uv=False), rtol=1e-12)
    np.testing.assert_allclose((u.get() * s.get()) @ vh.get(), TALL, atol=1e-12)
    np.testing.assert_allclose(u.get().T @ u.get(), np.eye(7), atol=1e-12)
    assert_same(nps.linalg.svd(x, compute_uv=False), np.linalg.svd(TALL, compute_uv=False),
                rtol=1e-12)
    wide = nps.array(TALL.T, block_shape=block_shape[::-1])
    u, s, vh = nps.linalg.svd(wide, full_matrices=False)
    np.testing.assert_allclose((u.get() * s.get()) @ vh.get(), TALL.T, atol=1e-12)


def test_svd_full_matrices_on_one_worker_and_its_limit(monkeypatch):
    from nums.numpy.linalg import _factor

    x = nps.array(TALL, block_shape=(20, 7))
    u, s, vh = nps.linalg.svd(x)  # the complete 203 x 203 U, by numpy on one worker
    np.testing.assert_allclose(u.get() @ u.get().T, np.eye(203), atol=1e-12)
    np.testing.assert_allclose((u.get()[:, :7] * s.get()) @ vh.get(), TALL, atol=1e-12)
    monkeypatch.setattr(_factor, "MAX_WORKER_BYTES", 1000)
    with pytest.raises(NotImplementedError, match="full_matrices"):
        nps.linalg.svd(x)
    monkeypatch.undo()
    small = nps.array(TALL[:10, :3], block_shape=(10, 3))  # one block: numpy's exact results
    for g, e in zip(nps.linalg.svd(small), np.linalg.svd(TALL[:10, :3])):
        assert_same(g, e, rtol=1e-12)


@pytest.mark.parametrize("block_shape", LAYOUTS)
def test_lstsq_pinv_rank_cond(block_shape):
    b1 = RNG.standard_normal(203)
    b2 = RNG.standard_normal((203, 3))
    x = nps.array(TALL, block_shape=block_shape)
    for b in (b1, b2):
        got = nps.linalg.lstsq(x, nps.array(b, block_shape=(20,) + b.shape[1:]))
        exp = np.linalg.lstsq(TALL, b)
        for g, e in zip(got, exp):
            np.testing.assert_allclose(np.asarray(g), e, rtol=1e-9, atol=1e-12)
    deficient = TALL.copy()
    deficient[:, 3] = deficient[:, 1] + deficient[:, 2]
    got = nps.linalg.lstsq(nps.array(deficient, block_shape=block_shape), b1)
    exp = np.linalg.lstsq(deficient, b1)
    assert got[2] == exp[2] == 6 and got[1].shape == exp[1].shape == (0,)
    np.testing.assert_allclose(got[0].get(), exp[0], rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(nps.linalg.pinv(x).get(), np.linalg.pinv(TALL), rtol=1e-9,
                               atol=1e-12)
    np.testing.assert_allclose(nps.linalg.pinv(nps.array(TALL.T, block_shape=block_shape[::-1]))
                               .get(), np.linalg.pinv(TALL.T), rtol=1e-9, atol=1e-12)
    assert nps.linalg.matrix_rank(nps.array(deficient, block_shape=block_shape)) == 6
    assert nps.linalg.cond(x) == pytest.approx(np.linalg.cond(TALL), rel=1e-10)
    assert nps.linalg.cond(x, -2) == pytest.approx(np.linalg.cond(TALL, -2), rel=1e-10)


def test_lstsq_of_a_wide_array_is_the_minimum_norm_solution():
    w = TALL[:40].T.copy()  # 7 x 40
    b = np.arange(7.0)
    got = nps.linalg.lstsq(nps.array(w, block_shape=(7, 9)), b)
    exp = np.linalg.lstsq(w, b)
    np.testing.assert_allclose(got[0].get(), exp[0], rtol=1e-9, atol=1e-12)
    assert got[2] == exp[2] and got[1].shape == exp[1].shape


def test_small_problems_on_one_worker():
    h = TALL.T @ TALL + np.eye(7)
    g = np.arange(7.0)
    H = nps.array(h, block_shape=(3, 3))
    assert_same(nps.linalg.solve(H, g), np.linalg.solve(h, g), rtol=1e-10)
    assert_same(nps.linalg.inv(H), np.linalg.inv(h), rtol=1e-10)
    assert nps.linalg.det(H) == pytest.approx(np.linalg.det(h))
    sign, logdet = nps.linalg.slogdet(H)
    assert (sign, logdet) == pytest.approx(tuple(np.linalg.slogdet(h)))
    assert_same(nps.linalg.cholesky(H), np.linalg.cholesky(h), rtol=1e-10)
    assert_same(nps.linalg.cholesky(H, upper=True), np.linalg.cholesky(h, upper=True),
                rtol=1e-10)
    w, v = nps.linalg.eigh(H)
    ew, _ = np.linalg.eigh(h)
    assert_same(w, ew, rtol=1e-10)
    np.testing.assert_allclose(h @ v.get(), v.get() * w.get(), atol=1e-8)
    assert_same(nps.linalg.eigvalsh(H), ew, rtol=1e-10)
    with pytest.raises(np.linalg.LinAlgError):
        nps.linalg.inv(nps.zeros((3, 3)))
    with pytest.raises(np.linalg.LinAlgError):
        nps.linalg.cholesky(nps.array(-np.eye(3)))


def test_numpy_dispatch_reaches_the_distributed_versions():
    x = nps.array(TALL, block_shape=(20, 7))
    q, r = np.linalg.qr(x)
    assert isinstance(q, nps.BlockArray)
    assert isinstance(np.linalg.svd(x, full_matrices=False).S, nps.BlockArray)


@pytest.mark.parametrize("method", ["direct", "indirect"])
def test_tsqr_methods(method):
    from nums.numpy.linalg._tsqr import INDIRECT_COND, tsqr

    a = _conditioned(300, 6, 1e3)
    q, r = tsqr(nps.array(a, block_shape=(25, 3)), method=method)
    qv, rv = q.get(), r.get()
    np.testing.assert_allclose(qv @ rv, a, atol=1e-13)
    assert np.linalg.norm(qv.T @ qv - np.eye(6)) < (1e-13 if method == "direct" else
                                                   1e3 * INDIRECT_COND * 1e-16)


SQ = RNG.standard_normal((6, 6)) + 6 * np.eye(6)


@pytest.mark.parametrize("body", [
    lambda xp, a: xp.linalg.matmul(a, a.T),
    lambda xp, a: xp.linalg.tensordot(a, a, axes=1),
    lambda xp, a: xp.linalg.outer(a[0], a[1]),
    lambda xp, a: xp.linalg.outer(a, a[1]),  # numpy's ValueError
    lambda xp, a: xp.linalg.diagonal(a, offset=1),
    lambda xp, a: xp.linalg.trace(a, offset=-1),
    lambda xp, a: xp.linalg.matrix_transpose(a),
    lambda xp, a: xp.linalg.matrix_transpose(a[0]),  # numpy's ValueError
    lambda xp, a: xp.linalg.vecdot(a, a[::-1], axis=0),
    lambda xp, a: xp.linalg.cross(a[:, :3], a[:, 3:]),
    lambda xp, a: xp.linalg.cross(a[:3, :], a[3:, :], axis=0),
    lambda xp, a: xp.linalg.cross(a, a),  # numpy's ValueError
    lambda xp, a: xp.linalg.multi_dot([a[0], a, a.T, a, a[:, 1]]),
    lambda xp, a: xp.linalg.multi_dot([a[:, :2].T, a, a[:, :4]]),
    lambda xp, a: xp.linalg.matrix_power(a, 0),
    lambda xp, a: xp.linalg.matrix_power(a, 5),
    lambda xp, a: xp.linalg.matrix_power(a, -2),
    lambda xp, a: xp.linalg.matrix_power(a[:, :3], 2),  # numpy's LinAlgError
    lambda xp, a: xp.linalg.tensorinv(xp.reshape(a, (6, 2, 3)), ind=1),
    lambda xp, a: xp.linalg.tensorsolve(xp.reshape(a, (6, 2, 3)), a[0]),
    lambda xp, a: xp.linalg.eigvals(a),
])
def test_the_rest_of_numpy_linalg(body):
    check_against_numpy(body, SQ, block_shape=(4, 4), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("ord", [2, 1, np.inf, -np.inf, 0, 3, 0.5])
@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1)])
def test_vector_norm(ord, axis):
    check_against_numpy(lambda xp, a: xp.linalg.vector_norm(a, axis=axis, ord=ord,
                                                            keepdims=axis == 1),
                        SQ - 5, block_shape=(4, 4), rtol=1e-12)


@pytest.mark.parametrize("ord", ["fro", 1, -1, np.inf, -np.inf, "nuc", 2, -2])
def test_matrix_norm(ord):
    check_against_numpy(lambda xp, a: xp.linalg.matrix_norm(a, ord=ord), SQ, block_shape=(4, 4),
                        rtol=1e-12)


def test_eig_on_one_worker():
    w, v = nps.linalg.eig(nps.array(SQ, block_shape=(4, 4)))
    np.testing.assert_allclose(SQ @ v.get(), v.get() * w.get(), atol=1e-9)
    np.testing.assert_allclose(np.sort_complex(w.get()), np.sort_complex(np.linalg.eigvals(SQ)))


@pytest.mark.parametrize("m, n", [(20000, 4), (2 * 819 + 10, 40), (100, 40)])
def test_chunked_leaf_kernels(m, n):
    from nums.core.array import linalg_kernels as lk

    a = np.random.default_rng(m).standard_normal((m, n))
    q, r = lk.qr_block(a)
    np.testing.assert_allclose(q @ r, a, atol=1e-12)
    np.testing.assert_allclose(q.T @ q, np.eye(n), atol=1e-12)
    np.testing.assert_allclose(np.abs(r), np.abs(np.linalg.qr(a, mode="r")), rtol=1e-10,
                               atol=1e-12)
    np.testing.assert_allclose(np.abs(lk.qr_block_r(a)), np.abs(r), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kappa", [1e2, 1e4, 1e6, 1e12])
@pytest.mark.parametrize("rhs", [1, 3])
def test_lstsq_quality_on_ill_conditioned_inputs(kappa, rhs):
    a = _conditioned(500, 8, kappa, seed=3)
    rng = np.random.default_rng(4)
    b = a @ rng.standard_normal((8, rhs)) + 1e-3 * rng.standard_normal((500, rhs))
    b = b[:, 0] if rhs == 1 else b
    x, resid, rank, s = nps.linalg.lstsq(nps.array(a, block_shape=(41, 8)),
                                         nps.array(b, block_shape=(41,) + b.shape[1:]))
    ex, eresid, erank, es = np.linalg.lstsq(a, b)
    eps = np.finfo(float).eps
    assert rank == erank
    np.testing.assert_allclose(s.get(), es, rtol=1e-8 * max(1.0, kappa ** 2 * eps * 1e4))
    err = np.linalg.norm(x.get() - ex) / np.linalg.norm(ex)
    assert err <= max(100 * eps * kappa, 1e-13), err  # numpy's own error is about eps*kappa
    if erank == 8:
        np.testing.assert_allclose(resid.get(), eresid, rtol=1e-6)


def _tiles_of(monkeypatch, tile):
    """The tiled solvers on tiny matrices: no size threshold, tiles of ``tile``."""
    from nums.numpy.linalg import _tiles

    monkeypatch.setattr(_tiles, "SMALL_BYTES", 0)
    monkeypatch.setattr(_tiles, "tile_size", lambda n, workers: min(tile, n))


TILED = [((7, 7), 7), ((13, 9), 13), ((50, 50), 12), ((10, 10), 50)]


def _hermitian(n, kind, seed=8):
    rng = np.random.default_rng(seed)
    m = rng.standard_normal((n, n))
    if kind == "complex":
        m = m + 1j * rng.standard_normal((n, n))
    h = m @ m.conj().T + n * np.eye(n)
    return np.round(h).astype(np.int64) if kind == "int" else h


@pytest.mark.parametrize("block_shape,tile", TILED)
@pytest.mark.parametrize("kind", ["real", "complex", "int"])
def test_tiled_cholesky(block_shape, tile, kind, monkeypatch):
    _tiles_of(monkeypatch, tile)
    h = _hermitian(50, kind)
    garbage = h + np.triu(np.full((50, 50), 7.0), 1)  # only the lower triangle is read
    for upper in (False, True):
        check_against_numpy(lambda xp, a, up=upper: xp.linalg.cholesky(a, upper=up), garbage,
                            block_shape=block_shape, rtol=1e-10, atol=1e-12)
    check_against_numpy(lambda xp, a: xp.linalg.cholesky(-a), h, block_shape=block_shape)


def _general(n, kind, seed=3):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((n, n))
    if kind == "complex":
        a = a + 1j * rng.standard_normal((n, n))
    if kind == "float32":
        a = a.astype(np.float32)
    if kind == "int":
        a = rng.integers(-9, 10, (n, n))
    return a


@pytest.mark.parametrize("block_shape,tile", TILED)
@pytest.mark.parametrize("kind", ["real", "complex", "float32", "int"])
@pytest.mark.parametrize("matrix", ["general", "spd", "symmetric indefinite"])
def test_tiled_solve_inv_det(block_shape, tile, kind, matrix, monkeypatch):
    _tiles_of(monkeypatch, tile)
    a = _general(50, kind)
    if matrix == "spd":
        a = _hermitian(50, "real" if kind == "float32" else kind).astype(a.dtype)
    elif matrix == "symmetric indefinite":  # Cholesky is tried, fails, LU answers
        a = a + a.T.conj() + (np.arange(50) % 3 == 0) * 3
    rng = np.random.default_rng(4)
    tol = dict(rtol=1e-5, atol=1e-6) if kind == "float32" else dict(rtol=1e-8, atol=1e-10)
    for b in (rng.standard_normal((50, 3)), rng.integers(0, 5, (50, 60))):
        check_against_numpy(lambda xp, a, b: xp.linalg.solve(a, b), a, b,
                            block_shape=block_shape, **tol)
    v = rng.standard_normal(50)  # a vector: given as numpy's, one block
    check_against_numpy(lambda xp, a: xp.linalg.solve(a, v), a, block_shape=block_shape, **tol)
    check_against_numpy(lambda xp, a: xp.linalg.inv(a), a, block_shape=block_shape, **tol)
    check_against_numpy(lambda xp, a: xp.linalg.slogdet(a), a, block_shape=block_shape,
                        rtol=1e-5 if kind == "float32" else 1e-10)
    check_against_numpy(lambda xp, a: xp.linalg.det(a), a, block_shape=block_shape,
                        rtol=1e-5 if kind == "float32" else 1e-10)


@pytest.mark.parametrize("block_shape,tile", TILED[:3])
def test_tiled_singular_and_bad_shapes(block_shape, tile, monkeypatch):
    _tiles_of(monkeypatch, tile)
    a = _general(50, "real")
    for col in (0, 20, 49):  # a zero column: a zero pivot in the first, a middle, the last panel
        s = a.copy()
        s[:, col] = 0
        check_against_numpy(lambda xp, a: xp.linalg.solve(a, a[:, 1]), s, block_shape=block_shape)
        check_against_numpy(lambda xp, a: xp.linalg.inv(a), s, block_shape=block_shape)
        check_against_numpy(lambda xp, a: xp.linalg.det(a), s, block_shape=block_shape)
        check_against_numpy(lambda xp, a: xp.linalg.slogdet(a), s, block_shape=block_shape)
    check_against_numpy(lambda xp, a: xp.linalg.solve(a, a[:7, 0]), a, block_shape=block_shape)
    check_against_numpy(lambda xp, a: xp.linalg.solve(a[:, :40], a[:, 0]), a,
                        block_shape=block_shape)


@pytest.mark.parametrize("block_shape,tile", TILED)
@pytest.mark.parametrize("shape", [(50, 50), (71, 30), (30, 71)])
@pytest.mark.parametrize("kind", ["real", "complex", "float32", "int"])
def test_blocked_householder_qr(block_shape, tile, shape, kind, monkeypatch):
    from nums.numpy.linalg import _factor

    _tiles_of(monkeypatch, tile)
    monkeypatch.setattr(_factor, "MAX_FACTOR_BYTES", 0)  # never TSQR
    a = _general(max(shape), kind)[: shape[0], : shape[1]]
    tol = dict(rtol=1e-4, atol=1e-5) if kind == "float32" else dict(rtol=1e-9, atol=1e-11)
    # LAPACK's reflectors in both: the same factors, signs included
    for mode in ("reduced", "r"):
        check_against_numpy(lambda xp, a, mode=mode: xp.linalg.qr(a, mode=mode), a,
                            block_shape=block_shape, **tol)


@pytest.mark.parametrize("block_shape", [(2, 3, 3), (4, 5, 5)])
def test_stacks_of_matrices_as_numpy(block_shape):
    rng = np.random.default_rng(5)
    stack = rng.standard_normal((4, 5, 5))
    spd = stack @ stack.transpose(0, 2, 1) + 5 * np.eye(5)
    tall = rng.standard_normal((3, 6, 4))
    for fn in (lambda xp, a: xp.linalg.qr(a), lambda xp, a: xp.linalg.qr(a, mode="r"),
               lambda xp, a: xp.linalg.svd(a), lambda xp, a: xp.linalg.svdvals(a),
               lambda xp, a: xp.linalg.pinv(a), lambda xp, a: xp.linalg.matrix_rank(a),
               lambda xp, a: xp.linalg.cond(a), lambda xp, a: xp.linalg.cond(a, "fro"),
               lambda xp, a: xp.linalg.inv(a), lambda xp, a: xp.linalg.det(a),
               lambda xp, a: xp.linalg.slogdet(a), lambda xp, a: xp.linalg.lstsq(a, a[0])):
        check_against_numpy(fn, stack, block_shape=block_shape, rtol=1e-9, atol=1e-12)
    check_against_numpy(lambda xp, a: xp.linalg.cholesky(a), spd, block_shape=block_shape,
                        rtol=1e-9)
    check_against_numpy(lambda xp, a: xp.linalg.eigvalsh(a), spd, block_shape=block_shape,
                        rtol=1e-9)
    check_against_numpy(lambda xp, a: xp.linalg.solve(a, a[..., 0:1]), spd,
                        block_shape=block_shape, rtol=1e-9, atol=1e-12)
    check_against_numpy(lambda xp, a: xp.linalg.qr(a), tall, block_shape=(1, 6, 4),
                        rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("kappa", [1e2, 1e6, 1e12])
@pytest.mark.parametrize("matrix", ["general", "spd"])
def test_tiled_solve_backward_error_on_ill_conditioned_inputs(kappa, matrix, monkeypatch):
    _tiles_of(monkeypatch, 9)
    a = _conditioned(60, 60, kappa, seed=2)
    if matrix == "spd":
        u, _ = np.linalg.qr(a)
        a = (u * np.logspace(0, -np.log10(kappa), 60)) @ u.T
        a = (a + a.T) / 2
    b = np.random.default_rng(3).standard_normal((60, 2))
    x = nps.linalg.solve(nps.array(a, block_shape=(10, 10)), nps.array(b, block_shape=(10, 2)))
    x = x.get()
    eps = np.finfo(float).eps
    backward = np.linalg.norm(a @ x - b) / (np.linalg.norm(a) * np.linalg.norm(x))
    ref = np.linalg.solve(a, b)
    numpy_backward = np.linalg.norm(a @ ref - b) / (np.linalg.norm(a) * np.linalg.norm(ref))
    assert backward <= max(10 * numpy_backward, 60 * eps), (backward, numpy_backward)


@pytest.mark.parametrize("ord", [None, 2, 1, np.inf, "fro"])
def test_norm_of_a_driver_resident_array_is_numpys_bit_for_bit(ord):
    """A small array's norm is NumPy's own (computed in the driver): the same value to the
    last bit, where the distributed sqrt(sum(x * x)) may differ in rounding."""
    from nums.core.array.blockarray import local_value

    v = np.random.default_rng(7).standard_normal(1001) * 1e3
    x = nps.asarray(v)
    vec_ord = ord if ord != "fro" else None
    got = nps.linalg.norm(x, ord=vec_ord)
    if local_value(x) is not None:
        assert float(got) == np.linalg.norm(v, ord=vec_ord)
    else:
        np.testing.assert_allclose(float(got), np.linalg.norm(v, ord=vec_ord), rtol=1e-12)
    m = v[:1000].reshape(40, 25)
    got = nps.linalg.norm(nps.asarray(m), ord=ord, axis=None if ord in (None, "fro") else (0, 1))
    want = np.linalg.norm(m, ord=ord, axis=None if ord in (None, "fro") else (0, 1))
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-12)
    for arr in (x, nps.array(v, block_shape=(100,))):  # resident or not: numpy's error
        with pytest.raises(ValueError, match="Invalid norm order 'fro' for vectors"):
            nps.linalg.norm(arr, ord="fro")
        with pytest.raises(ValueError, match="Invalid norm order 'nuc' for vectors"):
            nps.linalg.norm(arr, ord="nuc", axis=0)


def test_norms_of_integer_arrays_are_of_floats():
    # NumPy casts integers and booleans to float64 before squaring or taking absolute values:
    # in the integer dtype they wrap (int8's -128, int16's squares, int64's 1e18)
    v = np.r_[-128, 100, np.arange(1, 80)].astype(np.int8)
    w = np.array([300, 400] * 20, np.int16)
    u = np.array([[200, 100], [50, 3], [10, 20]], np.uint8)
    m = np.arange(40).reshape(8, 5) * 10**9
    cases = [(nps.linalg.norm, np.linalg.norm, v, {}), (nps.linalg.norm, np.linalg.norm, v,
             {"ord": 1}), (nps.linalg.norm, np.linalg.norm, v, {"ord": np.inf}),
             (nps.linalg.vector_norm, np.linalg.vector_norm, w, {}),
             (nps.linalg.vector_norm, np.linalg.vector_norm, v, {"ord": -np.inf}),
             (nps.linalg.norm, np.linalg.norm, u, {"axis": 0}),
             (nps.linalg.norm, np.linalg.norm, m, {}),
             (nps.linalg.matrix_norm, np.linalg.matrix_norm, m, {}),
             (nps.linalg.matrix_norm, np.linalg.matrix_norm, u.astype(np.int8), {"ord": 1}),
             (nps.linalg.norm, np.linalg.norm, np.array([True, False, True]), {}),
             # timedelta64 too (nums kept its dtype: norm(t, 1) was a timedelta)
             (nps.linalg.norm, np.linalg.norm, np.array([3, 4] * 9, "m8[s]"), {"ord": 1}),
             (nps.linalg.norm, np.linalg.norm, np.array([3, 4] * 9, "m8[s]"), {}),
             (nps.linalg.vector_norm, np.linalg.vector_norm, np.array([3, -4], "m8[s]"),
              {"ord": np.inf}),
             (nps.linalg.matrix_norm, np.linalg.matrix_norm, np.ones((3, 4), "m8[D]"), {})]
    for ours, theirs, a, kwargs in cases:
        assert_same(ours(nps.asarray(a, block_shape=(2,) * a.ndim), **kwargs),
                    theirs(a, **kwargs), rtol=1e-12)


def test_lstsq_with_a_negative_rcond_cuts_at_machine_precision():
    # rcond=-1 (NumPy's default before 1.14, still in scripts): LAPACK's machine precision,
    # so a rank-deficient matrix keeps its rank, not a solution of 1e15s
    rng = np.random.default_rng(21)
    s = rng.random((6, 6))
    s[5] = s[0] + 2 * s[1]
    b = rng.random(6)
    got = nps.linalg.lstsq(nps.asarray(s, block_shape=(2, 2)), nps.asarray(b, block_shape=(2,)),
                           rcond=-1)
    want = np.linalg.lstsq(s, b, rcond=-1)
    assert int(got[2]) == int(want[2]) == 5
    np.testing.assert_allclose(got[0].get(), want[0], rtol=1e-6, atol=1e-8)


def test_factorizations_of_empty_matrices_over_several_blocks_are_numpys():
    """qr, svd, pinv and lstsq of an empty matrix split into blocks raised IndexError."""
    for shape, block_shape in (((0, 9), (1, 8)), ((9, 0), (4, 1))):
        e = np.zeros(shape)
        a = nps.asarray(e, block_shape=block_shape)
        for got, want in zip(nps.linalg.qr(a), np.linalg.qr(e)):
            assert_same(got, want)
        for got, want in zip(nps.linalg.svd(a, full_matrices=False),
                             np.linalg.svd(e, full_matrices=False)):
            assert_same(got, want)
        assert_same(nps.linalg.pinv(a), np.linalg.pinv(e))
        assert_same(nps.linalg.lstsq(a, nps.zeros(shape[0]))[0],
                    np.linalg.lstsq(e, np.zeros(shape[0]))[0])


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex64, np.int32])
@pytest.mark.parametrize("shape", [(50,), (9, 7), (4, 3, 5)])
def test_whole_array_norms_are_dots_of_blocks(dtype, shape, monkeypatch):
    """The 2-norm of a distributed vector and the Frobenius norm of a whole array are, as in
    NumPy, the square root of the values' dot with themselves, block by block (no array of
    squares is made): NumPy's value and dtype, ``keepdims``, expressions."""
    from nums.numpy import _reductions

    rng = np.random.default_rng(11)
    a = (rng.random(shape) * 20 - 10).astype(dtype)
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.random(shape).astype(np.float32)
    x = nps.array(a, block_shape=tuple(max(1, n // 3) for n in shape))
    squares: list = []  # sums of arrays of squares
    real = _reductions.sum
    monkeypatch.setattr(_reductions, "sum",
                        lambda *args, **kw: squares.append(1) or real(*args, **kw))
    rtol = 1e-5 if np.linalg.norm(a).dtype.itemsize <= 4 else 1e-12
    for kw in [{}, {"keepdims": True}] + ([{"ord": "fro"}] if len(shape) == 2 else []) + (
            [{"ord": 2}, {"axis": 0}] if len(shape) == 1 else []):
        assert_same(nps.linalg.norm(x, **kw), np.linalg.norm(a, **kw), rtol=rtol)
    assert not squares
    assert_same(nps.linalg.norm(x - 1), np.linalg.norm(a - 1), rtol=rtol)


def test_pinv_cutoffs_are_numpys():
    """Without ``rtol`` NumPy cuts singular values at 1e-15 of the largest; ``rtol=None`` at
    ``max(M, N) * eps`` (a ValueError for integers, as NumPy's ``finfo``)."""
    a = np.vstack([np.diag([1.0, 2e-15, 1, 1, 1, 1]), np.zeros((6, 6))])
    x = nps.asarray(a)
    np.testing.assert_allclose(nps.linalg.pinv(x).get(), np.linalg.pinv(a), rtol=1e-6)
    np.testing.assert_allclose(nps.linalg.pinv(x, rtol=None).get(),
                               np.linalg.pinv(a, rtol=None), atol=1e-12)
    with pytest.raises(ValueError):
        np.linalg.pinv(np.ones((17, 8), bool), rtol=None)
    with pytest.raises(ValueError):
        nps.linalg.pinv(nps.asarray(np.ones((17, 8), bool)), rtol=None)


def test_lstsq_computes_in_double_precision_as_numpy():
    """NumPy's lstsq computes in double precision (its default cutoff is float64's epsilon)
    and returns single precision only for single-precision operands."""
    rng = np.random.default_rng(0)
    a = (rng.standard_normal((10, 3)) @ rng.standard_normal((3, 10))).astype(np.float32)
    b = rng.standard_normal((10, 1)).astype(np.float32)
    got, want = nps.linalg.lstsq(nps.asarray(a), nps.asarray(b)), np.linalg.lstsq(a, b)
    assert got[2] == want[2]
    for g, w in zip((got[0], got[1], got[3]), (want[0], want[1], want[3])):
        assert g.dtype == w.dtype
    tall = rng.standard_normal((30, 4)).astype(np.float32)
    for bb in (rng.random(30) < 0.5, rng.standard_normal(30), rng.standard_normal(30) + 1j):
        got = nps.linalg.lstsq(nps.asarray(tall), nps.asarray(bb))
        want = np.linalg.lstsq(tall, bb)
        for g, w in zip((got[0], got[1], got[3]), (want[0], want[1], want[3])):
            assert g.dtype == w.dtype
            np.testing.assert_allclose(g.get(), w, rtol=1e-5, atol=1e-6)
        assert got[2] == want[2]


def test_linalg_argument_errors_are_numpys():
    with pytest.raises(ValueError, match="can't be both set"):
        nps.linalg.matrix_rank(nps.asarray(np.ones(3)), tol=1.0, rtol=0.1)
    with pytest.raises(np.exceptions.AxisError):
        nps.linalg.vector_norm(nps.asarray(np.array(2.0)), axis=-1)
    with pytest.raises(np.exceptions.AxisError):
        nps.linalg.norm(nps.asarray(np.ones(6)), None, (1, 0))
    with pytest.raises(ValueError, match="Improper number"):
        nps.linalg.norm(nps.asarray(np.ones(8)), None, (0, 1, 2))
    with pytest.raises(np.exceptions.AxisError):
        nps.linalg.norm(nps.asarray(np.ones(3)), "fro", (0, 1))
    with pytest.raises(ValueError, match="Duplicate axes"):
        nps.linalg.norm(nps.asarray(np.ones((3, 4))), None, (1, -1))
    with pytest.raises(ValueError, match="for vectors"):
        nps.linalg.norm(nps.asarray(np.ones((3, 4))), "fro", 0)


def test_qr_of_nans_is_nans_as_numpy():
    """The choice of TSQR's method measures R's condition: NaNs make it infinite (it raised
    NumPy's "SVD did not converge" where NumPy's QR returns NaNs)."""
    a = np.random.default_rng(2).random((6, 6))
    a[2, 3] = np.nan
    for mode in ("reduced", "complete", "r"):
        want = np.linalg.qr(a.T, mode=mode)
        got = nps.linalg.qr(nps.asarray(a).T, mode=mode)
        want = want if isinstance(want, tuple) else (want,)
        got = got if isinstance(got, tuple) else (got,)
        for g, w in zip(got, want):
            np.testing.assert_array_equal(np.isnan(g.get()), np.isnan(w))


@pytest.mark.parametrize("fn", ["vector_norm", "matrix_norm", "norm"])
@pytest.mark.parametrize("order", [None, np.inf, 1, 2, -np.inf, "fro", "nuc"])
def test_norms_of_empty_and_stacked_arrays_and_default_orders(layout, fn, order):
    """``ord=None`` is NumPy's default (Frobenius of a stack of matrices, not its smallest
    singular value); the max-based norms of empty arrays are 0, as NumPy's; a float axis
    counts as its int. NumPy's errors otherwise (any subclass of its type)."""
    x3 = np.arange(24.0).reshape(2, 3, 4)
    for a in (np.zeros(0), np.zeros((0, 3)), np.zeros((3, 0)), x3, x3[0], np.arange(5.0)):
        for kw in ({}, {"axis": 0}, {"axis": 1.0}, {"keepdims": True}):
            if fn == "matrix_norm" and "axis" in kw:
                continue
            try:
                expected = getattr(np.linalg, fn)(a, ord=order, **kw)
            except Exception as e:  # noqa: BLE001 (NumPy's error is the specification)
                with pytest.raises(type(e)):
                    nps.asarray(getattr(nps.linalg, fn)(nps.asarray(a), ord=order, **kw)).get()
                continue
            got = nps.asarray(getattr(nps.linalg, fn)(nps.asarray(a), ord=order, **kw))
            np.testing.assert_allclose(got.get(), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("block_shape,tile", TILED[:2])
def test_tiled_det_of_an_infinite_pivot(block_shape, tile, monkeypatch):
    """An infinite pivot: NumPy's det is +-inf and slogdet's sign +-1 (not inf / inf)."""
    _tiles_of(monkeypatch, tile)
    for value in (np.inf, -np.inf):
        a = np.eye(50)
        a[3, 3] = value
        check_against_numpy(lambda xp, a: xp.linalg.det(a), a, block_shape=block_shape)
        check_against_numpy(lambda xp, a: xp.linalg.slogdet(a), a, block_shape=block_shape)


@pytest.mark.parametrize("fn", [
    lambda xp, b: xp.linalg.multi_dot([xp.ones((4, 4)), b]),
    lambda xp, b: xp.linalg.multi_dot([xp.ones((4, 4)), b, xp.ones((4, 4))]),
    lambda xp, b: xp.linalg.multi_dot([b[0], b[1], b[2]], out=xp.zeros((4, 4), np.float32)),
    lambda xp, b: xp.linalg.multi_dot([b[0], b[1], b[2][:, 0]], out=xp.zeros(4)),
    lambda xp, b: xp.linalg.multi_dot([b[0], b[1], b[2][:, 0]], out=xp.zeros((4, 1))),
    lambda xp, b: xp.tensordot(b, b, axes=(np.int64(0), np.int64(0))),
    lambda xp, b: xp.tensordot(b[0], b[1], axes=-1),
    lambda xp, b: xp.tensordot(b[0], b[1], axes=5),
])
def test_products_take_arguments_as_numpy(layout, fn):
    """multi_dot of two arrays is their dot (any rank), its ``out`` as NumPy's; tensordot's
    axes as NumPy reads them (NumPy integers, a non-positive count: the outer product)."""
    b = np.random.default_rng(0).normal(size=(3, 4, 4))
    try:
        expected = fn(np, b)
    except Exception as e:  # noqa: BLE001 (NumPy's error is the specification)
        with pytest.raises(type(e)):
            fn(nps, nps.asarray(b))
        return
    np.testing.assert_allclose(nps.asarray(fn(nps, nps.asarray(b))).get(), expected,
                               rtol=1e-12, atol=1e-12)


def test_svd_of_nan_raises_at_the_call_and_qr_takes_numpys_old_modes():
    """``svd``/``svdvals`` in blocks raise NumPy's LinAlgError at the call (it came when the
    result was read); ``qr``'s deprecated modes warn and work as NumPy's."""
    a = np.arange(600.0).reshape(200, 3) % 7
    a[5, 2] = np.nan
    x = nps.asarray(a, block_shape=(20, 3))
    for call in (lambda: nps.linalg.svd(x, full_matrices=False),
                 lambda: nps.linalg.svd(x, compute_uv=False), lambda: nps.linalg.svdvals(x),
                 lambda: nps.linalg.svdvals(x.T)):
        with pytest.raises(np.linalg.LinAlgError):
            call()
    c = np.arange(12.0).reshape(4, 3) ** 1.5
    for mode in ("full", "f", "economic", "e"):
        with pytest.warns(DeprecationWarning):
            want = np.linalg.qr(c, mode=mode)
        with pytest.warns(DeprecationWarning):
            got = nps.linalg.qr(nps.asarray(c), mode=mode)
        for g, w in zip(got if isinstance(want, tuple) else [got],
                        want if isinstance(want, tuple) else [want]):
            assert_same(nps.abs(g), np.abs(w))


@pytest.mark.parametrize("a_shape,b_shape", [
    ((6, 2, 3, 4), (6, 3)), ((4, 6, 6), (2, 3)), ((6, 4, 6), (6, 4)), ((2, 3, 4, 6), (2, 3, 4)),
    ((6, 4, 3, 2), (6, 4)),
])
def test_tensorsolve_checks_shapes_by_numpys_rule(a_shape, b_shape):
    """NumPy's rule: ``a`` must hold a square matrix of its trailing axes (LinAlgError), and
    ``b``'s size is solve's to check (ValueError); nums checked ``b``'s size against them."""
    rng = np.random.default_rng(0)
    check_against_numpy(lambda xp, a, b: xp.linalg.tensorsolve(a, b),
                        rng.standard_normal(a_shape), rng.standard_normal(b_shape), rtol=1e-6)
