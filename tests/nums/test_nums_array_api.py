"""nums.numpy as a Python Array API (2024.12) namespace.

The external conformance suite (data-apis/array-api-tests) is not published on a package
registry, so it cannot be installed here; this file is our own check of the standard. The
standard's names are read at test time from ``array_api_strict`` (the reference
implementation, installed by the ``test`` extra) with its flags set to 2024.12; every
function is then run on small inputs through ``nums.numpy`` and through ``array_api_strict``
with the standard's signatures (positional-only arrays, the standard's keyword names), and
the results must agree: values, shapes, dtypes, tuple field names.
"""

from __future__ import annotations

import math

import array_api_strict as xs  # the reference implementation (the test extra installs it)
import numpy as np
import pytest
from nums_helpers import check_against_numpy

import nums.numpy as nps

xs.set_array_api_strict_flags(api_version="2024.12")

# array_api_strict's own helpers, not names of the standard
STRICT_ONLY = {"ArrayAPIStrictFlags", "Device", "get_array_api_strict_flags",
               "set_array_api_strict_flags", "reset_array_api_strict_flags", "__version__"}
STRICT_ARRAY = type(xs.asarray(0))
DTYPE_NAMES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
               "uint64", "float32", "float64", "complex64", "complex128"]


# ------------------------------------------------------------------ the namespace
def test_every_name_of_the_standard_is_in_nums_numpy():
    assert xs.__array_api_version__ == "2024.12"
    names = set(xs.__all__) - STRICT_ONLY
    assert len(names) > 150
    missing = sorted(n for n in names if not hasattr(nps, n))
    assert missing == []
    fallbacks = sorted(names & set(nps.fallbacks()))
    assert fallbacks == []  # none served by the gathering fallback
    for ext in ("linalg", "fft"):
        theirs = getattr(xs, ext).__all__
        assert [n for n in theirs if not hasattr(getattr(nps, ext), n)] == [], ext
    for name in DTYPE_NAMES:
        assert np.dtype(getattr(nps, name)) == np.dtype(name)
    for name in ("e", "inf", "nan", "pi"):
        assert (getattr(nps, name) == getattr(np, name)) or math.isnan(getattr(nps, name))
    assert nps.newaxis is None


def test_namespace_info():
    assert nps.__array_api_version__ == "2024.12"
    info, ref = nps.__array_namespace_info__(), xs.__array_namespace_info__()
    caps = info.capabilities()
    assert set(caps) == set(ref.capabilities())
    assert caps["boolean indexing"] and caps["data-dependent shapes"]
    assert info.default_device() == "cpu" and info.devices() == ["cpu"]
    assert set(info.default_dtypes()) == set(ref.default_dtypes())
    assert info.default_dtypes() == np.__array_namespace_info__().default_dtypes()
    kinds = [None, "bool", "signed integer", "unsigned integer", "integral", "real floating",
             "complex floating", "numeric", ("integral", "real floating")]
    for kind in kinds:
        assert set(info.dtypes(kind=kind)) == set(ref.dtypes(kind=kind)), kind
        assert info.dtypes(kind=kind, device="cpu") == \
            np.__array_namespace_info__().dtypes(kind=kind)
    with pytest.raises(ValueError, match="Device not understood"):
        info.dtypes(device="gpu")
    with pytest.raises(ValueError, match="Device not understood"):
        info.default_dtypes(device="gpu")
    top = caps["max dimensions"]  # arrays of that many dimensions work
    x = nps.ones((1,) * (top - 2) + (3, 2), block_shape=(1,) * (top - 2) + (2, 1))
    y = (x + nps.arange(2.0)).sum(axis=-1)
    assert y.ndim == top - 1 and float(nps.sum(y)) == 9.0
    assert nps.reshape(x, (6,)).shape == (6,) and x.mT.shape[-2:] == (2, 3)


def test_array_attributes_device_and_namespace():
    x = nps.reshape(nps.arange(12.0), (3, 4))
    assert x.__array_namespace__() is nps
    for version in ("2021.12", "2022.12", "2023.12", "2024.12"):
        assert x.__array_namespace__(api_version=version) is nps
    with pytest.raises(ValueError, match="not supported"):
        x.__array_namespace__(api_version="2025.12")
    assert x.device == "cpu" == np.arange(3).device
    assert x.to_device("cpu") is x
    with pytest.raises(ValueError, match="Only 'cpu'"):
        x.to_device("gpu")
    assert x.mT.shape == (4, 3) and x.T.shape == (4, 3)
    assert x.dtype == np.float64 and x.shape == (3, 4) and x.size == 12 and x.ndim == 2


