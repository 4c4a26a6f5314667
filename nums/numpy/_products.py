"""Products: matmul, dot, vdot, inner, outer, tensordot, trace."""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from nums.core.array import products, resident
from nums.core.array.blockarray import BlockArray
from nums.core.array.dtypes import dry_run, dtype_of
from nums.core.array.writes import check_out, write_out
from nums.numpy import _reductions as _red
from nums.numpy._convert import asarray, made_0d
from nums.numpy._creation import eye
from nums.numpy._elementwise import conjugate, multiply
from nums.numpy._manipulation import diagonal, moveaxis, ravel, reshape


def _product_dtype(a: BlockArray, b: BlockArray) -> np.dtype:
    """The result dtype of a product of ``a`` and ``b`` (numpy's, by a dry run)."""
    return np.asarray(dry_run(np.matmul, np.zeros((1, 1), a.dtype),
                              np.zeros((1, 1), b.dtype))).dtype


def loop_operands(gufunc: np.ufunc, a: BlockArray, b: BlockArray,
                  **kwargs: Any) -> tuple[BlockArray, BlockArray, np.dtype]:
    """NumPy's checks of a gufunc call's keywords and its result dtype (a dry run on
    stand-ins of ``a`` and ``b``); with ``dtype=`` or ``signature=`` the operands cast to that
    loop's dtype, as NumPy's loop takes them (``casting`` checked the cast)."""
    res = dtype_of(dry_run(gufunc, a, b, **kwargs), a, b)
    if kwargs.get("dtype") is not None or kwargs.get("signature") is not None:
        a, b = (x if x.dtype == res else x.astype(res) for x in (a, b))
    return a, b, res


def matmul(x1: Any, x2: Any, /, out: Any = None, *, casting: str = "same_kind",
           order: str = "K", dtype: Any = None, subok: bool = True, signature: Any = None,
           axes: Any = None, axis: Any = None, keepdims: bool = False) -> Any:
    """nums implementation of numpy.matmul: block products summed in a tree.

    Batch axes broadcast as in numpy; 1-d operands are promoted and the added axis removed.
    The gufunc's keywords are NumPy's: ``dtype``, ``casting`` and ``signature`` choose the
    result's dtype with NumPy's errors, ``axes`` the core axes of the operands and result
    (``order`` and ``subok`` change no values; ``axis`` and ``keepdims`` raise NumPy's
    TypeError).
    """
    gufunc = {"casting": casting, "order": order, "subok": subok}
    gufunc.update({k: v for k, v in (("dtype", dtype), ("signature", signature),
                                     ("axes", axes), ("axis", axis), ("keepdims", keepdims))
                   if v is not None and v is not False})
    if not isinstance(x1, BlockArray) and not isinstance(x2, BlockArray):
        return np.matmul(x1, x2, **gufunc)
    a, b = asarray(x1), asarray(x2)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(
            f"matmul: Input operand {0 if a.ndim == 0 else 1} does not have enough "
            "dimensions (has 0, gufunc core with signature (n?,k),(k,m?)->(n?,m?) requires 1)"
        )
    a, b, res_dtype = loop_operands(np.matmul, a, b, **gufunc)
    if casting == "same_kind":
        check_out(out[0] if isinstance(out, tuple) else out, res_dtype, casting, np.matmul)
    if axes is not None:
        return _matmul_axes(a, b, axes, out, res_dtype)
    a2_shape = (1,) + a.shape if a.ndim == 1 else a.shape
    b2_shape = b.shape + (1,) if b.ndim == 1 else b.shape
    if a2_shape[-1] != b2_shape[-2]:
        raise ValueError(
            "matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc "
            f"signature (n?,k),(k,m?)->(n?,m?) (size {b2_shape[-2]} is different from "
            f"{a2_shape[-1]})"
        )
    try:
        np.broadcast_shapes(a2_shape[:-2], b2_shape[:-2])
    except ValueError:
        raise ValueError(
            f"operands could not be broadcast together with remapped shapes "
            f"[original->remapped]: {a.shape} and {b.shape}"
        ) from None
    local = resident.matmul(a, b, res_dtype)  # driver-resident operands: numpy's matmul
    if local is not None:
        result = local
    elif (a.ndim, b.ndim) in ((2, 1), (1, 2)):
        # matrix-vector: vector blocks go straight into the block products (no reshapes)
        result = products.matmul2d(a, b, res_dtype)
    elif a.ndim == b.ndim == 1 and (dot := products.vector_dot(a, b, res_dtype)) is not None:
        result = dot
    else:
        a2 = reshape(a, a2_shape) if a.ndim == 1 else a
        b2 = reshape(b, b2_shape) if b.ndim == 1 else b
        result = products.matmul(a2, b2, res_dtype)
        if a.ndim == 1 or b.ndim == 1:
            shape = result.shape
            if a.ndim == 1:
                shape = shape[:-2] + shape[-1:]
            if b.ndim == 1:
                shape = shape[:-1]
            result = reshape(result, shape)
    if out is not None:
        return write_out(out[0] if isinstance(out, tuple) else out, result)
    return result


