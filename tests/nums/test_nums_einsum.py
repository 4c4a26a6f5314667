"""einsum and einsum_path against numpy: fixed forms and random expressions (1-3 operands,
repeated indices, ellipses, size-1 broadcasting, the sublist form, dtypes, block shapes)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from nums_helpers import assert_same

import nums.numpy as nps

pytestmark = pytest.mark.filterwarnings("error::nums.numpy.GatherWarning")  # no fallback

LETTERS = "abcde"


def _random_case(rng: np.random.Generator):
    """A random einsum call: (operands for numpy.einsum, keyword arguments)."""
    sizes = {c: int(rng.integers(1, 5)) for c in LETTERS}
    ell_shape = tuple(int(n) for n in rng.integers(1, 4, size=int(rng.integers(0, 3))))
    use_ell = bool(rng.random() < 0.3)
    subs, shapes = [], []
    for _ in range(int(rng.integers(1, 4))):
        ndim = int(rng.integers(0, 4))
        letters = [LETTERS[int(i)] for i in rng.integers(0, len(LETTERS), size=ndim)]
        shape = []
        for c in letters:  # some indices broadcast: length 1 here, longer elsewhere
            shape.append(1 if rng.random() < 0.15 else sizes[c])
        for k, c in enumerate(letters):  # a repeated index has one length in an operand
            if rng.random() < 0.95:  # (else numpy's error, if the lengths differ)
                shape[k] = shape[letters.index(c)]
        sub = "".join(letters)
        if use_ell and rng.random() < 0.8:
            n = int(rng.integers(0, len(ell_shape) + 1))
            ell = [1 if rng.random() < 0.2 else m for m in ell_shape[len(ell_shape) - n:]]
            sub, shape = "..." + sub, ell + shape
        subs.append(sub)
        shapes.append(tuple(shape))
    used = sorted(set("".join(subs)) - {"."})
    if rng.random() < 0.4:
        spec = ",".join(subs)
    else:
        out = [c for c in used if rng.random() < 0.6]
        rng.shuffle(out)
        out = "".join(out)
        if "..." in ",".join(subs) and rng.random() < 0.8:
            out = "..." + out if rng.random() < 0.5 else out + "..."
        spec = ",".join(subs) + "->" + out
    kind = rng.choice(["f8", "f8", "i8", "c16", "f4", "?"])
    arrays = []
    for shape in shapes:
        if kind == "?":
            arrays.append(rng.random(shape) < 0.5)
        elif kind == "c16":
            arrays.append(rng.random(shape) + 1j * rng.random(shape))
        else:
            arrays.append((rng.random(shape) * 10 - 5).astype(kind))
    kwargs = {}
    if rng.random() < 0.15:
        kwargs["dtype"] = rng.choice(["f8", "c16"])
    if rng.random() < 0.3:
        kwargs["optimize"] = bool(rng.random() < 0.5) or "optimal"
    if rng.random() < 0.3:  # numpy's interleaved form: operand, sublist, ..., [output]
        num = {c: i for i, c in enumerate(LETTERS)}

        def sublist(s):
            return ([Ellipsis] if s.startswith("...") else []) + [num[c] for c in s if c != "."] \
                + ([Ellipsis] if s.endswith("...") and not s.startswith("...") else [])

        ins, _, out = spec.partition("->")
        args = []
        for a, s in zip(arrays, ins.split(",")):
            args += [a, sublist(s)]
        if "->" in spec:
            args.append(sublist(out))
        return args, kwargs
    return [spec] + arrays, kwargs


def _blocks(rng, shape):
    return tuple(int(rng.integers(1, n + 1)) if n else 1 for n in shape)


def _check(args, kwargs, rng):
    np_args = list(args)
    try:
        expected = np.einsum(*np_args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - numpy's exception is the specification
        with pytest.raises(type(exc)):
            nps.einsum(*[nps.array(a, block_shape=_blocks(rng, a.shape))
                         if isinstance(a, np.ndarray) else a for a in args], **kwargs)
        return
    if kwargs.get("optimize"):
        # values from numpy's unoptimized einsum: numpy 2.4's optimized path sums bool
        # operands in bool before casting to dtype= (np.einsum('bc,ed->c', a, b, dtype='f8',
        # optimize=True) on bools gives 1.0 where the sum is 12.0)
        try:
            expected = np.einsum(*np_args, **{**kwargs, "optimize": False})
        except ValueError:  # ellipses that only the optimized parser broadcasts
            if "dtype" in kwargs:  # the operands cast first: the sums in that dtype
                cast = [np.asarray(a).astype(kwargs["dtype"])
                        if isinstance(a, np.ndarray | np.generic) else a for a in np_args]
                expected = np.einsum(*cast, optimize=kwargs["optimize"])
    got = nps.einsum(*[nps.array(a, block_shape=_blocks(rng, a.shape))
                       if isinstance(a, np.ndarray) else a for a in args], **kwargs)
    single = [np.float32, np.complex64]  # inputs or result: numpy may sum in single precision
    low = expected.dtype in single or any(getattr(a, "dtype", None) in single for a in args)
    tol = 1e-4 if low else 1e-9
    assert_same(got, expected, rtol=tol, atol=tol)


@pytest.mark.parametrize("seed", range(100))
def test_einsum_random_expressions(seed):
    rng = np.random.default_rng(seed)
    for _ in range(5):
        args, kwargs = _random_case(rng)
        _check(args, kwargs, rng)


def test_einsum_fixed_forms():
    rng = np.random.default_rng(1)
    a, b, c = rng.random((5, 6)), rng.random((6, 4)), rng.random((4, 4))
    t = rng.random((3, 5, 6))
    x, y, z = (nps.array(v, block_shape=(2,) * v.ndim) for v in (a, b, c))
    xt = nps.array(t, block_shape=(2, 2, 4))
    for spec, ops, nops in [("ij,jk->ik", (a, b), (x, y)), ("ij,jk", (a, b), (x, y)),
                            ("ij,jk,kl->il", (a, b, c), (x, y, z)), ("ii->i", (c,), (z,)),
                            ("ii", (c,), (z,)), ("...ij,jk->...ik", (t, b), (xt, y)),
                            ("bij,kj->bik", (t, a[:4]), (xt, x[:4])), ("ij->", (a,), (x,)),
                            ("i,i", (a[0], a[1]), (x[0], x[1])), ("ijk->kji", (t,), (xt,))]:
        assert_same(nps.einsum(spec, *nops), np.einsum(spec, *ops), rtol=1e-9)
    # explicit paths, one of them contracting three operands in one step
    for path in (["einsum_path", (1, 2), (0, 1)], ["einsum_path", (0, 1, 2)]):
        assert_same(nps.einsum("ij,jk,kl->il", x, y, z, optimize=path),
                    np.einsum("ij,jk,kl->il", a, b, c, optimize=path), rtol=1e-9)
    # the sublist form, with an output sublist
    assert_same(nps.einsum(x, [0, 1], y, [1, 2], [2, 0]), np.einsum(a, [0, 1], b, [1, 2], [2, 0]))


def test_einsum_out_dtype_casting():
    a = np.arange(12.0).reshape(3, 4)
    x = nps.array(a, block_shape=(2, 3))
    out = nps.zeros((4,), block_shape=(3,))
    r = nps.einsum("ij->j", x, out=out)
    assert r is out
    assert_same(out, np.einsum("ij->j", a))
    assert_same(nps.einsum("ij,ij->i", x, x, dtype="c16"), np.einsum("ij,ij->i", a, a, dtype="c16"))
    with pytest.raises(TypeError):  # float64 -> int64 is not a safe cast
        nps.einsum("ij->j", x, dtype="i8")
    assert_same(nps.einsum("ij->j", x, dtype="i8", casting="unsafe"),
                np.einsum("ij->j", a, dtype="i8", casting="unsafe"))
    with pytest.raises(ValueError):  # out of the wrong shape
        nps.einsum("ij->j", x, out=nps.zeros((3,)))
    with pytest.raises(ValueError):  # mismatched lengths of j
        nps.einsum("ij,jk", x, nps.zeros((3, 2)))
    with pytest.raises(ValueError):  # numpy's order check
        nps.einsum("ij", x, order="Z")


def test_einsum_views():
    a = np.arange(12.0).reshape(3, 4)
    x = nps.array(a, block_shape=(2, 3))
    v = nps.einsum("ij->ji", x)  # a view, writeable, as in numpy
    v[0, 0] = 100.0
    a_np = a.copy()
    np.einsum("ij->ji", a_np)[0, 0] = 100.0
    assert_same(x, a_np)
    sq = nps.array(np.arange(16.0).reshape(4, 4), block_shape=(3, 3))
    d = nps.einsum("ii->i", sq)
    sq[1, 1] = -1.0  # the diagonal view sees the write
    assert d.get()[1] == -1.0
    assert d.flags.writeable == np.einsum("ii->i", np.zeros((4, 4))).flags.writeable
    d[2] = 7.0  # written through, as NumPy's diagonal of einsum
    assert sq.get()[2, 2] == 7.0


def test_einsum_path_from_shapes():
    rng = np.random.default_rng(2)
    ops = [rng.random((4, 5)), rng.random((5, 6)), rng.random((6, 3))]
    for opt in ("greedy", "optimal", True):
        got = nps.einsum_path("ij,jk,kl->il", *[nps.array(o) for o in ops], optimize=opt)
        assert got == np.einsum_path("ij,jk,kl->il", *ops, optimize=opt)


def test_diagonal_nd():
    t = np.random.default_rng(3).random((3, 5, 4, 6))
    x = nps.array(t, block_shape=(2, 2, 3, 4))
    for args in [(0, 1, 2), (1, 0, 3), (-1, 3, 1), (2, 2, 0), (0, 0, 3)]:
        assert_same(nps.diagonal(x, *args), np.diagonal(t, *args))


def test_numpy_dispatch_reaches_einsum():
    a = np.arange(12.0).reshape(3, 4)
    x = nps.array(a, block_shape=(2, 3))
    r = np.einsum("ij,kj->ik", x, x)  # __array_function__: the distributed einsum
    assert isinstance(r, nps.BlockArray)
    assert_same(r, np.einsum("ij,kj->ik", a, a))
    assert np.einsum_path("ij,jk", x, x.T)[0] == np.einsum_path("ij,jk", a, a.T)[0]


@pytest.mark.parametrize("block_shape", [(3, 6), (2, 2), (7, 6)])
@pytest.mark.parametrize("dtype", [np.float64, np.int32, np.complex128])
def test_einsum_summed_products(block_shape, dtype):
    # operands without an index of their own (row-wise dot products): NumPy's einsum per
    # pair of blocks when the summed axes are whole in blocks, else a product and a sum
    rng = np.random.default_rng(2)
    a = (rng.random((7, 6)) * 10).astype(dtype)
    b = (rng.random((7, 6)) * 10).astype(dtype)
    t = (rng.random((4, 7, 6)) * 10).astype(dtype)
    x, y = nps.array(a, block_shape=block_shape), nps.array(b, block_shape=block_shape)
    xt = nps.array(t, block_shape=(2,) + block_shape)
    for spec, ops, nops in [("ij,ij->i", (a, b), (x, y)), ("ij,ij->j", (a, b), (x, y)),
                            ("ij,ji->i", (a, b.T), (x, y.T)), ("ij,ij->", (a, a), (x, x)),
                            ("bij,bij->b", (t, t), (xt, xt)), ("bij,bij->bi", (t, t), (xt, xt)),
                            ("bij,ij->bi", (t, a), (xt, x))]:
        assert_same(nps.einsum(spec, *nops), np.einsum(spec, *ops), rtol=1e-12)


@pytest.mark.parametrize("sub,shapes,out_shape,dtype,casting", [
    ("ij,jk->ik", [(1, 2), (2, 1)], (1, 1), np.int64, "unsafe"),
    ("ij->i", [(1, 2)], (1,), np.int64, "unsafe"),
    ("ij,jk->ik", [(3, 4), (4, 2)], (3, 2), np.float32, "same_kind"),
    ("ij,jk->ik", [(1, 2), (2, 1)], (1, 1), np.int64, "same_kind"),
])
def test_einsum_into_a_narrower_out_computes_in_the_operands_dtype(layout, sub, shapes,
                                                                   out_shape, dtype, casting):
    """NumPy computes in the operands' dtype and casts the result into ``out``: 1.5 * 1.5 +
    1.5 * 1.5 into an int64 ``out`` is 4, not 2 (operands cast first)."""
    ops = [np.full(s, 1.5) + np.arange(np.prod(s)).reshape(s) * 0.1 for s in shapes]
    o, p = np.zeros(out_shape, dtype), nps.zeros(out_shape, dtype)
    try:
        np.einsum(sub, *ops, out=o, casting=casting)
    except TypeError:
        with pytest.raises(TypeError):
            nps.einsum(sub, *[nps.asarray(a) for a in ops], out=p, casting=casting)
        return
    nps.einsum(sub, *[nps.asarray(a) for a in ops], out=p, casting=casting)
    np.testing.assert_allclose(p.get(), o, rtol=1e-6)
    assert p.dtype == o.dtype


@pytest.mark.parametrize("fn,warns", [
    (lambda xp, b: xp.einsum("i,i", b, b), False),
    (lambda xp, b: xp.vdot(b, b), False),
    (lambda xp, b: xp.einsum("i,i", b, b, optimize=True), True),
    (lambda xp, b: xp.dot(b, b), True),
])
def test_overflow_warns_where_numpys_product_does(layout, fn, warns):
    """NumPy's einsum loop (no optimize) and vdot check no floating-point errors; its dot
    and optimized einsum do: the same warnings, and inf."""
    b = np.array([1e300, 1e300])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert float(np.asarray(nps.asarray(fn(nps, nps.asarray(b))).get())) == np.inf
    assert any("overflow" in str(w.message) for w in caught) == warns
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn(np, b)
    assert any("overflow" in str(w.message) for w in caught) == warns