CREATION = [
    ("arange", (5,), {}), ("asarray", ([1.0, 2.0],), {}), ("empty", ((2, 3),), {}),
    ("eye", (3,), {}), ("full", ((2, 2), 1.5), {}), ("linspace", (0.0, 1.0, 5), {}),
    ("ones", ((2,),), {}), ("zeros", ((2, 3),), {}),
]


@pytest.mark.parametrize("name,args,kwargs", CREATION)
def test_device_keyword_of_creation_functions(name, args, kwargs):
    fn = getattr(nps, name)
    x = fn(*args, device="cpu", **kwargs)
    assert x.device == "cpu"
    assert fn(*args, device=None, **kwargs).shape == x.shape
    like = nps.zeros((2, 3))
    for like_fn in ("empty_like", "ones_like", "zeros_like"):
        assert getattr(nps, like_fn)(like, device="cpu").device == "cpu"
    with pytest.raises(ValueError, match="Device not understood") as ours:
        fn(*args, device="gpu", **kwargs)
    if hasattr(np, name):
        with pytest.raises(ValueError) as theirs:
            getattr(np, name)(*args, device="gpu", **kwargs)
        assert str(ours.value) == str(theirs.value)
    for other in (nps.full_like(like, 2.0, device="cpu"), nps.astype(like, nps.int8,
                                                                     device="cpu")):
        assert other.device == "cpu"
    with pytest.raises(ValueError, match="Device not understood"):
        nps.astype(like, nps.int8, device="gpu")


def test_dlpack_round_trips():
    a = np.arange(24, dtype=np.float32).reshape(4, 6)
    x = nps.array(a, block_shape=(3, 4))
    assert x.__dlpack_device__() == (1, 0)
    np.testing.assert_array_equal(np.from_dlpack(x), a)  # numpy consumes a BlockArray
    strict = xs.from_dlpack(x)  # so does the reference implementation
    np.testing.assert_array_equal(np.from_dlpack(strict), a)
    back = nps.from_dlpack(strict)  # and nums consumes theirs
    assert isinstance(back, nps.BlockArray) and back.dtype == np.float32
    np.testing.assert_array_equal(back.get(), a)
    np.testing.assert_array_equal(nps.from_dlpack(a).get(), a)
    np.testing.assert_array_equal(nps.from_dlpack(a, device="cpu", copy=True).get(), a)
    assert nps.from_dlpack(x) is x and nps.from_dlpack(x, copy=True) is not x
    with pytest.raises(BufferError):
        x.__dlpack__(copy=False)  # gathering the blocks is a copy
    assert np.from_dlpack(nps.asarray(np.float64(3.5))).shape == ()  # 0-d stays 0-d
    with pytest.raises(BufferError):
        nps.from_dlpack(a, copy=False)
    with pytest.raises(ValueError, match="Device not understood"):
        nps.from_dlpack(a, device="gpu")
    capsule_owner = np.from_dlpack(x)
    x[0, 0] = 100.0  # the consumer's copy is independent of the BlockArray
    assert capsule_owner[0, 0] == 0.0
    bools = nps.asarray(np.array([True, False]))
    np.testing.assert_array_equal(np.from_dlpack(bools), [True, False])


