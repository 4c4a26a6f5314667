"""NumPy's function called at once on driver-resident arrays (nums.numpy._resident_calls).

For every function with the shortcut: its result on driver-resident operands is NumPy's own
result on their values, bit for bit, and of the same kind (type, dtype, shape, named tuple)
as the general path's; the shortcut is taken where it applies (the ``local`` configuration,
where the arrays are driver-resident) and not for distributed or empty operands, or objects,
NumPy arrays among the arguments, ``out=`` other than a writable driver-resident root, or
results too large for the driver. With such an ``out=``, NumPy's result becomes its value.
"""

from __future__ import annotations

import copy
import functools
import warnings

import numpy as np
import pytest
from nums_helpers import BACKEND_CONFIGS, assert_same

import nums
import nums.numpy as nps
from nums.core.array import resident
from nums.core.array.blockarray import BlockArray, local_value
from nums.numpy import _registry, _resident_calls

RNG = np.random.default_rng(1606)

X = RNG.random(12)
Y = RNG.random(12)
M = RNG.random((4, 5))
S = RNG.random((4, 4)) + 4 * np.eye(4)
SPD = S @ S.T
XI = RNG.integers(0, 6, 12)
XN = np.where(RNG.random(12) < 0.3, np.nan, X)
MN = np.where(RNG.random((4, 5)) < 0.3, np.nan, M)
SORTED = np.sort(X)
XZ = np.array([0.0, -0.0, 1.0, np.nan, -0.0, 0.0, np.nan, 1.0])  # ties a sort keeps in order
XT = np.random.default_rng(1606).integers(0, 3, 200).astype(float)  # NumPy's default argsort
# of these differs from its stable one

