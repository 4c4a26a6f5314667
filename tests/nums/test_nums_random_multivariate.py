"""nums.numpy.random: multivariate draws, permutations and the rest of NumPy's random API.

Draws cannot be compared element by element with NumPy's (each block has its own stream):
the tests compare shapes, dtypes and NumPy's own errors and warnings, check statistical
properties with fixed seeds and generous bounds, reproducibility and independent blocks.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import nums.numpy as nps

COV = np.array([[2.0, 0.6, 0.0], [0.6, 1.0, -0.3], [0.0, -0.3, 0.5]])
MEAN = np.array([1.0, -2.0, 0.5])


def _outcome(fn):
    """(exception type and message, or None; warning categories and messages)."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        try:
            fn()
            error = None
        except Exception as e:  # noqa: BLE001  (compared with NumPy's)
            error = (type(e), str(e))
    return error, sorted((w.category.__name__, str(w.message)) for w in seen)


def assert_same_outcome(ours, theirs):
    assert _outcome(ours) == _outcome(theirs)


# --------------------------------------------------------------- multivariate_normal
@pytest.mark.parametrize("method", ["svd", "eigh", "cholesky"])
def test_multivariate_normal_moments(method):
    g = nps.random.default_rng(11)
    x = g.multivariate_normal(MEAN, COV, size=6000, method=method, block_shape=(700, -1))
    assert x.shape == (6000, 3) and x.dtype == np.float64 and x.grid_shape == (9, 1)
    v = x.get()
    np.testing.assert_allclose(v.mean(axis=0), MEAN, atol=0.08)
    np.testing.assert_allclose(np.cov(v.T), COV, atol=0.1)


@pytest.mark.parametrize("size,block_shape", [
    (None, None), (5, None), ((4, 3), None), ((7, 2), (3, 1, 3)), ((0,), None), ((), None),
    ((9,), (2, -1)),
])
def test_multivariate_normal_shapes(size, block_shape):
    g, ref = nps.random.default_rng(3), np.random.default_rng(3)
    x = g.multivariate_normal(MEAN, COV, size=size, block_shape=block_shape)
    expected = ref.multivariate_normal(MEAN, COV, size=size)
    assert x.shape == expected.shape and x.dtype == expected.dtype
    assert np.isfinite(x.get()).all()


def test_multivariate_normal_reproducible_and_blocks_differ():
    def draw(seed):
        return nps.random.default_rng(seed).multivariate_normal(
            [0, 0], np.eye(2), size=40, block_shape=(10, 2)).get()
    a, b = draw(7), draw(7)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, draw(8))
    assert len({blk.tobytes() for blk in a.reshape(4, 10, 2)}) == 4


def test_multivariate_normal_parameters_as_blockarrays():
    g = nps.random.default_rng(0)
    x = g.multivariate_normal(nps.asarray(MEAN), nps.array(COV, block_shape=(2, 2)), size=3000)
    np.testing.assert_allclose(x.get().mean(axis=0), MEAN, atol=0.1)


BAD_MVN = [
    dict(mean=[[0.0]], cov=[[1.0]]),
    dict(mean=[0.0, 0.0], cov=[1.0, 1.0]),
    dict(mean=[0.0], cov=np.eye(2)),
    dict(mean=[0.0, 0.0], cov=np.eye(2), check_valid="x"),
    dict(mean=[0.0, 0.0], cov=np.eye(2), method="x"),
    dict(mean=[0j, 0], cov=np.eye(2)),
    dict(mean=[0.0, 0.0], cov=[[1.0, 2.0], [2.0, 1.0]]),  # not PSD: warns
    dict(mean=[0.0, 0.0], cov=[[1.0, 2.0], [2.0, 1.0]], check_valid="raise"),
    dict(mean=[0.0, 0.0], cov=[[1.0, 2.0], [2.0, 1.0]], check_valid="ignore"),
    dict(mean=[0.0, 0.0], cov=[[1.0, 2.0], [2.0, 1.0]], method="eigh"),
    dict(mean=[0.0, 0.0], cov=[[1.0, 2.0], [2.0, 1.0]], method="eigh", check_valid="raise"),
    dict(mean=[0.0, 0.0], cov=[[1.0, 2.0], [2.0, 1.0]], method="cholesky"),
    dict(mean=[0.0, 0.0], cov=[[1.0, 2.0], [3.0, 1.0]], check_valid="raise"),
    dict(mean=[0.0, 0.0], cov=[[1.0, 1e-3], [0.0, 1.0]], tol=1e-2),
]