# ------------------------------------------------------- differential: nums vs strict
class D:
    """A dtype argument, resolved in each namespace (``D("float32")``)."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


def _arg(xp, v):
    if isinstance(v, np.ndarray):
        return {nps: nps.asarray, xs: xs.asarray}.get(xp, np.asarray)(v)
    if isinstance(v, D):
        return getattr(xp, v.name)
    if isinstance(v, list) and v and isinstance(v[0], np.ndarray):
        return [_arg(xp, a) for a in v]
    return v


def _dtype_name(dt):
    strict = isinstance(dt, type(xs.float64))
    for name in DTYPE_NAMES:
        if (dt == getattr(xs, name)) if strict else (np.dtype(dt) == np.dtype(name)):
            return name
    return dt


def _value(r):
    """A result as NumPy data (arrays), names (dtypes) and tuples (named tuples' fields)."""
    if isinstance(r, nps.BlockArray):
        return r.get()
    if isinstance(r, STRICT_ARRAY):
        return np.from_dlpack(r)
    if isinstance(r, np.ndarray):
        return r
    if isinstance(r, tuple) and hasattr(r, "_fields"):
        return (type(r).__name__, r._fields, tuple(_value(v) for v in r))
    if isinstance(r, tuple | list):  # NumPy returns tuples where the standard says list
        return tuple(_value(v) for v in r)
    if isinstance(r, np.generic):  # NumPy's 0-d results (det, matrix_rank, ...)
        return np.asarray(r)
    if hasattr(r, "bits") and hasattr(r, "dtype"):  # finfo / iinfo
        return tuple(_value(getattr(r, f, None)) for f in
                     ("bits", "eps", "max", "min", "smallest_normal")) + (_dtype_name(r.dtype),)
    if r is None or isinstance(r, bool | int | float | complex | str):
        return r
    return _dtype_name(r)


def _assert_agree(ours, theirs, shape_only=False, rtol=1e-9, path="result"):
    if isinstance(theirs, tuple | list):
        assert type(ours) is type(theirs) and len(ours) == len(theirs), path
        for i, (o, t) in enumerate(zip(ours, theirs)):
            _assert_agree(o, t, shape_only, rtol, f"{path}[{i}]")
        return
    if not isinstance(theirs, np.ndarray):
        if isinstance(theirs, float) and math.isnan(theirs):
            assert math.isnan(ours), path
        else:
            assert ours == theirs, path
        return
    assert isinstance(ours, np.ndarray), path
    assert ours.shape == theirs.shape, f"{path}: shape {ours.shape} != {theirs.shape}"
    assert ours.dtype == theirs.dtype, f"{path}: dtype {ours.dtype} != {theirs.dtype}"
    if shape_only:
        return
    if theirs.dtype.kind in "fc":
        np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=1e-12, equal_nan=True,
                                   err_msg=path)
    else:
        np.testing.assert_array_equal(ours, theirs, err_msg=path)


R = np.random.default_rng(0)
F = R.uniform(0.1, 0.9, (3, 4))  # in every function's domain
F1 = R.uniform(0.1, 0.9, (4,))
G = R.uniform(1.5, 3.0, (3, 4))  # acosh's domain
NEG = R.uniform(-2.0, 2.0, (3, 4))
I8 = R.integers(-20, 20, (3, 4)).astype(np.int8)
I = R.integers(-20, 20, (3, 4))
U = R.integers(0, 5, (3, 4))
SH = R.integers(0, 4, (3, 4))
B = R.random((3, 4)) > 0.5
B2 = R.random((3, 4)) > 0.5
C = (R.normal(size=(3, 4)) + 1j * R.normal(size=(3, 4)))
F32 = F.astype(np.float32)
V3 = R.normal(size=(4, 3))
W3 = R.normal(size=(4, 3))
SQ = R.normal(size=(4, 4))
SPD = SQ @ SQ.T + 4 * np.eye(4)
STACK = R.normal(size=(2, 3, 3)) + 3 * np.eye(3)
DUP = np.array([3, 1, 2, 3, 1, 5, 1])
SORTED = np.sort(R.integers(0, 20, 10))
Z = np.array([0.0, 1.5, 0.0, -2.0])
SIG = R.normal(size=(8,))
SIG2 = R.normal(size=(4, 6))
CSIG = R.normal(size=(8,)) + 1j * R.normal(size=(8,))

UNARY = {
    "abs": [NEG, I, C], "acos": [F], "acosh": [G], "asin": [F], "asinh": [NEG], "atan": [NEG],
    "atanh": [F], "bitwise_invert": [I, B], "ceil": [NEG, I], "conj": [C], "cos": [NEG],
    "cosh": [NEG], "exp": [NEG, C], "expm1": [NEG], "floor": [NEG], "imag": [C],
    "isfinite": [NEG, C], "isinf": [NEG], "isnan": [NEG], "log": [G, C], "log1p": [F],
    "log2": [G], "log10": [G], "logical_not": [B], "negative": [NEG, I], "positive": [NEG],
    "real": [C], "reciprocal": [G], "round": [NEG * 3, C], "sign": [NEG, I], "signbit": [NEG],
    "sin": [NEG, F32], "sinh": [NEG], "square": [NEG, I8], "sqrt": [G, C], "tan": [F],
    "tanh": [NEG], "trunc": [NEG],
}
BINARY = {
    "add": [(F, F1), (I, I8), (F, 2.0), (I, 3)], "atan2": [(NEG, F)],
    "bitwise_and": [(I, U), (B, B2)], "bitwise_or": [(I, U)], "bitwise_xor": [(I, U)],
    "bitwise_left_shift": [(I, SH)], "bitwise_right_shift": [(I, SH)],
    "copysign": [(F, NEG)], "divide": [(F, G), (F, 2.0)], "equal": [(I, U), (F, F)],
    "floor_divide": [(NEG, G), (I, U + 1)], "greater": [(F, F1)], "greater_equal": [(I, U)],
    "hypot": [(NEG, F)], "less": [(F, F1)], "less_equal": [(I, U)], "logaddexp": [(NEG, F)],
    "logical_and": [(B, B2)], "logical_or": [(B, B2)], "logical_xor": [(B, B2)],
    "maximum": [(NEG, F1)], "minimum": [(NEG, F1), (I, 0)], "multiply": [(F, G), (C, C)],
    "nextafter": [(F, G)], "not_equal": [(I, U)], "pow": [(F, G), (U, 2), (F, 0.5)],
    "remainder": [(NEG, G), (I, U + 1)], "subtract": [(F, F1), (I8, I8)],
}