# (table, function, positional arguments, keyword arguments): numpy arrays become BlockArrays
CASES = [
    ("REGISTRY", "mean", (X,), {}), ("REGISTRY", "mean", (M,), {"axis": 0}),
    ("REGISTRY", "mean", (M,), {"axis": 1, "keepdims": True}),
    ("REGISTRY", "mean", (X,), {"dtype": np.float32}),
    ("REGISTRY", "mean", (M,), {"where": M > 0.3}),
    ("REGISTRY", "std", (X,), {}), ("REGISTRY", "std", (M,), {"axis": 0, "ddof": 1}),
    ("REGISTRY", "var", (XI,), {}), ("REGISTRY", "average", (X,), {}),
    ("REGISTRY", "average", (M,), {"axis": 1, "weights": M[0], "returned": True}),
    ("REGISTRY", "median", (X,), {}), ("REGISTRY", "median", (M,), {"axis": 1}),
    ("REGISTRY", "median", (M,), {"overwrite_input": True}),
    ("REGISTRY", "percentile", (X, 25), {"overwrite_input": True}),
    ("REGISTRY", "percentile", (X, 90), {}), ("REGISTRY", "percentile", (X, [10, 50]), {}),
    ("REGISTRY", "percentile", (M, 50), {"axis": 0}), ("REGISTRY", "quantile", (X, 0.5), {}),
    ("REGISTRY", "argmax", (X,), {}), ("REGISTRY", "argmax", (M,), {"axis": 1}),
    ("REGISTRY", "argmin", (M,), {}), ("REGISTRY", "ptp", (M,), {"axis": 0}),
    ("REGISTRY", "cumsum", (XI,), {}), ("REGISTRY", "cumsum", (M,), {"axis": 1}),
    ("REGISTRY", "cumprod", (X,), {}), ("REGISTRY", "diff", (X,), {"n": 2}),
    ("REGISTRY", "diff", (M,), {"axis": 0}), ("REGISTRY", "unique", (XI,), {}),
    ("REGISTRY", "unique", (XI,), {"return_counts": True}),
    ("REGISTRY", "unique", (XI,), {"return_index": True, "return_inverse": True}),
    ("REGISTRY", "flatnonzero", (XI,), {}), ("REGISTRY", "argwhere", (M > 0.5,), {}),
    ("REGISTRY", "round", (X, 2), {}), ("REGISTRY", "around", (M,), {}),
    ("REGISTRY", "trace", (M,), {}), ("REGISTRY", "count_nonzero", (XI,), {}),
    ("REGISTRY", "count_nonzero", (M > 0.5,), {"axis": 0}),
    ("REGISTRY", "nanmean", (XN,), {}), ("REGISTRY", "nansum", (MN,), {"axis": 0}),
    ("REGISTRY", "nanmax", (XN,), {}), ("REGISTRY", "nanmin", (MN,), {"axis": 1}),
    ("REGISTRY", "nanstd", (XN,), {}), ("REGISTRY", "nanvar", (MN,), {"axis": 0}),
    ("REGISTRY", "nanargmax", (XN,), {}), ("REGISTRY", "nanargmin", (XN,), {}),
    ("REGISTRY", "nanmedian", (XN,), {}), ("REGISTRY", "nanpercentile", (XN, 25), {}),
    ("REGISTRY", "nanquantile", (XN, 0.75), {}), ("REGISTRY", "nanprod", (XN,), {}),
    ("REGISTRY", "nancumsum", (XN,), {}), ("REGISTRY", "prod", (M,), {"axis": 1}),
    ("REGISTRY", "any", (XI,), {}), ("REGISTRY", "all", (M > 0.1,), {"axis": 0}),
    ("REGISTRY", "array_equal", (X, X), {}), ("REGISTRY", "array_equal", (X, Y), {}),
    ("REGISTRY", "array_equiv", (X, X), {}),
    ("REGISTRY", "concatenate", ([X, Y],), {}),
    ("REGISTRY", "concatenate", ([M, M],), {"axis": 1}),
    ("REGISTRY", "concatenate", ((X, XI),), {}),
    ("REGISTRY", "stack", ([X, Y],), {}), ("REGISTRY", "stack", ([X, Y],), {"axis": 1}),
    ("REGISTRY", "vstack", ([X, Y],), {}), ("REGISTRY", "hstack", ([M, M],), {}),
    ("REGISTRY", "column_stack", ([X, Y],), {}),
    ("REGISTRY", "searchsorted", (SORTED, Y), {}),
    ("REGISTRY", "searchsorted", (SORTED, 0.5), {"side": "right"}),
    ("REGISTRY", "where", (M > 0.5, M, 0.0), {}), ("REGISTRY", "where", (X > 0.5, X, Y), {}),
    ("REGISTRY", "clip", (X, 0.2, 0.8), {}), ("REGISTRY", "clip", (M, M[0], 0.9), {}),
    ("REGISTRY", "isclose", (X, Y), {}), ("REGISTRY", "allclose", (X, X), {}),
    ("REGISTRY", "allclose", (X, Y), {}),
    ("REGISTRY", "dot", (X, Y), {}), ("REGISTRY", "dot", (M.T, M[:, 0]), {}),
    ("REGISTRY", "matmul", (M, M.T), {}), ("REGISTRY", "matmul", (X, X), {}),
    ("REGISTRY", "inner", (X, Y), {}), ("REGISTRY", "vdot", (X, Y), {}),
    ("LINALG", "norm", (X,), {}), ("LINALG", "norm", (M,), {"ord": 1}),
    ("LINALG", "norm", (M,), {"axis": 0}), ("LINALG", "det", (S,), {}),
    ("LINALG", "slogdet", (S,), {}), ("LINALG", "inv", (S,), {}),
    ("LINALG", "solve", (S, M[0, :4]), {}), ("LINALG", "eigh", (SPD,), {}),
    ("LINALG", "eigvalsh", (SPD,), {}), ("LINALG", "cholesky", (SPD,), {}),
    ("LINALG", "matrix_rank", (M,), {}), ("LINALG", "pinv", (M,), {}),
    ("LINALG", "eigvals", (S,), {}),
    # selections, sets, sorting
    ("REGISTRY", "nonzero", (XI,), {}), ("REGISTRY", "nonzero", (M > 0.5,), {}),
    ("REGISTRY", "extract", (X > 0.5, X), {}), ("REGISTRY", "compress", (X > 0.5, X), {}),
    ("REGISTRY", "compress", ([True, False, True], M), {"axis": 0}),
    ("REGISTRY", "take", (X, XI), {}), ("REGISTRY", "take", (M, [1, 3]), {"axis": 1}),
    ("REGISTRY", "digitize", (X, [0.2, 0.5, 0.7]), {}), ("REGISTRY", "interp", (X, SORTED, Y), {}),
    ("REGISTRY", "isin", (XI, XI[:3]), {}), ("REGISTRY", "intersect1d", (XI, XI[:5]), {}),
    ("REGISTRY", "intersect1d", (XI, XI[:5]), {"return_indices": True}),
    ("REGISTRY", "union1d", (XI, XI + 3), {}), ("REGISTRY", "setdiff1d", (XI, XI[:5]), {}),
    ("REGISTRY", "setxor1d", (XI, XI[:5]), {}),
    ("REGISTRY", "unique_counts", (XI,), {}), ("REGISTRY", "unique_inverse", (XI,), {}),
    ("REGISTRY", "unique_all", (XI,), {}), ("REGISTRY", "partition", (X, 3), {}),
    ("REGISTRY", "argpartition", (M, 2), {"axis": 1}), ("REGISTRY", "lexsort", ((XI, X),), {}),
    ("REGISTRY", "sort", (XI,), {}), ("REGISTRY", "sort", (M,), {"axis": 0}),
    ("REGISTRY", "sort", (XZ,), {}), ("REGISTRY", "argsort", (XI,), {}),
    ("REGISTRY", "argsort", (XZ,), {}), ("REGISTRY", "argsort", (M,), {"axis": None}),
    ("REGISTRY", "argsort", (XT,), {}), ("REGISTRY", "argsort", (X,), {}),
    ("REGISTRY", "argsort", (M,), {"axis": 0}), ("REGISTRY", "argsort", (MN,), {}),
    ("REGISTRY", "argsort", (XI,), {"order": None}),
    # rearranging, joining, differences, polynomials
    ("REGISTRY", "roll", (X, 3), {}), ("REGISTRY", "roll", (M, -1), {"axis": 1}),
    ("REGISTRY", "triu", (M,), {}), ("REGISTRY", "tril", (M, -1), {}),
    ("REGISTRY", "delete", (X, [1, 4]), {}), ("REGISTRY", "insert", (X, 2, 7.0), {}),
    ("REGISTRY", "append", (M, M), {"axis": 0}), ("REGISTRY", "convolve", (X, Y[:3]), {}),
    ("REGISTRY", "correlate", (X, Y[:4]), {"mode": "same"}), ("REGISTRY", "gradient", (X,), {}),
    ("REGISTRY", "gradient", (M,), {}), ("REGISTRY", "ediff1d", (X,), {}),
    ("REGISTRY", "trapezoid", (X,), {}), ("REGISTRY", "nan_to_num", (XN,), {}),
    ("REGISTRY", "cumulative_sum", (XI,), {}), ("REGISTRY", "cumulative_prod", (X,), {}),
    ("REGISTRY", "nancumprod", (XN,), {}), ("REGISTRY", "polyval", ([1.0, 2.0, 3.0], X), {}),
    ("REGISTRY", "polyval", (Y[:3], X), {}), ("REGISTRY", "polyfit", (X, Y, 2), {}),
    # results whose size is checked first
    ("REGISTRY", "bincount", (XI,), {}),
    ("REGISTRY", "bincount", (XI,), {"weights": X, "minlength": 9}),
    ("REGISTRY", "histogram", (X,), {}),
    ("REGISTRY", "histogram", (X,), {"bins": 4, "range": (0, 1), "density": True}),
    ("REGISTRY", "histogram", (X, [0, 0.3, 1]), {}),
    ("REGISTRY", "histogram_bin_edges", (X,), {"bins": 5}),
    ("REGISTRY", "histogram2d", (X, Y), {"bins": 3}),
    ("REGISTRY", "histogramdd", (M,), {"bins": 2}),
    ("REGISTRY", "repeat", (X, 2), {}), ("REGISTRY", "repeat", (M, [1, 0, 2, 1]), {"axis": 0}),
    ("REGISTRY", "tile", (X, 2), {}), ("REGISTRY", "tile", (M, (2, 1)), {}),
    ("REGISTRY", "outer", (X, Y), {}), ("REGISTRY", "kron", (M, S), {}),
    ("REGISTRY", "meshgrid", (X, Y[:5]), {}), ("REGISTRY", "meshgrid", (X, Y), {"indexing": "ij"}),
    ("REGISTRY", "vander", (X[:5],), {}), ("REGISTRY", "cov", (M,), {}),
    ("REGISTRY", "cov", (X, Y), {}), ("REGISTRY", "corrcoef", (M,), {"rowvar": False}),
    ("REGISTRY", "cross", (M[:, :3], M[1, :3]), {}),
    ("REGISTRY", "select", ([X > 0.5, X < 0.2], [X, Y]), {}),
    ("REGISTRY", "einsum", ("ij,j->i", M, X[:5]), {}), ("REGISTRY", "einsum", ("ij,ij", M, M), {}),
    ("REGISTRY", "einsum", ("i,j", X, Y), {}),
    ("REGISTRY", "packbits", (XI > 2,), {}), ("REGISTRY", "packbits", (M > 0.5,), {"axis": 1}),
    ("REGISTRY", "unpackbits", (XI.astype(np.uint8),), {}),
    ("REGISTRY", "unpackbits", (XI.astype(np.uint8),), {"count": 5, "bitorder": "little"}),
    ("REGISTRY", "ravel_multi_index", ((XI, XI[::-1]), (6, 6)), {}),
    ("REGISTRY", "ravel_multi_index", ((XI, XI + 5), (6, 6)), {"mode": "wrap"}),
    ("REGISTRY", "unravel_index", (XI * 3, (4, 5)), {}),
    ("REGISTRY", "choose", (XI % 2, [X, Y]), {}),
    ("REGISTRY", "diag", (X[:5],), {"k": 1}), ("REGISTRY", "diag", (XI,), {}),
    ("REGISTRY", "pad", (M, 2), {}), ("REGISTRY", "pad", (X, (1, 3)), {"mode": "edge"}),
    ("REGISTRY", "pad", (M, ((0, 1), (2, 0))), {"mode": "reflect"}),
    ("REGISTRY", "take_along_axis", (M, np.argsort(M, axis=1)[:, :2], 1), {}),
    ("REGISTRY", "take_along_axis", (M, np.argsort(M, axis=0)[:1], 0), {}),
    ("FFT", "fft", (X,), {}), ("FFT", "ifft", (X,), {"norm": "ortho"}), ("FFT", "rfft", (X,), {}),
    ("FFT", "irfft", (X,), {}), ("FFT", "hfft", (X,), {}), ("FFT", "ihfft", (X,), {}),
    ("FFT", "fft2", (M,), {}), ("FFT", "ifft2", (M,), {}), ("FFT", "rfft2", (M,), {}),
    ("FFT", "irfft2", (M,), {}), ("FFT", "fftn", (M,), {}), ("FFT", "ifftn", (M,), {}),
    ("FFT", "rfftn", (M,), {}), ("FFT", "irfftn", (M,), {}), ("FFT", "fftshift", (X,), {}),
    ("FFT", "ifftshift", (M,), {"axes": 0}),
    # decompositions
    ("LINALG", "eig", (S,), {}), ("LINALG", "qr", (M,), {}), ("LINALG", "svd", (M,), {}),
    ("LINALG", "svdvals", (M,), {}), ("LINALG", "lstsq", (M.T, X[:5]), {}),
    ("LINALG", "cond", (S,), {}), ("LINALG", "matrix_power", (S, 3), {}),
    ("LINALG", "tensorsolve", (S, X[:4]), {}), ("LINALG", "matrix_norm", (M,), {}),
    ("LINALG", "vector_norm", (X,), {"ord": 3}), ("LINALG", "outer", (X, Y), {}),
    ("LINALG", "cross", (M[:, :3], M[:, 2:]), {}),
    ("LINALG", "multi_dot", ([M, M.T, M],), {}),
]


