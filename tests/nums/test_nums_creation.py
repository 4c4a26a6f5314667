"""Creation functions, dtype and constant re-exports."""

from __future__ import annotations

import numpy as np
import pytest
from nums_helpers import assert_same

import nums.numpy as nps


@pytest.mark.parametrize(
    "obj",
    [
        [1, 2, 3],
        [[1.5, 2], [3, 4]],
        7,
        2.5,
        True,
        [[1 + 2j]],
        np.arange(30).reshape(5, 6),
        np.zeros((0, 4)),
        [[True, False]],
    ],
)
def test_array_asarray(obj):
    assert_same(nps.array(obj), np.array(obj))
    assert_same(nps.asarray(obj), np.asarray(obj))
    if np.asarray(obj).dtype.kind != "c":
        assert_same(nps.array(obj, dtype=np.float32), np.array(obj, dtype=np.float32))


@pytest.mark.parametrize("block_shape", [(3, 5), (4, 2), (2, 3)])
def test_asarray_holds_its_own_copy(block_shape):
    # rows, columns (non-contiguous parts) and both: each block is written once into the
    # store, and the NumPy array given may be changed afterwards
    x = np.arange(20.0).reshape(4, 5)
    a = nps.array(x, block_shape=block_shape)
    b = nps.asarray(np.asfortranarray(x))
    x[:] = -1
    assert_same(a, np.arange(20.0).reshape(4, 5))
    assert_same(b, np.arange(20.0).reshape(4, 5))


def test_array_from_blockarray_and_block_shape():
    x = nps.array(np.arange(20).reshape(4, 5), block_shape=(3, 2))
    assert x.block_shape == (3, 2) and x.grid_shape == (2, 3)
    y = nps.asarray(x)
    assert y is x
    z = nps.array(x)
    assert z is not x
    assert_same(z, np.arange(20).reshape(4, 5))
    w = nps.array(x, block_shape=(4, 1))
    assert w.block_shape == (4, 1)
    assert_same(w, np.arange(20).reshape(4, 5))
    assert_same(nps.array([1, 2], ndmin=3), np.array([1, 2], ndmin=3))


def test_array_does_not_alias_input():
    a = np.arange(10.0)
    x = nps.array(a, block_shape=(10,))
    a[0] = 99
    assert x.get()[0] == 0


@pytest.mark.parametrize("shape", [(), (7,), (5, 6), (3, 0, 2), 4])
@pytest.mark.parametrize("dtype", [None, np.int32, bool, np.complex64])
def test_filled(shape, dtype):
    for name in ("zeros", "ones", "empty"):
        kw = {} if dtype is None else {"dtype": dtype}
        got = getattr(nps, name)(shape, **kw)
        exp = getattr(np, name)(shape, **kw)
        if name == "empty":
            assert got.shape == exp.shape and got.dtype == exp.dtype
        else:
            assert_same(got, exp)
    assert_same(nps.full(shape, 3, dtype=dtype), np.full(shape, 3, dtype=dtype))
    assert_same(nps.full(shape, 2.5), np.full(shape, 2.5))


def test_like_functions():
    a = np.arange(12, dtype=np.int16).reshape(3, 4)
    x = nps.array(a, block_shape=(2, 3))
    for name in ("zeros_like", "ones_like"):
        got = getattr(nps, name)(x)
        assert_same(got, getattr(np, name)(a))
        assert got.block_shape == (2, 3)
    assert_same(nps.full_like(x, 7), np.full_like(a, 7))
    assert_same(nps.full_like(x, 7.5, dtype=float), np.full_like(a, 7.5, dtype=float))
    assert nps.empty_like(x).shape == (3, 4)
    assert_same(nps.zeros_like(a, dtype=np.float32), np.zeros_like(a, dtype=np.float32))