CASES = []
for _name, _inputs in UNARY.items():
    for _k, _x in enumerate(_inputs):
        CASES.append((f"{_name}-{_k}", _name, (_x,), {}))
for _name, _inputs in BINARY.items():
    for _k, (_a, _b) in enumerate(_inputs):
        CASES.append((f"{_name}-{_k}", _name, (_a, _b), {}))

CASES += [(c[0], c[1], c[2], c[3]) + c[4:] for c in [
    # creation
    ("arange-1", "arange", (5,), {}), ("arange-2", "arange", (1, 10, 2), {"dtype": D("float64")}),
    ("arange-3", "arange", (0.5, 3.0, 0.5), {}),
    ("asarray", "asarray", ([[1, 2], [3, 4]],), {"dtype": D("int16")}),
    ("empty", "empty", ((2, 3),), {}, "shape"), ("empty_like", "empty_like", (F,), {}, "shape"),
    ("eye-1", "eye", (3,), {}), ("eye-2", "eye", (3, 5), {"k": 1, "dtype": D("int32")}),
    ("full", "full", ((2, 3), 7.0), {}), ("full-int", "full", ((2,), 7), {}),
    ("full_like", "full_like", (I, 3), {}), ("full_like-2", "full_like", (F, 3), {}),
    ("linspace", "linspace", (0.0, 1.0, 7), {}),
    ("linspace-2", "linspace", (0.0, 1.0, 5), {"endpoint": False}),
    ("meshgrid", "meshgrid", (F1, F1[:3]), {"indexing": "ij"}),
    ("meshgrid-xy", "meshgrid", (F1, F1[:3]), {}),
    ("ones", "ones", ((2, 2),), {"dtype": D("int8")}), ("ones_like", "ones_like", (B,), {}),
    ("tril", "tril", (SQ,), {"k": 1}), ("triu", "triu", (SQ,), {"k": -1}),
    ("zeros", "zeros", ((3,),), {}), ("zeros_like", "zeros_like", (F32,), {}),
    # data types
    ("astype", "astype", (F, D("float32")), {}), ("astype-2", "astype", (I, D("int8")), {}),
    ("can_cast", "can_cast", (D("int8"), D("int64")), {}),
    ("can_cast-2", "can_cast", (D("float64"), D("int64")), {}),
    ("finfo", "finfo", (D("float32"),), {}), ("iinfo", "iinfo", (D("int8"),), {}),
    ("isdtype", "isdtype", (D("float64"), "real floating"), {}),
    ("isdtype-2", "isdtype", (D("int8"), ("integral", "bool")), {}),
    ("result_type", "result_type", (D("int8"), D("int32")), {}),
    ("result_type-f", "result_type", (D("float32"), D("float64"), F32), {}),
    ("result_type-2", "result_type", (I8, D("int16")), {}),
    ("broadcast_arrays", "broadcast_arrays", (F, F1), {}),
    ("broadcast_to", "broadcast_to", (F1, (2, 4)), {}),
    ("broadcast_shapes", "broadcast_shapes", ((3, 1), (4,)), {}),
    # indexing
    ("take", "take", (F, np.array([2, 0, 3])), {"axis": 1}),
    ("take-1d", "take", (F1, np.array([3, 3, 0])), {}),
    ("take_along_axis", "take_along_axis", (F, np.argsort(F, axis=1)), {"axis": 1}),
    # linear algebra in the main namespace
    ("matmul", "matmul", (SQ, V3), {}), ("matmul-stack", "matmul", (STACK, STACK), {}),
    ("matrix_transpose", "matrix_transpose", (STACK,), {}),
    ("tensordot", "tensordot", (SQ, SQ), {"axes": 1}),
    ("tensordot-2", "tensordot", (STACK, STACK), {"axes": ((1, 2), (2, 1))}),
    ("vecdot", "vecdot", (V3, W3), {}), ("vecdot-u8", "vecdot", (U.astype(np.uint8),
                                                                 U.astype(np.uint8)), {}),
    ("vecdot-bool", "vecdot", (B, B2), {}, "numpy"),  # numeric only in the standard
    ("vecdot-axis", "vecdot", (V3, W3), {"axis": -2}),
    # manipulation
    ("concat", "concat", ([F, G],), {"axis": 1}), ("concat-none", "concat", ([F, G],),
                                                    {"axis": None}),
    ("expand_dims", "expand_dims", (F,), {"axis": 1}), ("flip", "flip", (F,), {"axis": 0}),
    ("flip-all", "flip", (F,), {}), ("moveaxis", "moveaxis", (STACK, 0, 2), {}),
    ("permute_dims", "permute_dims", (STACK, (2, 0, 1)), {}),
    ("repeat", "repeat", (F, 2), {"axis": 1}), ("repeat-none", "repeat", (F1, 3), {}),
    ("reshape", "reshape", (F, (4, 3)), {}), ("reshape-copy", "reshape", (F, (-1,)),
                                                {"copy": True}),
    ("roll", "roll", (F, 2), {"axis": 1}), ("roll-flat", "roll", (F, -5), {}),
    ("squeeze", "squeeze", (F[None],), {"axis": 0}), ("stack", "stack", ([F, G],),
                                                        {"axis": 1}),
    ("tile", "tile", (F1, (2, 2)), {}), ("unstack", "unstack", (STACK,), {"axis": 1}),
    # searching
    ("argmax", "argmax", (F,), {"axis": 1, "keepdims": True}), ("argmax-flat", "argmax", (F,),
                                                                 {}),
    ("argmin", "argmin", (NEG,), {"axis": 0}), ("count_nonzero", "count_nonzero", (I,),
                                                 {"axis": 1}),
    ("count_nonzero-all", "count_nonzero", (B,), {}), ("nonzero", "nonzero", (I,), {}),
    ("searchsorted", "searchsorted", (SORTED, np.array([3, 10, 25])), {"side": "right"}),
    ("searchsorted-left", "searchsorted", (SORTED, np.array([0, 7])), {}),
    ("where", "where", (B, F, G), {}),
    # sets
    ("unique_all", "unique_all", (DUP,), {}), ("unique_counts", "unique_counts", (DUP,), {}),
    ("unique_inverse", "unique_inverse", (DUP,), {}),
    ("unique_values", "unique_values", (DUP,), {}),
    ("isin", "isin", (DUP, np.array([1, 5])), {}),
    # array-api-strict 2.6.1 ignores invert=: NumPy is the reference for this one
    ("isin-invert", "isin", (DUP, np.array([1, 5])), {"invert": True}, "numpy"),
    # sorting
    ("argsort", "argsort", (F,), {"axis": 1}), ("argsort-desc", "argsort", (DUP,),
                                                {"descending": True, "stable": True}),
    ("sort", "sort", (F,), {"axis": 0}), ("sort-desc", "sort", (NEG,), {"descending": True}),
    # statistics
    ("cumulative_sum", "cumulative_sum", (F,), {"axis": 1}),
    ("cumulative_sum-init", "cumulative_sum", (I,), {"axis": 0, "include_initial": True}),
    ("cumulative_sum-1d", "cumulative_sum", (F1,), {"include_initial": True}),
    ("cumulative_prod", "cumulative_prod", (F,), {"axis": 1, "include_initial": True}),
    ("max", "max", (F,), {"axis": 1}), ("max-keep", "max", (I,), {"keepdims": True}),
    ("mean", "mean", (F,), {"axis": (0, 1)}), ("mean-c", "mean", (C,), {"axis": 0}),
    ("min", "min", (NEG,), {"axis": 0, "keepdims": True}),
    ("prod", "prod", (F,), {"axis": 1}), ("prod-dtype", "prod", (I8,), {"dtype": D("int64")}),
    ("std", "std", (F,), {"axis": 0, "correction": 1}), ("std-all", "std", (F,), {}),
    ("sum", "sum", (F,), {"axis": 1, "keepdims": True}), ("sum-int", "sum", (I8,), {}),
    ("sum-dtype", "sum", (F32,), {"dtype": D("float64")}),
    ("var", "var", (NEG,), {"axis": 1, "correction": 0.5}),
    # utilities
    ("all", "all", (B,), {"axis": 1}), ("any", "any", (B,), {"keepdims": True}),
    ("diff", "diff", (F,), {"axis": 1}), ("diff-n", "diff", (I,), {"n": 2, "axis": 0}),
    ("diff-pre", "diff", (F1,), {"prepend": F1[:1], "append": F1[:2]}),
    ("clip", "clip", (F,), {"min": 0.3, "max": 0.6}), ("clip-min", "clip", (F, 0.4), {}),
    ("clip-max", "clip", (I,), {"max": 3}), ("clip-none", "clip", (F,), {}),
    ("clip-arrays", "clip", (F,), {"min": F1 * 0.5, "max": F1}),
    # linalg extension
    ("cholesky", "linalg.cholesky", (SPD,), {}),
    ("cholesky-upper", "linalg.cholesky", (SPD,), {"upper": True}),
    ("cross", "linalg.cross", (V3, W3), {}), ("cross-axis", "linalg.cross", (V3.T, W3.T),
                                              {"axis": -2}),
    ("det", "linalg.det", (SQ,), {}), ("det-stack", "linalg.det", (STACK,), {}),
    ("diagonal", "linalg.diagonal", (STACK,), {"offset": 1}),
    ("eigvalsh", "linalg.eigvalsh", (SPD,), {}), ("inv", "linalg.inv", (SPD,), {}),
    ("linalg.matmul", "linalg.matmul", (SQ, SQ), {}),
    ("matrix_norm", "linalg.matrix_norm", (SQ,), {}),
    ("matrix_norm-nuc", "linalg.matrix_norm", (STACK,), {"ord": "nuc", "keepdims": True}),
    ("matrix_norm-1", "linalg.matrix_norm", (SQ,), {"ord": 1}),
    ("matrix_power", "linalg.matrix_power", (SQ, 3), {}),
    ("matrix_rank", "linalg.matrix_rank", (SQ,), {}),
    ("linalg.matrix_transpose", "linalg.matrix_transpose", (STACK,), {}),
    ("outer", "linalg.outer", (F1, F1[:3]), {}), ("pinv", "linalg.pinv", (V3,), {}),
    ("slogdet", "linalg.slogdet", (SQ,), {}), ("solve", "linalg.solve", (SPD, SQ), {}),
    ("svdvals", "linalg.svdvals", (V3,), {}),
    ("linalg.tensordot", "linalg.tensordot", (SQ, SQ), {"axes": 2}),
    ("trace", "linalg.trace", (STACK,), {"offset": -1}), ("trace-2d", "linalg.trace", (SQ,), {}),
    ("linalg.vecdot", "linalg.vecdot", (V3, W3), {"axis": -2}),
    ("vector_norm", "linalg.vector_norm", (F,), {}),
    ("vector_norm-ord", "linalg.vector_norm", (NEG,), {"axis": 1, "ord": 1, "keepdims": True}),
    ("vector_norm-inf", "linalg.vector_norm", (NEG,), {"axis": (0, 1), "ord": float("inf")}),
    # fft extension
    ("fft", "fft.fft", (CSIG,), {}), ("fft-n", "fft.fft", (CSIG,), {"n": 5, "norm": "ortho"}),
    ("ifft", "fft.ifft", (CSIG,), {}), ("fftn", "fft.fftn", (SIG2 + 0j,), {}),
    ("ifftn", "fft.ifftn", (SIG2 + 0j,), {"axes": (1,)}), ("rfft", "fft.rfft", (SIG,), {}),
    ("irfft", "fft.irfft", (CSIG[:5],), {"n": 8}), ("rfftn", "fft.rfftn", (SIG2,), {}),
    ("irfftn", "fft.irfftn", (SIG2[:, :4] + 0j,), {"s": (4, 6), "axes": (0, 1)}),
    ("hfft", "fft.hfft", (CSIG[:5],), {}), ("ihfft", "fft.ihfft", (SIG,), {}),
    ("fftfreq", "fft.fftfreq", (8,), {"d": 0.5}), ("rfftfreq", "fft.rfftfreq", (9,), {}),
    ("fftshift", "fft.fftshift", (SIG2,), {}), ("ifftshift", "fft.ifftshift", (SIG2,),
                                                {"axes": 1}),
]]


