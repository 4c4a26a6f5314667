"""Products of vectors and matrices along the last axes, composed of elementwise products,
sums and ``matmul``: ``vecdot``, ``matvec``, ``vecmat``, ``cross``; and ``polyval`` (Horner's
scheme, as NumPy evaluates it)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from nums.core.array.blockarray import BlockArray
from nums.core.array.products import vector_dot
from nums.core.array.writes import check_out, to_out
from nums.numpy._convert import asarray
from nums.numpy._products import loop_operands


def _nps():
    import nums.numpy as nps

    return nps



def _in_loop_dtype(gufunc: Any, x1: Any, x2: Any, dtype: Any, casting: str,
                   **kwargs: Any) -> tuple[BlockArray, BlockArray]:
    """The operands of a gufunc call with ``dtype=``/``casting=`` (see
    :func:`nums.numpy._products.loop_operands`)."""
    a, b = asarray(x1), asarray(x2)
    if dtype is None and casting == "same_kind":
        return a, b
    a, b, _ = loop_operands(gufunc, a, b, dtype=dtype, casting=casting, **kwargs)
    return a, b


_CORE_DIMS = {np.vecdot: (1, 1), np.matvec: (2, 1), np.vecmat: (1, 2)}  # of the operands


def _core_axes(gufunc: Any, x1: Any, x2: Any, kwargs: dict) -> tuple:
    """The gufunc keywords NumPy takes beyond ``dtype``/``casting`` (``order``, ``subok``,
    ``signature``, ``axes``, ``axis``, ``keepdims``), checked by NumPy on stand-ins of the
    operands' shapes (each axis at most 1 long): ``(a, b, place, dtype)``, the operands with
    their core axes last, a function that puts the result's core axes where NumPy does, and
    the dtype a ``signature`` names."""
    a, b = asarray(x1), asarray(x2)
    given = {k: v for k, v in kwargs.items() if v is not None}
    if given.get("keepdims") is False:
        del given["keepdims"]
    if not given:
        return a, b, lambda r: r, None
    stands = [np.zeros(tuple(min(n, 1) for n in x.shape), x.dtype) for x in (a, b)]
    gufunc(*stands, **given)  # NumPy's errors (keepdims of matvec, axis with axes, ...)
    dtype = None
    signature = given.get("signature")
    if signature is not None:
        # ("dd->d": type characters; or a tuple of dtypes and Nones)
        names = [c for c in signature if c.isalpha()] if isinstance(signature, str) else [
            t for t in signature if t is not None]
        kinds = {np.dtype(t) for t in names}
        if len(kinds) != 1:
            raise NotImplementedError(f"nums: {gufunc.__name__} with signature={signature!r} "
                                      "of several dtypes; pass dtype= instead")
        dtype = kinds.pop()
    axes, axis = given.get("axes"), given.get("axis")
    cores = _CORE_DIMS[gufunc]
    if axes is None and axis is not None:
        axes = [(axis,)] * len(cores)
    out_axes = ()
    if axes is not None:
        moved = []
        for x, entry, k in zip((a, b), axes, cores):
            entry = (entry,) if isinstance(entry, int | np.integer) else tuple(entry)
            src = [normalize_axis_index(int(i), x.ndim) for i in entry]
            moved.append(_nps().moveaxis(x, src, list(range(x.ndim - k, x.ndim))))
        a, b = moved
        if len(axes) > 2:
            out_axes = axes[2]
            out_axes = (out_axes,) if isinstance(out_axes, int | np.integer) else tuple(
                out_axes)
        elif axis is not None and given.get("keepdims"):
            out_axes = (axis,)
    keep = bool(given.get("keepdims"))

    def place(r: BlockArray) -> BlockArray:
        if keep:  # vecdot's reduced axis kept where the inputs had it
            at = out_axes[0] if out_axes else -1
            return _nps().expand_dims(r, normalize_axis_index(int(at), r.ndim + 1))
        if out_axes and r.ndim:
            return _nps().moveaxis(r, -1, normalize_axis_index(int(out_axes[0]), r.ndim))
        return r

    return a, b, place, dtype


def _with_keywords(fn: Any, gufunc: Any, x1: Any, x2: Any, out: Any, dtype: Any,
                   casting: str, order: str, subok: bool, signature: Any, axes: Any,
                   axis: Any, keepdims: bool) -> BlockArray | None:
    """``fn`` (``vecdot``, ``matvec``, ``vecmat``) called with the gufunc keywords beyond
    ``dtype``/``casting`` (see :func:`_core_axes`): its result, or None when none of them
    rearranges the operands (``fn`` goes on with them as they are)."""
    if order == "K" and subok and signature is None and axes is None and axis is None and (
            not keepdims):
        return None
    x1, x2, place, named = _core_axes(gufunc, x1, x2, {
        "order": None if order == "K" else order, "subok": None if subok else subok,
        "signature": signature, "axes": axes, "axis": axis, "keepdims": keepdims})
    if signature is None and axes is None and axis is None and not keepdims:
        return None  # (order and subok: checked, no values change)
    result = fn(x1, x2, dtype=dtype if named is None else named, casting=casting)
    return to_out(out, place(result))


def vecdot(x1: Any, x2: Any, /, out: Any = None, *, axis: int | None = None,
           dtype: Any = None, casting: str = "same_kind", order: str = "K",
           subok: bool = True, signature: Any = None, axes: Any = None,
           keepdims: bool = False) -> BlockArray:
    """nums implementation of ``numpy.vecdot``: ``sum(conj(x1) * x2, axis)`` (the gufunc's
    keywords as NumPy's; ``order`` and ``subok`` change no values)."""
    done = _with_keywords(vecdot, np.vecdot, x1, x2, out, dtype, casting, order, subok,
                          signature, axes, axis, keepdims)
    if done is not None:
        return done
    axis = -1
    u = _nps()
    a, b = _in_loop_dtype(np.vecdot, x1, x2, dtype, casting, axis=axis)
    if casting == "same_kind":
        check_out(out, np.result_type(a.dtype, b.dtype), casting, np.vecdot)
    for i, operand in enumerate((a, b)):
        if operand.ndim == 0:
            raise ValueError(f"vecdot: Input operand {i} does not have enough dimensions (has "
                             "0, gufunc core with signature (n),(n)->() requires 1)")
    if a.shape[axis] != b.shape[axis]:
        raise ValueError("vecdot: Input operand 1 has a mismatch in its core dimension 0")
    a = u.conjugate(a) if a.dtype.kind == "c" else a
    if a.ndim == b.ndim == 1:  # two vectors: the dot of their blocks (no array of products)
        dot = vector_dot(a, b, np.result_type(a.dtype, b.dtype))
        if dot is not None:
            return to_out(out, dot)
    # the core axis of each operand (the gufunc's), last, before the others broadcast
    a, b = u.moveaxis(a, axis, -1), u.moveaxis(b, axis, -1)
    products = u.multiply(a, b)
    return to_out(out, u.sum(products, axis=-1, dtype=products.dtype))  # NumPy's: no upcast


def matvec(x1: Any, x2: Any, /, out: Any = None, *, dtype: Any = None,
           casting: str = "same_kind", order: str = "K", subok: bool = True,
           signature: Any = None, axes: Any = None, axis: Any = None,
           keepdims: bool = False) -> BlockArray:
    """nums implementation of ``numpy.matvec``: matrices (last two axes) times vectors
    (the gufunc's keywords as NumPy's; ``order`` and ``subok`` change no values)."""
    done = _with_keywords(matvec, np.matvec, x1, x2, out, dtype, casting, order, subok,
                          signature, axes, axis, keepdims)
    if done is not None:
        return done
    u = _nps()
    a, v = _in_loop_dtype(np.matvec, x1, x2, dtype, casting)
    if casting == "same_kind":
        check_out(out, np.result_type(a.dtype, v.dtype), casting, np.matvec)
    if a.ndim < 2 or v.ndim < 1:
        raise ValueError("matvec: Input operand does not have enough dimensions")
    if a.shape[-1] != v.shape[-1]:
        raise ValueError(f"matvec: Input operand 1 has a mismatch in its core dimension 0, "
                         f"with gufunc signature (m,n),(n)->(m) (size {v.shape[-1]} is "
                         f"different from {a.shape[-1]})")
    return to_out(out, u.matmul(a, v[..., None])[..., 0])


def vecmat(x1: Any, x2: Any, /, out: Any = None, *, dtype: Any = None,
           casting: str = "same_kind", order: str = "K", subok: bool = True,
           signature: Any = None, axes: Any = None, axis: Any = None,
           keepdims: bool = False) -> BlockArray:
    """nums implementation of ``numpy.vecmat``: conjugated vectors times matrices (the
    gufunc's keywords as NumPy's; ``order`` and ``subok`` change no values)."""
    done = _with_keywords(vecmat, np.vecmat, x1, x2, out, dtype, casting, order, subok,
                          signature, axes, axis, keepdims)
    if done is not None:
        return done
    u = _nps()
    v, a = _in_loop_dtype(np.vecmat, x1, x2, dtype, casting)
    if casting == "same_kind":
        check_out(out, np.result_type(a.dtype, v.dtype), casting, np.vecmat)
    if a.ndim < 2 or v.ndim < 1:
        raise ValueError("vecmat: Input operand does not have enough dimensions")
    if a.shape[-2] != v.shape[-1]:
        raise ValueError(f"vecmat: Input operand 1 has a mismatch in its core dimension 0, "
                         f"with gufunc signature (n),(n,m)->(m) (size {a.shape[-2]} is "
                         f"different from {v.shape[-1]})")
    left = u.conjugate(v) if v.dtype.kind == "c" else v
    return to_out(out, u.matmul(left[..., None, :], a)[..., 0, :])


def cross(a: Any, b: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1,
          axis: int | None = None) -> BlockArray:
    """nums implementation of ``numpy.cross`` (3-vectors, and NumPy's deprecated 2-vectors)."""
    u = _nps()
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = asarray(a), asarray(b)
    if a.ndim < 1 or b.ndim < 1:
        raise ValueError("At least one array has zero dimension")
    a = u.moveaxis(a, normalize_axis_index(axisa, a.ndim, msg_prefix="axisa"), -1)
    b = u.moveaxis(b, normalize_axis_index(axisb, b.ndim, msg_prefix="axisb"), -1)
    if a.shape[-1] not in (2, 3) or b.shape[-1] not in (2, 3):
        raise ValueError("incompatible dimensions for cross product\n(dimension must be 2 or 3)")
    if a.shape[-1] == 2 or b.shape[-1] == 2:
        import warnings

        with warnings.catch_warnings(record=True) as caught:  # NumPy's own message
            warnings.simplefilter("always")
            np.cross(np.zeros(2), np.zeros(2))
        if caught:
            from runtime.errors import warn

            warn(str(caught[0].message), caught[0].category)
    dtype = np.promote_types(a.dtype, b.dtype)
    a, b = a.astype(dtype), b.astype(dtype)

    def part(v: BlockArray, i: int) -> Any:
        return v[..., i] if i < v.shape[-1] else None

    a0, a1, a2 = part(a, 0), part(a, 1), part(a, 2)
    b0, b1, b2 = part(b, 0), part(b, 1), part(b, 2)
    z = a0 * b1 - a1 * b0
    if a2 is None and b2 is None:
        return z.astype(dtype)
    x = (a1 * b2 if a2 is None else (a1 * b2 - a2 * b1 if b2 is not None else -(a2 * b1)))
    y = (-(a0 * b2) if a2 is None else (a2 * b0 - a0 * b2 if b2 is not None else a2 * b0))
    shape = np.broadcast_shapes(a.shape[:-1], b.shape[:-1]) + (3,)
    axisc = normalize_axis_index(axisc, len(shape), msg_prefix="axisc")
    result = u.stack([u.broadcast_to(c, shape[:-1]).astype(dtype) for c in (x, y, z)],
                     axis=-1)
    return u.moveaxis(result, -1, axisc)


def polyval(p: Any, x: Any) -> Any:
    """nums implementation of ``numpy.polyval`` (Horner's scheme over the coefficients,
    which are fetched: they are few)."""
    u = _nps()
    coeffs = p.get() if isinstance(p, BlockArray) else np.asarray(p)
    if isinstance(x, np.poly1d):
        return np.polyval(coeffs, x)
    x = asarray(x)
    y = u.zeros_like(x)
    for c in coeffs:
        y = y * x + c
    return y


def polyfit(x: Any, y: Any, deg: int, rcond: float | None = None, full: bool = False,
            w: Any = None, cov: Any = False) -> Any:
    """nums implementation of ``numpy.polyfit``: the least-squares problem on the scaled
    Vandermonde matrix of ``x``, solved by the distributed ``linalg.lstsq`` (TSQR)."""
    u = _nps()
    order = int(deg) + 1
    x = asarray(x) + 0.0
    y = asarray(y) + 0.0
    if deg < 0:
        raise ValueError("expected deg >= 0")
    if x.ndim != 1:
        raise TypeError("expected 1D vector for x")
    if x.size == 0:
        raise TypeError("expected non-empty vector for x")
    if y.ndim < 1 or y.ndim > 2:
        raise TypeError("expected 1D or 2D array for y")
    if x.shape[0] != y.shape[0]:
        raise TypeError("expected x and y to have same length")
    if rcond is None:
        rcond = len(x) * np.finfo(x.dtype).eps
    lhs = u.vander(x, order)
    rhs = y
    if w is not None:
        w = asarray(w) + 0.0
        if w.ndim != 1:
            raise TypeError("expected a 1-d array for weights")
        if w.shape[0] != y.shape[0]:
            raise TypeError("expected w and y to have the same length")
        lhs = lhs * w[:, None]
        rhs = rhs * (w[:, None] if rhs.ndim == 2 else w)
    scale = u.sqrt((lhs * lhs).sum(axis=0))
    lhs = lhs / scale
    c, resids, rank, s = u.linalg.lstsq(lhs, rhs, rcond)
    c = (c.T / scale).T
    if rank != order and not full:
        from runtime.errors import warn

        warn("Polyfit may be poorly conditioned", np.exceptions.RankWarning)
    if full:
        return c, resids, rank, s, rcond
    if cov:
        base = u.linalg.inv(u.dot(lhs.T, lhs)) / u.outer(scale, scale)
        if cov == "unscaled":
            fac = 1
        else:
            if len(x) <= order:
                raise ValueError("the number of data points must exceed order to scale the "
                                 "covariance matrix")
            fac = resids / (len(x) - order)
        return (c, base * fac) if y.ndim == 1 else (c, base[:, :, None] * fac)
    return c


__all__ = ["vecdot", "matvec", "vecmat", "cross", "polyval", "polyfit"]
