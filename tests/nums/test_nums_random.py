"""nums.numpy.random: per-block streams, reproducibility, distributions' shapes and ranges."""

from __future__ import annotations

import numpy as np
import pytest
from nums_helpers import assert_same

import nums.numpy as nps


def test_seed_reproducible_and_blocks_independent():
    nps.random.seed(42)
    a = nps.random.rand(40, 3).get()
    nps.random.seed(42)
    b = nps.random.rand(40, 3).get()
    np.testing.assert_array_equal(a, b)
    c = nps.random.rand(40, 3).get()
    assert not np.array_equal(b, c)  # a new call draws new streams
    x = nps.random.default_rng(5).random((64,), block_shape=(8,)).get()
    blocks = x.reshape(8, 8)
    assert len({tuple(r) for r in blocks}) == 8  # no two blocks share a stream


def test_reproducible_for_seed_and_layout():
    g1 = nps.random.default_rng(123).standard_normal((30, 4), block_shape=(7, 4)).get()
    g2 = nps.random.default_rng(123).standard_normal((30, 4), block_shape=(7, 4)).get()
    np.testing.assert_array_equal(g1, g2)


@pytest.mark.parametrize(
    "fn,args,kind",
    [
        ("rand", (50, 4), "f"),
        ("randn", (50, 4), "f"),
        ("random", ((50, 4),), "f"),
        ("random_sample", ((200,),), "f"),
        ("standard_normal", ((20, 3),), "f"),
    ],
)
def test_legacy_float_draws(fn, args, kind):
    x = getattr(nps.random, fn)(*args)
    v = x.get()
    assert v.dtype == np.float64 and v.shape == np.random.rand(1).shape[:0] + v.shape
    if fn in ("rand", "random", "random_sample"):
        assert v.min() >= 0 and v.max() < 1


def test_distributions():
    nps.random.seed(0)
    n = 4000
    u = nps.random.uniform(2, 5, size=n).get()
    assert u.min() >= 2 and u.max() < 5 and abs(u.mean() - 3.5) < 0.1
    z = nps.random.normal(3, 2, size=(n,)).get()
    assert abs(z.mean() - 3) < 0.2 and abs(z.std() - 2) < 0.2
    e = nps.random.exponential(2.0, size=n).get()
    assert e.min() >= 0 and abs(e.mean() - 2) < 0.2
    p = nps.random.poisson(4.0, size=n).get()
    assert p.dtype.kind == "i" and abs(p.mean() - 4) < 0.2
    b = nps.random.binomial(10, 0.3, size=n).get()
    assert b.min() >= 0 and b.max() <= 10 and abs(b.mean() - 3) < 0.2
    r = nps.random.randint(3, 9, size=(n,)).get()
    assert r.min() >= 3 and r.max() <= 8 and r.dtype == np.int64
    r8 = nps.random.randint(5, size=10, dtype=np.int8)
    assert r8.dtype == np.int8
    assert isinstance(nps.random.rand(), float)
    assert np.isscalar(nps.random.normal())


def test_permutation_shuffle_choice():
    nps.random.seed(1)
    p = nps.random.permutation(20).get()
    assert sorted(p) == list(range(20))
    a = np.arange(30).reshape(10, 3)
    x = nps.array(a, block_shape=(3, 2))
    px = nps.random.permutation(x).get()
    assert sorted(map(tuple, px)) == sorted(map(tuple, a))
    nps.random.shuffle(x)
    assert sorted(map(tuple, x.get())) == sorted(map(tuple, a))
    c = nps.random.choice(5, size=100).get()
    assert set(c) <= set(range(5))
    c2 = nps.random.choice(nps.array([10, 20, 30], block_shape=(2,)), size=(50,)).get()
    assert set(c2) <= {10, 20, 30} and len(set(c2)) > 1
    c3 = nps.random.choice(10, size=10, replace=False).get()
    assert sorted(c3) == list(range(10))
    c4 = nps.random.choice(3, size=200, p=[0.0, 0.5, 0.5]).get()
    assert 0 not in set(c4)


def test_generator_methods():
    g = nps.random.default_rng(9)
    assert g.random((5, 5)).shape == (5, 5)
    i = g.integers(0, 10, size=(100,), endpoint=True).get()
    assert i.min() >= 0 and i.max() <= 10
    assert g.integers(0, 2, size=3, dtype=np.int32).dtype == np.int32
    assert g.normal(0, 1, size=7).shape == (7,)
    assert g.standard_normal(size=(2, 3), dtype=np.float32).dtype == np.float32
    assert g.uniform(size=4).shape == (4,)
    assert g.exponential(size=4).shape == (4,)
    assert g.poisson(2.0, size=4).shape == (4,)
    assert g.binomial(3, 0.5, size=4).shape == (4,)
    assert sorted(g.permutation(6).get()) == list(range(6))
    assert g.choice(4, size=3).shape == (3,)
    assert nps.random.default_rng(g) is g