def _fn(xp, path):
    obj = xp
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_function_agrees_with_the_reference_implementation(case):
    _, path, args, kwargs = case[:4]
    shape_only = len(case) > 4 and case[4] == "shape"
    reference = np if len(case) > 4 and case[4] == "numpy" else xs

    def run(xp):
        a = [_arg(xp, v) for v in args]
        kw = {k: _arg(xp, v) for k, v in kwargs.items()}
        return _value(_fn(xp, path)(*a, **kw))

    try:
        theirs = run(reference)
    except RuntimeError as e:  # a name of the next version, which nums (as NumPy) has
        if "requires API version" not in str(e):
            raise
        with xs.ArrayAPIStrictFlags(api_version="2025.12"):
            theirs = run(xs)
    ours = run(nps)
    _assert_agree(ours, theirs, shape_only)


def test_every_function_of_the_standard_has_a_differential_case():
    tested = {c[1] for c in CASES}
    names = {n for n in set(xs.__all__) - STRICT_ONLY
             if callable(getattr(xs, n)) and n not in DTYPE_NAMES and not n.startswith("_")}
    names -= {"linalg", "fft", "from_dlpack"}  # modules; from_dlpack: test_dlpack_round_trips
    names |= {f"linalg.{n}" for n in xs.linalg.__all__} | {f"fft.{n}" for n in xs.fft.__all__}
    # eigh, qr and svd: factors are unique up to signs, checked by reconstruction below
    untested = sorted(names - tested - {"linalg.eigh", "linalg.qr", "linalg.svd"})
    assert untested == []