@pytest.mark.parametrize("kwargs", BAD_MVN)
def test_multivariate_normal_errors_and_warnings_are_numpys(kwargs):
    assert_same_outcome(
        lambda: nps.random.default_rng(0).multivariate_normal(size=4, **kwargs),
        lambda: np.random.default_rng(0).multivariate_normal(size=4, **kwargs))


@pytest.mark.parametrize("kwargs", [k for k in BAD_MVN if "method" not in k])
def test_legacy_multivariate_normal(kwargs):
    ours = _outcome(lambda: nps.random.multivariate_normal(size=4, **kwargs))
    theirs = _outcome(lambda: np.random.multivariate_normal(size=4, **kwargs))
    if np.iscomplexobj(kwargs["mean"]):  # NumPy fails casting its output: a TypeError too
        assert issubclass(ours[0][0], TypeError) and issubclass(theirs[0][0], TypeError)
    else:
        assert ours == theirs
    nps.random.seed(1)
    x = nps.random.multivariate_normal(MEAN, COV, size=(2000,))
    assert x.shape == (2000, 3)
    np.testing.assert_allclose(x.get().mean(axis=0), MEAN, atol=0.12)


def test_event_axis_is_never_split():
    g = nps.random.default_rng(0)
    with pytest.raises(ValueError, match="splits a sample"):
        g.multivariate_normal(MEAN, COV, size=10, block_shape=(5, 2))
    with pytest.raises(ValueError, match="rank"):
        g.dirichlet([1.0, 2.0], size=10, block_shape=(5,))
    x = g.dirichlet(np.ones(5), size=(12, 4), block_shape=(5, 3, 5))
    assert x.block_shape == (5, 3, 5) and x.grid_shape == (3, 2, 1)


# --------------------------------------------------------------------- multinomial
@pytest.mark.parametrize("n,pvals,size,block_shape", [
    (20, [0.2, 0.3, 0.5], 500, (60, 3)),
    ([10, 20, 30], [0.25, 0.75], None, None),
    ([10, 20, 30], [[0.2, 0.8]], (2, 3), (1, 2, 2)),
    (np.array([[5], [50]]), np.array([[0.1, 0.9], [0.5, 0.5], [0.9, 0.1]]), (4, 2, 3),
     (3, 1, 2, 2)),
    (7, [[0.2, 0.8], [0.5, 0.5]], None, None),
    (0, [0.5, 0.5], 3, None),
    (10, [0.5, 0.5], (0, 2), None),
    (10, [0.2, 0.8], None, None),  # one count, no size: one draw (its count was made 1-d)
    (10, np.array([0.1, 0.2, 0.7]), (), None),
])
def test_multinomial_shapes_and_sums(n, pvals, size, block_shape):
    ref = np.random.default_rng(0).multinomial(n, pvals, size=size)
    x = nps.random.default_rng(4).multinomial(n, pvals, size=size, block_shape=block_shape)
    assert x.shape == ref.shape and x.dtype == ref.dtype
    v = x.get()
    np.testing.assert_array_equal(v.sum(axis=-1), np.broadcast_to(n, v.shape[:-1]))
    assert (v >= 0).all()


def test_multinomial_mean_and_blockarray_parameters():
    p = np.array([0.1, 0.2, 0.3, 0.4])
    g = nps.random.default_rng(5)
    v = g.multinomial(nps.asarray(100), nps.asarray(p), size=4000, block_shape=(300, 4)).get()
    np.testing.assert_allclose(v.mean(axis=0), 100 * p, atol=0.5)
    n = nps.array(np.arange(1, 9), block_shape=(3,))
    w = g.multinomial(n, p, block_shape=(3, 4)).get()
    np.testing.assert_array_equal(w.sum(axis=1), np.arange(1, 9))