@pytest.mark.parametrize(
    "args",
    [(10,), (2, 11), (2, 11, 3), (10, 0, -2), (0.5, 3.2, 0.3), (5, 1), (0, 1, 0.1), (-3, 3)],
)
def test_arange(args):
    assert_same(nps.arange(*args), np.arange(*args), rtol=1e-12)


def test_arange_is_numpys_bit_for_bit():
    # NumPy fills arange as first + i * (second - first) in the result's dtype, from the casts
    # of start and start + step: with an integer dtype and float arguments, or float32,
    # float16 and some float64 steps, start + i * step gives other values
    rng = np.random.default_rng(1206)
    dtypes = [None, np.float64, np.float32, np.float16, np.int64, np.int8, np.uint8,
              np.complex64, np.complex128]
    cases = [((0.5, 5, 1.5), int), ((-1.5, 7, 1.2), np.int8), ((0.1, 1.0, 0.2), None),
             ((0, 1, 0.1), np.float16), ((0.1, 1.0, 0.2), np.float32)]
    for _ in range(60):
        start, step = float(np.round(rng.uniform(-10, 10), 1)), float(rng.uniform(0.05, 3))
        stop = start + step * rng.integers(0, 40) + 0.01
        cases.append(((start, stop, step), dtypes[rng.integers(len(dtypes))]))
    cases += [((-1, 0, 1), np.uint8), ((-3.9, 5, 1.2), np.uint8), ((250, 300, 7), np.uint8),
              ((0.5, 300.2, 7.3), np.uint8), ((250, 252, 7), np.uint8)]  # raises, wraps
    for args, dtype in cases:
        try:
            want = np.arange(*args, dtype=dtype)
        except OverflowError as e:
            with pytest.raises(OverflowError, match=str(e)):
                nps.arange(*args, dtype=dtype)
            continue
        for block in (None, (3,)):
            got = nps.arange(*args, dtype=dtype, block_shape=block).get()
            assert got.dtype == want.dtype
            np.testing.assert_array_equal(got, want, strict=True, err_msg=f"{args} {dtype}")


def test_arange_dtype_and_block_shape():
    assert_same(nps.arange(7, dtype=np.float32), np.arange(7, dtype=np.float32))
    assert nps.arange(100, block_shape=(7,)).grid_shape == (15,)


@pytest.mark.parametrize(
    "args,kw",
    [
        ((0, 1), {}),
        ((0, 1, 7), {}),
        ((2, -3, 10), {"endpoint": False}),
        ((0, 10, 6), {"dtype": int}),
        ((1, 1, 5), {}),
        ((0, 1, 1), {}),
        ((0, 1, 0), {}),
    ],
)
def test_linspace(args, kw):
    assert_same(nps.linspace(*args, **kw), np.linspace(*args, **kw), rtol=1e-12, atol=1e-15)


def test_linspace_retstep_and_logspace():
    got, step = nps.linspace(0, 1, 9, retstep=True)
    exp, estep = np.linspace(0, 1, 9, retstep=True)
    assert_same(got, exp)
    assert step == estep
    assert_same(nps.logspace(0, 3, 7), np.logspace(0, 3, 7), rtol=1e-12)
    assert_same(nps.logspace(0, 3, 4, base=2.0), np.logspace(0, 3, 4, base=2.0), rtol=1e-12)


@pytest.mark.parametrize("args", [(5,), (4, 7), (6, 4, 1), (6, 4, -2), (5, 5, 9)])
def test_eye_tri(args):
    assert_same(nps.eye(*args), np.eye(*args))
    assert_same(nps.tri(*args), np.tri(*args))
    assert_same(nps.eye(*args, dtype=int), np.eye(*args, dtype=int))


def test_identity():
    assert_same(nps.identity(6), np.identity(6))
    assert_same(nps.identity(3, dtype=bool), np.identity(3, dtype=bool))