def test_factorizations_reconstruct_and_name_their_fields():
    a = nps.asarray(SPD)
    w, v = nps.linalg.eigh(a)
    ref = xs.linalg.eigh(xs.asarray(SPD))
    assert type(nps.linalg.eigh(a))._fields == type(ref)._fields
    np.testing.assert_allclose(w.get(), np.from_dlpack(ref.eigenvalues), rtol=1e-10)
    np.testing.assert_allclose((v.get() * w.get()) @ v.get().T, SPD, atol=1e-10)
    q, r = nps.linalg.qr(nps.asarray(V3))
    qr_fields = type(xs.linalg.qr(xs.asarray(V3)))._fields
    assert type(nps.linalg.qr(nps.asarray(V3)))._fields == qr_fields
    np.testing.assert_allclose(q.get() @ r.get(), V3, atol=1e-10)
    qc, rc = nps.linalg.qr(nps.asarray(V3), mode="complete")
    assert qc.shape == (4, 4) and rc.shape == (4, 3)
    res = nps.linalg.svd(nps.asarray(V3), full_matrices=False)
    assert type(res)._fields == type(xs.linalg.svd(xs.asarray(V3)))._fields
    u, s, vh = res
    np.testing.assert_allclose((u.get() * s.get()) @ vh.get(), V3, atol=1e-10)