def test_multinomial_many_trial_counts_are_checked_without_a_driver_draw():
    n = np.arange(1, 301)
    g = nps.random.default_rng(9)
    x = g.multinomial(n, [0.25, 0.75], block_shape=(40, 2))
    assert x.shape == (300, 2) and x.grid_shape == (8, 1)
    np.testing.assert_array_equal(x.get().sum(axis=1), n)
    assert_same_outcome(lambda: g.multinomial(np.array([1, -2, 3]), [0.5, 0.5]),
                        lambda: np.random.default_rng(0).multinomial(np.array([1, -2, 3]),
                                                                     [0.5, 0.5]))
    with pytest.raises(ValueError, match="shape mismatch"):
        g.multinomial(np.array([1, 2, 3]), [[0.5, 0.5], [0.2, 0.8]])
    with pytest.raises(ValueError, match="pvals < 0"):
        g.multinomial(np.array([1, 2, 3]), [-0.5, 1.5])


BAD_MULTINOMIAL = [
    (10, [-0.2, 0.6, 0.6], 4), (10, [np.nan, 0.3, 0.6], 4), (10, [0.2, 1.3], 4),
    (-1, [0.2, 0.8], 4), (10, 0.5, 4), (10, [], 3), ([10, 20, 30], [0.2, 0.8], (2, 2)),
    ([10, 20], [[0.2, 0.8], [0.3, 0.7], [0.5, 0.5]], None), (10, [[0.2, 0.8]], 3),
]


@pytest.mark.parametrize("n,pvals,size", BAD_MULTINOMIAL)
def test_multinomial_errors_are_numpys(n, pvals, size):
    ours = _outcome(lambda: nps.random.default_rng(0).multinomial(n, pvals, size=size))
    theirs = _outcome(lambda: np.random.default_rng(0).multinomial(n, pvals, size=size))
    if theirs[0] is not None and "shape mismatch" in theirs[0][1]:  # NumPy names its args
        assert ours[0][0] is ValueError and "shape mismatch" in ours[0][1]
    else:
        assert ours == theirs
    assert_same_outcome(lambda: nps.random.multinomial(n, pvals, size=size),
                        lambda: np.random.multinomial(n, pvals, size=size))


def test_legacy_multinomial_and_dirichlet():
    nps.random.seed(2)
    m = nps.random.multinomial(30, [0.5, 0.25, 0.25], size=(6, 5))
    assert m.shape == (6, 5, 3) and (m.get().sum(axis=-1) == 30).all()
    d = nps.random.dirichlet([2.0, 2.0], size=7)
    assert d.shape == (7, 2)
    np.testing.assert_allclose(d.get().sum(axis=1), 1.0)


# --------------------------------------------------------------------- dirichlet
def test_dirichlet_moments():
    alpha = np.array([1.0, 2.0, 3.0, 4.0])
    g = nps.random.default_rng(6)
    x = g.dirichlet(alpha, size=(3000,), block_shape=(250, 4))
    v = x.get()
    assert v.dtype == np.float64 and (v > 0).all()
    np.testing.assert_allclose(v.sum(axis=1), 1.0)
    np.testing.assert_allclose(v.mean(axis=0), alpha / alpha.sum(), atol=0.02)
    assert g.dirichlet(nps.asarray(alpha)).shape == (4,)


@pytest.mark.parametrize("alpha", [[1.0, -2.0, 3.0], [[1.0, 2.0]], 1.0, [0.0, 1.0]])
def test_dirichlet_errors_are_numpys(alpha):
    assert_same_outcome(lambda: nps.random.default_rng(0).dirichlet(alpha, size=3),
                        lambda: np.random.default_rng(0).dirichlet(alpha, size=3))
    assert_same_outcome(lambda: nps.random.dirichlet(alpha, size=3),
                        lambda: np.random.dirichlet(alpha, size=3))


# ------------------------------------------------------ multivariate_hypergeometric
@pytest.mark.parametrize("method", ["marginals", "count"])
def test_multivariate_hypergeometric(method):
    colors = np.array([16, 8, 4])
    g = nps.random.default_rng(8)
    x = g.multivariate_hypergeometric(colors, 14, size=(2000,), method=method,
                                      block_shape=(300, 3))
    ref = np.random.default_rng(0).multivariate_hypergeometric(colors, 14, size=(2000,))
    assert x.shape == ref.shape and x.dtype == ref.dtype
    v = x.get()
    assert (v.sum(axis=1) == 14).all() and (v <= colors).all() and (v >= 0).all()
    np.testing.assert_allclose(v.mean(axis=0), 14 * colors / colors.sum(), atol=0.15)