@pytest.mark.parametrize("k", [-3, -1, 0, 2, 5])
def test_tril_triu(k):
    a = np.arange(1, 43).reshape(6, 7)
    x = nps.array(a, block_shape=(4, 3))
    assert_same(nps.tril(x, k), np.tril(a, k))
    assert_same(nps.triu(x, k), np.triu(a, k))


@pytest.mark.parametrize("k", [-2, 0, 1, 4])
def test_diag(k):
    v = np.arange(1, 8)
    assert_same(nps.diag(nps.array(v, block_shape=(3,)), k), np.diag(v, k))
    m = np.arange(42).reshape(6, 7)
    assert_same(nps.diag(nps.array(m, block_shape=(4, 3)), k), np.diag(m, k))


@pytest.mark.parametrize("indexing", ["xy", "ij"])
@pytest.mark.parametrize("sparse", [False, True])
def test_meshgrid(indexing, sparse):
    a, b, c = np.arange(3), np.linspace(0, 1, 5), np.arange(2.0)
    got = nps.meshgrid(a, b, c, indexing=indexing, sparse=sparse)
    exp = np.meshgrid(a, b, c, indexing=indexing, sparse=sparse)
    assert_same(tuple(got), tuple(exp))


def test_creation_errors():
    with pytest.raises(ValueError):
        nps.zeros((-1, 2))
    with pytest.raises(TypeError):
        nps.zeros((2.5, 2))
    with pytest.raises(TypeError):
        nps.zeros(3, dtype="not a dtype")
    with pytest.raises(ValueError):
        nps.linspace(0, 1, -1)
    with pytest.raises(ValueError):
        nps.zeros((4,), block_shape=(2, 2))


def test_reexports():
    for name in (
        "float64 float32 float16 int8 int16 int32 int64 uint8 uint16 uint32 uint64 "
        "bool_ complex64 complex128 intp"
    ).split():
        assert getattr(nps, name) is getattr(np, name)
    assert nps.pi == np.pi and nps.e == np.e and nps.inf == np.inf and np.isnan(nps.nan)
    assert nps.newaxis is None
    assert nps.dtype is np.dtype and nps.finfo is np.finfo and nps.iinfo is np.iinfo
    assert nps.issubdtype(nps.float32, nps.floating)
    assert nps.promote_types(nps.int8, nps.uint8) == np.int16
    x = nps.arange(3, dtype=nps.int8)
    assert nps.result_type(x, 1) == np.int8
    assert nps.result_type(x, 1.0) == np.float64
    assert nps.result_type(x, np.int64) == np.int64
    assert nps.can_cast(x, np.int64) and not nps.can_cast(x, np.uint8)
    assert nps.ndarray is nps.BlockArray


@pytest.mark.parametrize("make", [
    lambda np: np.zeros((10**12,)),
    lambda np: np.empty((10**6, 10**6), dtype=np.float32),
    lambda np: np.full((10**12,), 7),
    lambda np: np.ones((10**7, 10**5)) + 1,
    lambda np: np.random.default_rng(0).random((10**12,)),
    lambda np: np.arange(10**12) * 2.0,
])
def test_impossible_sizes_raise_numpys_memory_error(make):
    """An array larger than the session's stores plus free spill space raises MemoryError
    with NumPy's message before any task runs (no block is filled on the way)."""
    import time

    import nums
    import nums.numpy as nnp

    def tasks_run():
        return sum(m["tasks_run"] or 0 for m in nums.core.context.get().backend.metrics())

    before, settled = tasks_run(), time.monotonic() + 10
    while time.monotonic() < settled:  # earlier tests' tasks may still be finishing
        time.sleep(0.05)
        now = tasks_run()
        if now == before:
            break
        before = now
    with pytest.raises(MemoryError, match=r"^Unable to allocate .* for an array with shape"):
        make(nnp).get()
    assert tasks_run() == before