def test_python_scalars_on_either_side_of_binary_functions():
    x = nps.asarray(F)
    for name in ("add", "subtract", "multiply", "divide", "pow", "maximum", "copysign"):
        ours = getattr(nps, name)(2.0, x).get()
        theirs = np.from_dlpack(getattr(xs, name)(2.0, xs.asarray(F)))
        _assert_agree(ours, theirs, path=name)


def _callable_names(module, names):
    out = []
    for name in sorted(names):
        fn = getattr(module, name)
        if callable(fn) and name not in DTYPE_NAMES and not isinstance(fn, type(math)):
            out.append(name)
    return out


def test_signatures_take_the_standards_parameters():
    """Every parameter of the standard's signature (array-api-strict's) is accepted by the
    nums function: as many positional parameters, and each keyword under its name."""
    import inspect

    problems = []
    modules = [(xs, nps, set(xs.__all__) - STRICT_ONLY - {"finfo", "iinfo"}, ""),
               (xs.linalg, nps.linalg, xs.linalg.__all__, "linalg."),
               (xs.fft, nps.fft, xs.fft.__all__, "fft.")]
    for theirs_mod, ours_mod, names, prefix in modules:
        for name in _callable_names(theirs_mod, names):
            theirs = inspect.signature(getattr(theirs_mod, name)).parameters.values()
            ours = inspect.signature(getattr(ours_mod, name)).parameters
            kinds = {p.kind for p in ours.values()}
            positional = [p for p in ours.values()
                          if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
            wanted = [p for p in theirs if p.kind in (p.POSITIONAL_ONLY,
                                                      p.POSITIONAL_OR_KEYWORD)]
            if len(positional) < len(wanted) and inspect.Parameter.VAR_POSITIONAL not in kinds:
                problems.append(f"{prefix}{name}: {len(wanted)} positional parameters")
            for p in theirs:
                if p.kind not in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD):
                    continue
                mine = ours.get(p.name)
                if mine is None and inspect.Parameter.VAR_KEYWORD not in kinds:
                    problems.append(f"{prefix}{name}: keyword {p.name}")
                elif mine is not None and mine.kind == mine.POSITIONAL_ONLY:
                    problems.append(f"{prefix}{name}: {p.name} is positional-only")
    assert problems == []


def test_fftfreq_dtype_and_device_keywords():
    for fn in ("fftfreq", "rfftfreq"):
        ours = getattr(nps.fft, fn)(9, d=0.5, dtype=nps.float32, device="cpu")
        theirs = getattr(xs.fft, fn)(9, d=0.5, dtype=xs.float32)
        _assert_agree(ours.get(), np.from_dlpack(theirs), path=fn)
        with pytest.raises(ValueError):
            getattr(nps.fft, fn)(4, dtype=nps.int32)
        with pytest.raises(ValueError, match="Device not understood"):
            getattr(nps.fft, fn)(4, device="gpu")