@pytest.mark.parametrize("colors,nsample,kw", [
    ([3, -4, 5], 6, {}), ([3, 4, 5], 13, {}), ([3, 4, 5], -1, {}),
    ([3, 4, 5], 6, {"method": "x"}), ([[3, 4]], 2, {}), ([3.5, 4], 2, {}),
    ([3, 4], np.array([1, 2]), {}),
])
def test_multivariate_hypergeometric_errors_are_numpys(colors, nsample, kw):
    assert_same_outcome(
        lambda: nps.random.default_rng(0).multivariate_hypergeometric(colors, nsample, 3, **kw),
        lambda: np.random.default_rng(0).multivariate_hypergeometric(colors, nsample, 3, **kw))


# ------------------------------------------------------------------ permutations
def test_permuted_shuffles_each_slice_independently():
    a = np.arange(60).reshape(6, 10)
    x = nps.array(a, block_shape=(4, 3))
    g = nps.random.default_rng(12)
    rows = g.permuted(x, axis=1)
    assert rows.shape == a.shape and rows.dtype == a.dtype
    v = rows.get()
    np.testing.assert_array_equal(np.sort(v, axis=1), a)
    assert not np.array_equal(v, a)
    assert len({tuple(np.argsort(r)) for r in v}) > 1  # rows shuffled independently
    cols = g.permuted(x, axis=0).get()
    np.testing.assert_array_equal(np.sort(cols, axis=0), a)
    flat = g.permuted(x).get()
    np.testing.assert_array_equal(np.sort(flat.ravel()), a.ravel())
    np.testing.assert_array_equal(x.get(), a)  # the input is left alone
    out = nps.zeros((6, 10), dtype=a.dtype, block_shape=(2, 5))
    assert g.permuted(x, axis=1, out=out) is out
    np.testing.assert_array_equal(np.sort(out.get(), axis=1), a)
    with pytest.raises(np.exceptions.AxisError):
        g.permuted(x, axis=2)


def test_permutation_shuffle_choice_along_axes():
    a = np.arange(24).reshape(4, 6)
    g = nps.random.default_rng(13)
    p = g.permutation(nps.array(a, block_shape=(3, 4)), axis=1).get()
    np.testing.assert_array_equal(np.sort(p, axis=1), a)
    assert len({tuple(r - r[0]) for r in p}) == 1  # whole columns moved
    x = nps.array(a, block_shape=(3, 4))
    view = x[1:]
    g.shuffle(x, axis=1)
    v = x.get()
    np.testing.assert_array_equal(np.sort(v, axis=1), a)
    np.testing.assert_array_equal(view.get(), v[1:])  # the view sees the shuffle
    c = g.choice(nps.array(a, block_shape=(3, 4)), size=5, axis=1).get()
    assert c.shape == (4, 5) and set(c[0]) <= set(a[0])
    np.testing.assert_array_equal(c - c[0], np.broadcast_to((np.arange(4) * 6)[:, None], c.shape))
    r = g.choice(nps.array(a, block_shape=(3, 4)), size=(2, 2)).get()
    assert r.shape == (2, 2, 6)
    assert g.choice(4, size=4, replace=False, shuffle=False).shape == (4,)