def test_linspace_logspace_with_array_endpoints_and_byte_methods():
    a, b = np.array([0.0, 1.0]), np.array([1.0, 5.0])
    assert_same(nps.linspace(nps.asarray(a), nps.asarray(b), 5), np.linspace(a, b, 5))
    y, step = nps.linspace(a, b, 4, axis=1, retstep=True)
    ey, estep = np.linspace(a, b, 4, axis=1, retstep=True)
    assert_same(y, ey)
    assert_same(step, estep)
    assert_same(nps.logspace(nps.asarray(a), b, 3), np.logspace(a, b, 3))
    assert_same(nps.logspace(0, 1, 3, base=nps.asarray(b)), np.logspace(0, 1, 3, base=b))
    m = np.arange(7.0).reshape(7, 1) * 1.5
    x = nps.asarray(m, block_shape=(3, 1))
    assert x.tobytes() == m.tobytes() and x.T.tobytes("F") == m.T.tobytes("F")
    assert_same(x.byteswap(), m.byteswap())
    assert x.byteswap(inplace=True) is x
    assert_same(x, m.byteswap())


def test_order_like_and_subok_of_creation_functions_are_numpys():
    for fn, args in ((nps.zeros, (3,)), (nps.ones, ((2, 3),)), (nps.empty, (3,)),
                     (nps.full, (3, 1.5)), (nps.eye, (3,))):
        for order in ("C", "F", "c", "f"):
            assert_same(fn(*args, order=order), getattr(np, fn.__name__)(*args, order=order))
        with pytest.raises(ValueError, match="only 'C' or 'F'"):
            fn(*args, order="K")
        with pytest.raises(ValueError, match="order must be one of"):
            fn(*args, order="X")
        with pytest.raises(TypeError, match="order must be str"):
            fn(*args, order=1)
        assert_same(fn(*args, like=nps.ones(2)), getattr(np, fn.__name__)(*args))
        with pytest.raises(TypeError, match="__array_function__"):
            fn(*args, like=[1, 2])
    assert_same(nps.zeros(3, np.int8, "F"), np.zeros(3, np.int8, "F"))  # by position
    x = nps.asarray(np.arange(6.0).reshape(2, 3), block_shape=(1, 2))
    for fn in (nps.zeros_like, nps.ones_like, nps.empty_like):
        assert_same(fn(x, np.int32, "K", True, (3, 2)), np.zeros((3, 2), np.int32) + (
            fn is nps.ones_like))
    assert_same(nps.full_like(x, 7, order="A", subok=False), np.full((2, 3), 7.0))
    assert_same(nps.broadcast_to(nps.arange(3), (2, 3), subok=True),
                np.broadcast_to(np.arange(3), (2, 3)))
    assert_same(nps.arange(4, like=nps.ones(1)), np.arange(4))
    assert_same(nps.identity(2, like=np.ones(1)), np.identity(2))
    assert_same(nps.array([[1, 2], [3, 4]], ndmax=1, dtype=object),
                np.array([[1, 2], [3, 4]], ndmax=1, dtype=object))
    with pytest.raises(ValueError, match="maximum number of dimension"):
        nps.array([[1, 2], [3, 4]], ndmax=1)


def test_arange_of_numpy_scalars_and_array_copy_false_are_numpys():
    for args in ((np.int8(3),), (np.float32(0.5), 3), (np.uint8(2), np.uint8(5)),
                 (np.float16(1),), (0, np.float32(2), 0.5)):
        for block_shape in (None, (2,)):
            assert_same(nps.arange(*args, block_shape=block_shape), np.arange(*args))
    assert_same(nps.mgrid[np.float32(0):1:0.5], np.mgrid[np.float32(0):1:0.5])
    x = nps.arange(3.0)
    assert nps.array(x, copy=False) is x
    for call in (lambda: nps.array(x, copy=False, dtype=int),
                 lambda: nps.array([1, 2], copy=False)):
        with pytest.raises(ValueError, match="Unable to avoid copy"):
            call()