def test_errors():
    with pytest.raises(ValueError):
        nps.random.normal(0, -1, size=3)
    with pytest.raises(ValueError):
        nps.random.randint(5, 5, size=3)
    with pytest.raises(ValueError, match="lam < 0"):  # checked at the call, as NumPy
        nps.random.default_rng(0).poisson(np.array([1.0, -1.0]), size=(3, 2))
    with pytest.raises(ValueError, match="lam < 0"):  # a BlockArray's: when it is read
        nps.random.default_rng(0).poisson(nps.asarray([1.0, -1.0]), size=(3, 2)).get()
    with pytest.raises(ValueError, match="shape mismatch"):
        nps.random.default_rng(0).normal(np.zeros(3), size=(2,))
    with pytest.raises(ValueError):
        nps.random.binomial(3, 1.5, size=2)


def test_values_usable_in_math():
    nps.random.seed(3)
    x = nps.random.randn(30, 4)
    assert_same(nps.mean(x, axis=0), x.get().mean(axis=0), rtol=1e-12)


# every univariate distribution: parameters valid for NumPy, as scalars
VALID = {
    "beta": (2.0, 3.0), "binomial": (10, 0.3), "chisquare": (3.0,), "exponential": (2.0,),
    "f": (5.0, 7.0), "gamma": (2.0, 1.5), "geometric": (0.3,), "gumbel": (1.0, 2.0),
    "hypergeometric": (10, 5, 6), "laplace": (1.0, 2.0), "logistic": (1.0, 2.0),
    "lognormal": (0.0, 0.5), "logseries": (0.6,), "negative_binomial": (5, 0.4),
    "noncentral_chisquare": (3.0, 1.0), "noncentral_f": (5.0, 7.0, 1.0), "normal": (1.0, 2.0),
    "pareto": (3.0,), "poisson": (4.0,), "power": (2.0,), "rayleigh": (2.0,),
    "standard_cauchy": (), "standard_t": (5.0,), "triangular": (0.0, 1.0, 3.0),
    "uniform": (2.0, 5.0), "vonmises": (0.0, 2.0), "wald": (1.0, 2.0), "weibull": (2.0,),
    "zipf": (2.5,),
}


def test_every_distribution_is_there_with_numpys_dtype_and_shapes():
    from nums.numpy.random import DISTRIBUTIONS
    assert sorted(VALID) == sorted(DISTRIBUTIONS)
    rng, ref = nps.random.default_rng(5), np.random.default_rng(5)
    for name, args in VALID.items():
        expected = getattr(ref, name)(*args, size=(40, 3))
        got = getattr(rng, name)(*args, size=(40, 3), block_shape=(7, 2))
        assert got.shape == expected.shape and got.dtype == expected.dtype, name
        v = got.get()
        assert np.isfinite(v.astype(float)).all() or name == "standard_cauchy", name
        # the module's legacy function too (the global generator)
        legacy = getattr(nps.random, name)(*args, size=5)
        assert legacy.shape == (5,) and legacy.dtype == expected.dtype, name
        scalar = getattr(rng, name)(*args)
        assert np.ndim(scalar) == 0 and not isinstance(scalar, nps.BlockArray), name


@pytest.mark.parametrize("as_blockarray", [False, True])
def test_array_parameters_broadcast_as_numpy(as_blockarray):
    """Each element is drawn with its own parameters: with a negligible spread the draw is
    the parameter itself, wherever its block lies."""
    wrap = (lambda a: nps.array(a, block_shape=(3,) * a.ndim)) if as_blockarray else (
        lambda a: a)
    rng = nps.random.default_rng(1)
    loc = np.arange(7.0)[:, None] * 100 + np.arange(5.0)  # (7, 5)
    got = rng.normal(wrap(loc), 1e-12, block_shape=(2, 2))
    assert got.shape == (7, 5)
    np.testing.assert_allclose(got.get(), loc, atol=1e-6)
    col = np.arange(4.0)[:, None] * 10  # (4, 1) against size (2, 4, 6)
    got = rng.uniform(wrap(col), wrap(col) + 1e-9 if not as_blockarray else col + 1e-9,
                      size=(2, 4, 6), block_shape=(1, 3, 4))
    np.testing.assert_allclose(got.get(), np.broadcast_to(col, (2, 4, 6)), atol=1e-6)
    lam = np.array([0.0, 1e-300, 0.0])
    counts = rng.poisson(wrap(lam), size=(5, 3)).get()
    assert counts.dtype == np.int64 and (counts == 0).all()
    n = np.array([0, 4, 9])
    b = rng.binomial(wrap(n), 1.0, size=(6, 3)).get()  # p = 1: exactly n
    np.testing.assert_array_equal(b, np.broadcast_to(n, (6, 3)))