def test_choice_with_probabilities_draws_in_blocks():
    p = np.array([0.1, 0.2, 0.3, 0.4])
    g = nps.random.default_rng(15)
    c = g.choice(4, size=(4000,), p=p)
    assert c.dtype == np.random.default_rng(0).choice(4, size=2, p=p).dtype
    # drawn block by block (one block when the session's blocks are large: 'local' tests)
    assert c.grid_shape[0] > 1 or nps.zeros(4000, dtype=c.dtype).grid_shape == (1,)
    v = c.get()
    np.testing.assert_allclose(np.bincount(v, minlength=4) / v.size, p, atol=0.03)
    blocks = np.array_split(v, c.grid_shape[0])  # a shared stream would repeat every block
    assert len({b.tobytes() for b in blocks}) > 0.8 * len(blocks)
    pool = nps.arange(10, 14)
    w = g.choice(pool, size=(6, 3), p=nps.asarray([0.0, 0.0, 0.5, 0.5])).get()
    assert w.shape == (6, 3) and set(w.ravel()) <= {12, 13}
    assert_same_outcome(lambda: g.choice(4, size=3, p=[0.5, 0.6, 0.0, 0.0]),
                        lambda: np.random.default_rng(0).choice(4, size=3,
                                                                p=[0.5, 0.6, 0.0, 0.0]))
    assert_same_outcome(lambda: g.choice(4, size=3, p=[0.5, 0.5]),
                        lambda: np.random.default_rng(0).choice(4, size=3, p=[0.5, 0.5]))


def test_integers_with_array_bounds():
    g = nps.random.default_rng(16)
    low, high = np.array([0, 10, 100]), np.array([5, 20, 200])
    x = g.integers(low, high, size=(60, 3))
    assert x.dtype == np.int64 and x.shape == (60, 3)
    v = x.get()
    assert (v >= low).all() and (v < high).all()
    y = g.integers(nps.asarray([3, 4]), size=(40, 2), dtype=np.int8, endpoint=True)
    assert y.dtype == np.int8
    w = y.get()
    assert (w >= 0).all() and (w <= [3, 4]).all() and (w == 4).any()
    assert g.integers([1, 2], 5).shape == (2,)
    for args in ((np.array([5, 1]), np.array([3, 4])), (np.array([1, 2]), 3, (4,))):
        ours = _outcome(lambda a=args: g.integers(*a))
        theirs = _outcome(lambda a=args: np.random.default_rng(0).integers(*a))
        assert ours[0][0] is theirs[0][0] is ValueError


def test_out_is_filled_in_place_with_numpys_checks():
    g = nps.random.default_rng(18)
    for method in ("random", "standard_normal", "standard_exponential"):
        out = nps.zeros((7, 3), block_shape=(3, 2))
        assert getattr(g, method)(out=out) is out
        v = out.get()
        assert v.shape == (7, 3) and len(np.unique(v)) == 21
        out32 = nps.zeros(4, dtype=np.float32)
        getattr(g, method)(out=out32, dtype=np.float32)
        assert (out32.get() != 0).all()
        bad = [  # (nums arguments, NumPy's)
            ({"out": nps.zeros(3, dtype=np.float32)}, {"out": np.zeros(3, np.float32)}),
            ({"out": nps.zeros(3), "size": 4}, {"out": np.zeros(3), "size": 4}),
            ({"out": nps.zeros((3, 2))[:, 0]}, {"out": np.zeros((3, 2))[:, 0]}),
        ]
        fn, ref = getattr(g, method), getattr(np.random.default_rng(0), method)
        for ours, theirs in bad:
            assert_same_outcome(lambda k=ours, f=fn: f(**k), lambda k=theirs, f=ref: f(**k))


def test_standard_exponential_gamma_dtypes_and_out():
    g, ref = nps.random.default_rng(14), np.random.default_rng(14)
    for kw in ({}, {"dtype": np.float32}):
        e = g.standard_exponential(size=(300,), **kw)
        assert e.dtype == ref.standard_exponential(size=3, **kw).dtype
        assert e.get().min() >= 0 and abs(e.get().mean() - 1) < 0.2
        s = g.standard_gamma(np.array([1.0, 5.0]), size=(500, 2), **kw)
        assert s.dtype == ref.standard_gamma(2.0, size=2, **kw).dtype
        np.testing.assert_allclose(s.get().mean(axis=0), [1.0, 5.0], rtol=0.15)
    out = nps.zeros((50,), block_shape=(20,))
    assert g.standard_exponential(out=out) is out and out.get().min() > 0
    assert np.isscalar(g.standard_gamma(2.0))
    with pytest.raises(ValueError):
        g.standard_gamma(-1.0, size=3)
    assert nps.random.standard_gamma(2.0, size=4).shape == (4,)
    assert nps.random.standard_exponential(4).shape == (4,)