def _table(name: str) -> dict:
    return getattr(_registry, name)


def _nums(v):
    if isinstance(v, np.ndarray):
        return nps.asarray(v)
    if isinstance(v, list) and any(isinstance(e, np.ndarray) for e in v):
        return [_nums(e) for e in v]
    if isinstance(v, tuple):
        return tuple(_nums(e) for e in v)
    return v


def _assert_numpys(got, want, general, exact):
    """``got`` is NumPy's result ``want`` as nums gives it (bit for bit when ``exact``), of
    the kind ``general`` is."""
    assert type(got) is type(general)
    if isinstance(got, (tuple, list)):
        assert len(got) == len(want) == len(general)
        for g, w, r in zip(got, want, general):
            _assert_numpys(g, w, r, exact)
        return
    if isinstance(got, BlockArray):
        value = got.get()
        assert value.dtype == np.asarray(want).dtype == general.dtype
        assert value.shape == np.shape(want) == general.shape
        if exact:  # NumPy's own call: NumPy's bits, NaN where NumPy has one
            np.testing.assert_array_equal(value, want)
        else:  # distributed: sums in another order
            tol = 1e-12 if value.dtype.itemsize >= 8 else 1e-6
            np.testing.assert_allclose(value, want, rtol=tol, atol=tol)
        return
    if exact:
        assert got == want or (got != got and want != want)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize("case", range(len(CASES)))