PROMOTING = ["add", "multiply", "divide", "equal", "bitwise_and", "pow", "maximum"]


def test_type_promotion_of_binary_functions():
    """For every pair of dtypes the standard promotes (array-api-strict refuses the others),
    the result's dtype and values are the standard's."""
    checked = 0
    for fn in PROMOTING:
        for n1 in DTYPE_NAMES:
            for n2 in DTYPE_NAMES:
                a = np.array([1, 2, 3]).astype(n1)
                b = np.array([3, 1, 2]).astype(n2)
                try:
                    theirs = np.from_dlpack(getattr(xs, fn)(xs.asarray(a), xs.asarray(b)))
                except TypeError:
                    continue  # not defined by the standard (mixed kinds, bool arithmetic)
                ours = getattr(nps, fn)(nps.asarray(a), nps.asarray(b)).get()
                _assert_agree(ours, theirs, rtol=1e-6, path=f"{fn}({n1}, {n2})")
                checked += 1
    assert checked > 300


def test_reshape_to_0d_is_a_writeable_view():
    """What hypothesis' array strategy does (the external suite's arrays are made so)."""
    base = nps.asarray(np.array([1.5], dtype=np.float32))
    x = nps.reshape(base, ())
    assert x.shape == () and x.flags.writeable
    x[()] = 4.0
    assert base.get()[0] == 4.0 and float(x) == 4.0
    y = nps.asarray(np.ones((1, 1))).reshape(())
    y[...] = 3.0
    assert float(y) == 3.0


A3 = np.arange(24.0).reshape(2, 3, 4)
M3 = np.arange(24.0).reshape(2, 3, 4) - 5
V2 = np.arange(8.0).reshape(2, 4)


@pytest.mark.parametrize("body", [
    lambda xp, a, b, v: xp.vecdot(a, b, axis=0),
    lambda xp, a, b, v: xp.vecdot(a, b, keepdims=True),
    lambda xp, a, b, v: xp.vecdot(a, b, axis=1, keepdims=True),
    lambda xp, a, b, v: xp.vecdot(a, b, axes=[(1,), (1,), ()]),
    lambda xp, a, b, v: xp.vecdot(a, b, axes=[1, 1, ()]),
    lambda xp, a, b, v: xp.vecdot(a, b, axes=[(1,), (1,), (0,)], keepdims=True),
    lambda xp, a, b, v: xp.vecdot(a, b, axes=[(1,), (1,), ()], axis=1),
    lambda xp, a, b, v: xp.vecdot(a, b, order="F", subok=False),
    lambda xp, a, b, v: xp.vecdot(a.astype(np.float32), b, signature="dd->d"),
    lambda xp, a, b, v: xp.matvec(a, v[:, None, :], keepdims=True),
    lambda xp, a, b, v: xp.matvec(a, v, axes=[(-2, -1), (-1,), (-1,)]),
    lambda xp, a, b, v: xp.matvec(xp.swapaxes(a, 1, 2), v, axes=[(-1, -2), (-1,), (0,)]),
    lambda xp, a, b, v: xp.vecmat(v[:, :3], xp.swapaxes(b, 1, 2), axes=[(-1,), (-1, -2), (0,)]),
    lambda xp, a, b, v: xp.vecmat(v[:, :3], b, keepdims=True),
    lambda xp, a, b, v: xp.matvec(a, v[:, None, :], signature=(np.float64,) * 3),
])
def test_vector_gufuncs_take_numpys_keywords(body):
    """``vecdot``, ``matvec`` and ``vecmat`` take the gufunc keywords NumPy takes (``axes``,
    ``keepdims``, ``order``, ``subok``, ``signature``), with NumPy's errors."""
    check_against_numpy(body, A3, M3, V2)


@pytest.mark.parametrize("body", [
    lambda xp, x: x + None, lambda xp, x: x < None, lambda xp, x: xp.maximum(x, None),
    lambda xp, x: None // x, lambda xp, x: x + [None] * 6, lambda xp, x: x >= (None,) * 6,
    lambda xp, x: x == None,  # noqa: E711 - NumPy's elementwise comparison
    lambda xp, x: x + [1] * 6,
])
def test_none_operands_raise_at_the_call_as_numpy(body):
    """``x + None`` (NumPy's object loop) raises NumPy's TypeError at the line (nums raised it
    when the result was read)."""
    check_against_numpy(body, np.arange(6.0))