def test_spawn_bytes_bit_generator_and_seeds():
    g = nps.random.default_rng(21)
    a, b = g.spawn(2)
    ra, rb = a.random(50, block_shape=(10,)).get(), b.random(50, block_shape=(10,)).get()
    assert not np.array_equal(ra, rb)
    a2 = nps.random.default_rng(21).spawn(1)[0]
    np.testing.assert_array_equal(a2.random(50, block_shape=(10,)).get(), ra)
    parent = nps.random.default_rng(21).random(50, block_shape=(10,)).get()
    assert not np.array_equal(parent, ra)
    data = g.bytes(7)
    assert isinstance(data, bytes) and len(data) == 7
    assert isinstance(g.bit_generator, np.random.BitGenerator)
    ss = np.random.SeedSequence(5)
    same = [nps.random.Generator(s).random(20, block_shape=(5,)).get()
            for s in (ss, np.random.PCG64(ss), 5)]
    np.testing.assert_array_equal(same[0], same[1])
    np.testing.assert_array_equal(same[0], same[2])
    kids = ss.spawn(2)
    assert not np.array_equal(nps.random.Generator(kids[0]).random(20).get(),
                              nps.random.Generator(kids[1]).random(20).get())
    assert nps.random.SeedSequence is np.random.SeedSequence


def test_random_integers_is_deprecated_like_numpys():
    with pytest.warns(DeprecationWarning):
        r = nps.random.random_integers(3, 5, size=200)
    v = r.get()
    assert v.min() >= 3 and v.max() <= 5 and set(v) == {3, 4, 5}


def test_every_numpy_random_name_is_there():
    modules = {"mtrand", "bit_generator", "test"}  # numpy's submodules and test runner
    missing = [n for n in dir(np.random) if not n.startswith("_") and n not in modules
               and not hasattr(nps.random, n)]
    assert missing == []
    missing = [n for n in dir(np.random.Generator) if not n.startswith("_")
               and not hasattr(nps.random.Generator, n)]
    assert missing == []
    missing = [n for n in dir(np.random.RandomState) if not n.startswith("_")
               and not hasattr(nps.random.RandomState, n)]
    assert missing == []
    legacy = {"tomaxint"}  # a RandomState method only
    missing = [n for n in dir(np.random.RandomState) if not n.startswith("_")
               and n not in legacy and not hasattr(nps.random, n)]
    assert missing == []


def test_random_state_and_the_global_state():
    rs = nps.random.RandomState(17)
    a = rs.rand(30, 2)
    assert a.shape == (30, 2) and a.dtype == np.float64
    np.testing.assert_array_equal(nps.random.RandomState(17).rand(30, 2).get(), a.get())
    state = rs.get_state()
    b = rs.normal(2.0, 1.0, size=(40,)).get()
    c = rs.normal()
    rs.set_state(state)  # the same draws again, blocks and driver values
    np.testing.assert_array_equal(rs.normal(2.0, 1.0, size=(40,)).get(), b)
    assert rs.normal() == c
    with pytest.raises(ValueError, match="get_state"):
        rs.set_state(np.random.RandomState(0).get_state())
    m = rs.multinomial(10, [0.5, 0.5], size=4).get()
    assert (m.sum(axis=1) == 10).all()
    t = rs.tomaxint(size=5)
    assert t.dtype == np.random.RandomState(0).tomaxint(size=5).dtype and t.get().min() >= 0
    assert rs.randint(3, size=10).get().max() < 3
    nps.random.seed(5)
    first = nps.random.rand(8)
    saved = nps.random.get_state()
    second = nps.random.rand(8).get()
    nps.random.set_state(saved)
    np.testing.assert_array_equal(nps.random.rand(8).get(), second)
    nps.random.seed(5)
    np.testing.assert_array_equal(nps.random.rand(8).get(), first.get())
    assert isinstance(nps.random.get_bit_generator(), np.random.BitGenerator)
    nps.random.set_bit_generator(np.random.PCG64(9))
    x = nps.random.random(6).get()
    nps.random.set_bit_generator(np.random.PCG64(9))
    np.testing.assert_array_equal(nps.random.random(6).get(), x)