def test_array_parameter_draws_are_reproducible_and_independent():
    lam = np.full((20, 4), 5.0)
    a = nps.random.default_rng(3).poisson(lam, block_shape=(5, 2)).get()
    b = nps.random.default_rng(3).poisson(lam, block_shape=(5, 2)).get()
    np.testing.assert_array_equal(a, b)
    blocks = [a[i:i + 5, j:j + 2] for i in range(0, 20, 5) for j in range(0, 4, 2)]
    assert len({blk.tobytes() for blk in blocks}) == len(blocks)  # own streams


def test_single_draws_have_numpys_python_types():
    # size=None draws are NumPy's values and types (a Python float or int where NumPy
    # returns one: ``isinstance(np.random.randint(5), int)`` holds in NumPy)
    for draw in (lambda r: r.randint(5), lambda r: r.randint(5, dtype=np.int32),
                 lambda r: r.rand(), lambda r: r.randn(), lambda r: r.random_sample(),
                 lambda r: r.normal(), lambda r: r.poisson()):
        assert type(draw(nps.random)) is type(draw(np.random))
    for draw in (lambda g: g.random(), lambda g: g.standard_normal(), lambda g: g.integers(5),
                 lambda g: g.random(dtype=np.float32)):
        assert type(draw(nps.random.default_rng(1))) is type(draw(np.random.default_rng(1)))


def test_permutation_of_0d_raises_each_api_s_own_error():
    """Generator.permutation of a 0-d array raises NumPy's AxisError (a ValueError too);
    RandomState's, NumPy's IndexError."""
    with pytest.raises(np.exceptions.AxisError):
        nps.random.default_rng(0).permutation("abc")
    with pytest.raises(IndexError, match="at least 1-dimensional"):
        nps.random.RandomState(0).permutation(nps.asarray(np.array(2.0)))


def test_array_parameters_in_blocks_keep_numpys_dtypes_and_checks(layout):
    """Parameters held in blocks: the result's dtype is NumPy's (integers gave float64),
    and a mix of driver and distributed parameters draws (its checks run where the blocks
    draw); the legacy API's own checks (a 1-d population, a 32-bit seed)."""
    g = nps.random.default_rng(0)
    assert g.integers(nps.asarray(np.array([0, 1])), 10, dtype=np.int16).dtype == np.int16
    assert nps.random.randint(0, nps.asarray(np.array([5, 10]))).dtype == np.int64
    assert g.standard_gamma(nps.asarray(np.array([1.0, 2.0])), dtype=np.float32).dtype == \
        np.float32
    u = g.uniform(np.array([0.0, 5.0]), nps.asarray(np.array([1.0, 6.0]))).get()
    assert u.shape == (2,) and (u[0] < 1 <= 5 <= u[1] < 6)
    t = g.triangular(nps.asarray(np.array(0.0)), 1.0, np.array([2.0, 3.0])).get()
    assert t.shape == (2,) and (t >= 0).all()
    with pytest.raises(ValueError, match="1-dimensional"):
        nps.random.choice(nps.asarray(np.arange(6).reshape(3, 2)), 2)
    with pytest.raises(ValueError):
        nps.random.seed(2**33)


def test_choice_permuted_shuffle_edges_as_numpy():
    """float32 probabilities take NumPy's float32 tolerance of their sum (nums refused them);
    no samples of an empty population are an empty result; permuted's out casts safely only;
    a 0-d array is NumPy's TypeError for shuffle and permuted; draws into an F-ordered out."""
    rng = nps.random.default_rng(0)
    p32 = np.ones(7, np.float32) / 7
    p32[0] += 2e-6  # off by more than float64's tolerance, within float32's
    for p in (p32, nps.asarray(p32)):
        assert rng.choice(7, 5, p=p).shape == (5,)
        assert nps.random.choice(7, 5, p=p).shape == (5,)
        assert rng.choice(7, 3, replace=False, p=p).shape == (3,)
    p64 = np.ones(7) / 7
    p64[0] += 1e-4
    with pytest.raises(ValueError, match="sum to 1"):
        rng.choice(7, 5, p=p64)
    assert_same(rng.choice(0, 0), np.zeros(0, np.int64))
    assert_same(rng.choice(0, (2, 0)), np.zeros((2, 0), np.int64))
    assert nps.random.choice([], 0).shape == (0,)
    assert rng.choice(nps.zeros((0, 3)), 0).shape == (0, 3)
    with pytest.raises(ValueError):
        rng.choice(0, 1)
    with pytest.raises(TypeError, match="safe"):
        rng.permuted(nps.arange(4.0), out=nps.zeros(4, np.float32))
    out = nps.zeros(4)
    rng.permuted(nps.arange(4), out=out)
    assert sorted(out.get()) == [0, 1, 2, 3]
    for shuffle in (rng.shuffle, nps.random.shuffle, rng.permuted):
        with pytest.raises(TypeError, match="unsized"):
            shuffle(nps.array(5.0))
    a = nps.zeros((3, 4))
    rng.random(out=a.T)
    assert bool(((a > 0) & (a < 1)).all())