def _matmul_axes(a: BlockArray, b: BlockArray, axes: Any, out: Any,
                 res_dtype: np.dtype) -> BlockArray:
    """``matmul(a, b, axes=axes)`` (checked by NumPy's dry run): the core axes of each
    operand moved last, the product, and its core axes moved where ``axes`` puts them."""
    def core(entry: Any, ndim: int) -> tuple[int, ...]:
        entry = (entry,) if isinstance(entry, int | np.integer) else tuple(entry)
        return tuple(normalize_axis_index(int(i), ndim) for i in entry)

    a_core, b_core = core(axes[0], a.ndim), core(axes[1], b.ndim)
    a = moveaxis(a, a_core, tuple(range(-len(a_core), 0)))
    b = moveaxis(b, b_core, tuple(range(-len(b_core), 0)))
    result = matmul(a, b, dtype=res_dtype, casting="unsafe")
    n_out = (a.ndim > 1) + (b.ndim > 1)
    if n_out:
        r_core = core(axes[2], result.ndim)
        result = moveaxis(result, tuple(range(-n_out, 0)), r_core)
    if out is not None:
        return write_out(out[0] if isinstance(out, tuple) else out, result)
    return result


def tensordot(a: Any, b: Any, axes: Any = 2) -> BlockArray:
    """nums implementation of numpy.tensordot: products of aligned blocks, summed in a tree."""
    # (all axes summed: NumPy's 0-d array, not the scalar of dot, inner, vdot and einsum)
    return made_0d(_tensordot(a, b, axes))


def _tensordot(a: Any, b: Any, axes: Any = 2) -> BlockArray:
    a, b = asarray(a), asarray(b)
    try:
        n = operator.index(axes)
    except TypeError:
        axes_a, axes_b = axes
        axes_a = _axis_list(axes_a)
        axes_b = _axis_list(axes_b)
    else:  # (NumPy's: the last n of a, the first n of b; none for n <= 0)
        if n > a.ndim or n > b.ndim:
            raise IndexError("tuple index out of range")
        axes_a, axes_b = list(range(a.ndim - n, a.ndim)) if n > 0 else [], list(range(max(n, 0)))
    if len(axes_a) != len(axes_b):
        raise ValueError("shape-mismatch for sum")
    axes_a = [normalize_axis_index(i, a.ndim) for i in axes_a]
    axes_b = [normalize_axis_index(i, b.ndim) for i in axes_b]
    for ia, ib in zip(axes_a, axes_b):
        if a.shape[ia] != b.shape[ib]:
            raise ValueError("shape-mismatch for sum")
    return products.tensordot(a, b, axes_a, axes_b, _product_dtype(a, b))


def _axis_list(axes: Any) -> list:
    """One side of tensordot's ``axes``: a sequence of axes, or one axis (any integer)."""
    try:
        return list(axes)
    except TypeError:
        return [axes]