def test_shortcut_gives_numpys_result(backend_name, case):
    table, name, args, kwargs = CASES[case]
    fn = _table(table)[name].impl
    np_fn = _table(table)[name].numpy
    if name in _resident_calls._STABLE.get(table, ()):
        np_fn = functools.partial(np_fn, kind="stable")  # nums's sorts are stable
    nargs, nkwargs = _nums(args), {k: _nums(v) for k, v in kwargs.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NaN slices in the nan-functions
        want = np_fn(*copy.deepcopy(args), **copy.deepcopy(kwargs))  # (overwrite_input)
        got = fn(*nargs, **nkwargs)
        general = _resident_calls.general(fn)(*nargs, **nkwargs)
        # (overwrite_input is never given to NumPy on a driver-resident value)
        taken = "overwrite_input" not in kwargs and resident.numpy_call(
            np_fn, nargs, nkwargs, numbers=name in _resident_calls._NUMBERS)[0]
    if name in ("partition", "argpartition") and not taken:
        # any arrangement with the k-th element in place: compare the k-th elements
        kth, axis = args[1], kwargs.get("axis", -1)
        want, got, general = (np.take(np.sort(np_fn(*args, **kwargs) if name == "partition"
                                              else np.take_along_axis(args[0], r, axis),
                                              axis=axis), kth, axis=axis)
                              for r in (want, got.get(), general.get()))
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(general, want)
    elif name in ("qr", "svd") and not taken:  # factors up to the signs of their columns
        _assert_numpys(*[type(r)(*[abs(f) for f in r]) for r in (got, want, general)],
                       exact=False)
    else:
        _assert_numpys(got, want, general, exact=taken)
    if backend_name == "local" and "overwrite_input" not in kwargs:
        assert taken  # every operand driver-resident: the shortcut applies
    if not isinstance(args[0], list):  # (NumPy's overwrite_input: never into a nums array)
        assert_same(nargs[0], args[0])


def test_every_listed_function_has_a_case():
    listed = {(table, name) for table, name, _ in _resident_calls.listed()}
    assert len(listed) == len(_resident_calls.listed())  # each function in one group
    assert listed == {(t, n) for t, n, _, _ in CASES}
    for table, name in listed:  # installed: namespace, module and methods use the shortcut
        fn = _table(table)[name].impl
        assert _resident_calls.general(fn) is not fn
    assert nps.mean is _registry.REGISTRY["mean"].impl
    assert nps.linalg.norm is _registry.LINALG["norm"].impl
    assert BlockArray.mean.__code__ is nps.mean.__code__


def test_the_general_path_where_the_shortcut_does_not_apply(backend_name):
    x = nps.asarray(X)
    if local_value(x) is None:
        pytest.skip("arrays of this configuration are distributed: no shortcut")
    empty = nps.asarray(np.zeros(0))
    objects = nps.asarray(np.array([1, "b"], dtype=object))
    fixed = np.ones(12)
    fixed.flags.writeable = False  # (a read-only NumPy array may be a view a result keeps)
    for args, kwargs in [((x, fixed), {}), ((empty,), {}), ((objects,), {}),
                         ((x,), {"out": nps.zeros(())[...]}), ((1.0, 2.0), {}),
                         (([x, fixed[:3]],), {}), ((np.zeros(0),), {})]:
        assert resident.numpy_call(np.mean, args, kwargs) == (False, None)
    # a small writable NumPy array counts as a value held here; a result sharing its memory
    # is a copy
    given = np.arange(12.0)
    done, got = resident.numpy_call(np.squeeze, (given.reshape(1, 12),), {})
    assert done and type(got) is nps.BlockArray
    given[:] = -1
    np.testing.assert_array_equal(got.get(), np.arange(12.0))
    # results larger than the driver's limit are not computed in the driver first
    try:
        nums.init(**{**BACKEND_CONFIGS[backend_name], "block_bytes": 4096,
                     "local_bytes": 4096})
        col, row = nps.asarray(np.ones((40, 1))), nps.asarray(np.ones((1, 40)))
        assert resident.numpy_call(np.where, (col > 0, col, row), {},
                                   _resident_calls._broadcast_fits) == (False, None)
        assert resident.numpy_call(np.dot, (col, row), {},
                                   _resident_calls._product_fits) == (False, None)
        assert resident.numpy_call(np.where, (col > 0, col, [1.0] * 40), {},
                                   _resident_calls._broadcast_fits) == (False, None)
        q = nps.asarray(np.linspace(0, 100, 40))
        assert resident.numpy_call(np.percentile, (col, q), {"axis": 1},
                                   _resident_calls._quantiles_fit) == (False, None)
        np.testing.assert_allclose(nps.percentile(col, q, axis=1).get(),
                                   np.percentile(np.ones((40, 1)), np.linspace(0, 100, 40),
                                                 axis=1))
        got = nps.where(col > 0, col, row)
        assert local_value(got) is None
        np.testing.assert_array_equal(got.get(), np.ones((40, 40)))
        np.testing.assert_array_equal(nps.dot(col, row).get(), np.ones((40, 40)))
    finally:
        nums.init(**{"block_bytes": 64, **BACKEND_CONFIGS[backend_name]})


def test_strings_and_dates_take_the_shortcut(backend_name):
    words = np.array(["pear", "fig", "apple", "fig", "kiwi"])
    days = np.array(["2021-03-01", "2020-01-05", "NaT", "2020-01-05"], dtype="datetime64[D]")
    w, d = nps.asarray(words), nps.asarray(days)
    if local_value(w) is None:
        pytest.skip("arrays of this configuration are distributed: no shortcut")
    for fn, arg, kwargs in [(np.unique, w, {"return_inverse": True, "return_counts": True}),
                            (np.sort, w, {}), (np.argsort, d, {"kind": None}),
                            (np.unique, d, {"return_index": True}), (np.max, d, {})]:
        done, got = resident.numpy_call(fn, (arg,), kwargs)
        assert done
        want = fn(words if arg is w else days, **kwargs)
        for g, e in zip(got if isinstance(want, tuple) else (got,),
                        want if isinstance(want, tuple) else (want,)):
            assert_same(g, e)
    assert_same(nps.unique(w, return_counts=True), np.unique(words, return_counts=True))
    with pytest.raises(TypeError):  # NumPy's error, from the general path
        nps.mean(w)


def test_out_of_the_shortcut_is_numpys(backend_name):
    m = RNG.random((6, 5))
    x = nps.asarray(m)
    if local_value(x) is None:
        pytest.skip("arrays of this configuration are distributed: no shortcut")
    for kwargs in ({}, {"where": m > 0.5}):
        want = np.full_like(m, 7.0)
        np.clip(m, 0.2, 0.8, out=want, **kwargs)
        out = nps.full_like(x, 7.0)
        before = out.copy()
        row = out[1]  # a view taken before the write sees it, as NumPy's does
        args = (x, 0.2, 0.8)
        kw = {**kwargs, "out": out}
        kw = {k: nps.asarray(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
        done, got = resident.numpy_call(np.clip, args, kw)
        assert done and got is out
        np.testing.assert_array_equal(out.get(), want)
        np.testing.assert_array_equal(row.get(), want[1])
        np.testing.assert_array_equal(before.get(), np.full_like(m, 7.0))
        assert nps.clip(x, 0.2, 0.8, **kw) is out
        np.testing.assert_array_equal(out.get(), want)
    # NumPy's casting error, and nothing written
    ints = nps.zeros((6, 5), dtype=int)
    with pytest.raises(TypeError) as err:
        np.clip(m, 0.2, 0.8, out=np.zeros((6, 5), dtype=int))
    with pytest.raises(type(err.value)):
        nps.clip(x, 0.2, 0.8, out=ints)
    np.testing.assert_array_equal(ints.get(), np.zeros((6, 5), dtype=int))
    # a read-only root and a view take the general path, with NumPy's error and result
    frozen = nps.zeros((6, 5))
    frozen.flags.writeable = False
    assert resident.numpy_call(np.clip, (x, 0.2, 0.8), {"out": frozen}) == (False, None)
    with pytest.raises(ValueError, match="read-only"):
        nps.clip(x, 0.2, 0.8, out=frozen)
    big = nps.zeros((8, 5))
    assert nps.clip(x, 0.2, 0.8, out=big[1:7]) is not None
    np.testing.assert_array_equal(big.get()[1:7], np.clip(m, 0.2, 0.8))
    np.testing.assert_array_equal(big.get()[[0, 7]], 0)


def test_warnings_of_the_shortcut_are_numpys(backend_name):
    x = nps.asarray(np.array([1.0, np.inf]))
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        nps.std(x)
        nps.mean(nps.asarray(np.array([1e308, 1e308])))
    with warnings.catch_warnings(record=True) as want:
        warnings.simplefilter("always")
        np.std(np.array([1.0, np.inf]))
        np.mean(np.array([1e308, 1e308]))
    assert sorted(str(w.message) for w in got) == sorted(str(w.message) for w in want)
    with np.errstate(all="raise"):
        with pytest.raises(FloatingPointError):
            nps.std(x)


# (function, arguments) whose result would exceed a driver limit of 4096 bytes (256 items of
# 16 bytes) though every operand is within it: the size check declines before NumPy runs
LARGE_RESULTS = [
    ("bincount", lambda v: (v["big_int"],), {}),
    ("bincount", lambda v: (v["ints"],), {"minlength": 300}),
    ("repeat", lambda v: (v["x"], 30), {}),
    ("repeat", lambda v: (v["x"], [30] * 40), {}),
    ("tile", lambda v: (v["x"], (2, 4)), {}),
    ("outer", lambda v: (v["x"], v["x"]), {}),
    ("kron", lambda v: (v["x"], v["x"]), {}),
    ("meshgrid", lambda v: (v["x"], v["x"]), {}),
    ("vander", lambda v: (v["x"],), {}),
    ("cov", lambda v: (v["col"],), {}),
    ("corrcoef", lambda v: (v["two"],), {"rowvar": False}),
    ("histogram", lambda v: (v["x"], 300), {}),
    ("histogram2d", lambda v: (v["x"], v["x"]), {"bins": 30}),
    ("einsum", lambda v: ("i,j->ij", v["x"], v["x"]), {}),
    ("einsum", lambda v: ("i,j", v["x"], v["x"]), {}),
    ("fft.fft", lambda v: (v["x"],), {"n": 400}),
    ("linalg.multi_dot", lambda v: ([v["col"], v["col"].T, v["col"]],), {}),
]



def test_functions_that_copy_read_only_arrays_read_writable_aliases(backend_name):
    """bincount, argmax, argmin and take copy a read-only argument before reading it: on
    driver-resident values (read-only) of some size they get writable aliases of them,
    NumPy's results, and the values stay as they were, read-only, shared with no result."""
    rng = np.random.default_rng(19)
    labels, weights = rng.integers(0, 40, 30_000), rng.random(30_000)
    weights[123] = 7.0
    try:
        nums.init(**{**BACKEND_CONFIGS[backend_name], "block_bytes": 2**20})
        x, w = nps.asarray(labels), nps.asarray(weights)
        if local_value(x) is None:
            pytest.skip("operands of this configuration are distributed: no shortcut")
        v = local_value(w)
        alias = resident.writable_alias(v[1:])
        assert alias.flags.writeable and np.shares_memory(alias, v)
        assert_same(alias, weights[1:])
        small = v[:10]
        assert resident.writable_alias(small) is small  # small values go as they are
        del alias
        assert_same(nps.bincount(x, weights=w, minlength=50),
                    np.bincount(labels, weights=weights, minlength=50))
        assert_same(nps.bincount(x), np.bincount(labels))
        assert int(nps.argmax(w)) == 123 and int(w.argmax()) == 123
        assert int(nps.argmin(x[5:])) == int(np.argmin(labels[5:]))
        picked = nps.take(w, x)
        assert_same(picked, np.take(weights, labels))
        assert not np.may_share_memory(local_value(picked), v)
        assert not v.flags.writeable and not local_value(x).flags.writeable
        assert_same(w, weights)
        assert_same(x, labels)
    finally:
        nums.init(**{"block_bytes": 64, **BACKEND_CONFIGS[backend_name]})

def test_results_too_large_for_the_driver_take_the_general_path(backend_name):
    values = {"x": np.linspace(0, 1, 40), "col": np.linspace(0, 1, 40)[:, None],
              "ints": np.arange(12), "big_int": np.array([0, 1000, 3])}
    values["two"] = np.vstack([values["x"], values["x"] ** 2])
    try:
        nums.init(**{**BACKEND_CONFIGS[backend_name], "block_bytes": 4096, "local_bytes": 4096})
        nvalues = {k: nps.asarray(v) for k, v in values.items()}
        if local_value(nvalues["x"]) is None:
            pytest.skip("operands of this configuration are distributed: no shortcut")
        for name, make, kwargs in LARGE_RESULTS:
            module, _, short = name.rpartition(".")
            table = {"": "REGISTRY", "fft": "FFT", "linalg": "LINALG"}[module]
            entry = _table(table)[short]
            fits = next(f for t, n, f in _resident_calls.listed() if (t, n) == (table, short))
            args = make(nvalues)
            assert resident.numpy_call(entry.numpy, args, kwargs, fits) == (False, None), name
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # corrcoef's constant columns
                got, want = entry.impl(*args, **kwargs), entry.numpy(*make(values), **kwargs)
                for g, w in zip(*[r if isinstance(r, (tuple, list)) else (r,)
                                  for r in (got, want)]):
                    np.testing.assert_allclose(g.get(), w, rtol=1e-12, atol=1e-12)
    finally:
        nums.init(**{"block_bytes": 64, **BACKEND_CONFIGS[backend_name]})


def test_numpys_own_warnings_name_the_users_line(backend_name):
    # NumPy's functions that warn in their Python code ("Degrees of freedom <= 0", "Mean of
    # empty slice", "All-NaN slice encountered") give NumPy's warnings at the caller's line
    a = np.array([[1.0, np.nan, 3.0], [np.nan, np.nan, np.nan]])
    calls = [("nanvar", (a,), {"axis": 1, "ddof": 2}), ("nanmean", (a,), {"axis": 1}),
             ("nanmax", (a,), {"axis": 1}), ("nanmedian", (a,), {"axis": 1}),
             ("var", (a[0, ::2],), {"ddof": 3}), ("mean", (a[0],), {"where": a[0] > 5}),
             ("cov", (a[0, ::2],), {"ddof": 5})]
    for name, args, kwargs in calls:
        nargs = [nps.asarray(v) for v in args]
        nkwargs = {k: nps.asarray(v) if isinstance(v, np.ndarray) else v
                   for k, v in kwargs.items()}
        with warnings.catch_warnings(record=True) as want:
            warnings.simplefilter("always")
            getattr(np, name)(*args, **kwargs)
        with warnings.catch_warnings(record=True) as got:
            warnings.simplefilter("always")
            getattr(nps, name)(*nargs, **nkwargs)
        assert want, name
        assert {str(w.message) for w in got} == {str(w.message) for w in want}, name
        assert {w.filename for w in got} == {__file__}, name


def test_sorts_of_small_distributed_arrays_run_in_the_driver(backend_name):
    """A sort costs far more than fetching its operand: unique of a small slice of an array
    in large blocks is NumPy's in the driver (a distributed sample sort took 5x longer)."""
    try:
        nums.init(**{**BACKEND_CONFIGS[backend_name], "block_bytes": 1 << 20,
                     "local_bytes": 1 << 20})
        labels = np.random.default_rng(0).integers(0, 50, 400_000)
        x = nps.asarray(labels)[:100_000]
        assert x._local is None and not resident.fetchable(x)
        u, inv = nps.unique(x, return_inverse=True)
        assert u._local is not None and inv._local is not None
        exp_u, exp_inv = np.unique(labels[:100_000], return_inverse=True)
        np.testing.assert_array_equal(u.get(), exp_u)
        np.testing.assert_array_equal(inv.get(), exp_inv)
        np.testing.assert_array_equal(nps.sort(x).get(), np.sort(labels[:100_000]))
        y = nps.asarray(labels)  # (3.2 MB: more than local_bytes, sorted distributed)
        np.testing.assert_array_equal(nps.unique(y).get(), np.unique(labels))
    finally:
        nums.init(**{"block_bytes": 64, **BACKEND_CONFIGS[backend_name]})