def dot(a: Any, b: Any, out: Any = None) -> Any:
    """nums implementation of numpy.dot."""
    if not isinstance(a, BlockArray) and not isinstance(b, BlockArray):
        return np.dot(a, b)
    a, b = asarray(a), asarray(b)
    if a.ndim == 0 or b.ndim == 0:
        return multiply(a, b, out=out)
    check_out(out, _product_dtype(a, b), "exact")
    if a.ndim <= 2 and b.ndim <= 2:
        if a.shape[-1] != b.shape[0 if b.ndim == 1 else -2]:
            raise ValueError(
                f"shapes {a.shape} and {b.shape} not aligned: {a.shape[-1]} (dim {a.ndim - 1})"
                f" != {b.shape[0 if b.ndim == 1 else -2]} (dim {0 if b.ndim == 1 else b.ndim - 2})"
            )
        return matmul(a, b, out=out)
    bax = 0 if b.ndim == 1 else b.ndim - 2
    if a.shape[-1] != b.shape[bax]:
        raise ValueError(
            f"shapes {a.shape} and {b.shape} not aligned: {a.shape[-1]} (dim {a.ndim - 1}) "
            f"!= {b.shape[bax]} (dim {bax})"
        )
    result = _tensordot(a, b, axes=([a.ndim - 1], [bax]))
    if out is not None:
        return write_out(out, result)
    return result


def vdot(a: Any, b: Any) -> BlockArray:
    """nums implementation of numpy.vdot (conjugates the first argument, flattens both)."""
    a, b = ravel(asarray(a)), ravel(asarray(b))
    if a.size != b.size:
        raise ValueError(f"cannot reshape array of size {b.size} into shape ({a.size},)")
    if a.dtype.kind == "c":
        a = conjugate(a)
    with np.errstate(all="ignore"):  # (NumPy's vdot checks no floating-point errors)
        return _tensordot(a, b, axes=1)


def inner(a: Any, b: Any) -> BlockArray:
    """nums implementation of numpy.inner."""
    a, b = asarray(a), asarray(b)
    if a.ndim == 0 or b.ndim == 0:
        return multiply(a, b)
    if a.shape[-1] != b.shape[-1]:
        raise ValueError(
            f"shapes {a.shape} and {b.shape} not aligned: {a.shape[-1]} (dim {a.ndim - 1}) "
            f"!= {b.shape[-1]} (dim {b.ndim - 1})"
        )
    return _tensordot(a, b, axes=([a.ndim - 1], [b.ndim - 1]))


def outer(a: Any, b: Any, out: Any = None) -> BlockArray:
    """nums implementation of numpy.outer."""
    a, b = ravel(asarray(a)), ravel(asarray(b))
    return multiply(reshape(a, (a.size, 1)), reshape(b, (1, b.size)), out=out)


def trace(
    a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype: Any = None, out: Any = None
) -> BlockArray:
    """nums implementation of numpy.trace (sum of the diagonal, block by block)."""
    a = asarray(a)
    if a.ndim < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    # NumPy's checks of ``dtype``; without one, its trace is the sum's own (float16 summed
    # in float32, rounded once; timedeltas in their unit; objects as Python's)
    np.trace(np.zeros((1, 1), a.dtype), dtype=dtype)
    res_dtype = dtype
    if a.ndim == 2 and {normalize_axis_index(axis1, 2), normalize_axis_index(axis2, 2)} == {0, 1}:
        return _red.sum(diagonal(a, offset, axis1, axis2), dtype=res_dtype, out=out)
    m = moveaxis(a, (axis1, axis2), (-2, -1))
    mask = eye(m.shape[-2], m.shape[-1], k=offset, dtype=bool, block_shape=m.block_shape[-2:])
    # summed where the mask is set (a product with it would make NaN of an infinity off the
    # diagonal)
    return _red.sum(m, axis=(-2, -1), dtype=res_dtype, out=out, where=mask)


__all__ = ["matmul", "tensordot", "dot", "vdot", "inner", "outer", "trace"]
