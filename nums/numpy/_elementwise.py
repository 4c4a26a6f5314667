"""Every NumPy ufunc, generated from one table through one shared wrapper (:class:`ufunc`).

A call validates its arguments and finds its result dtypes by a dry run of the numpy ufunc
on empty stand-ins (NEP 50 promotion, numpy's errors), checks broadcasting, then runs the
numpy ufunc block by block. ``out=``, ``where=``, ``dtype=`` and ``casting=`` behave as in
numpy; ``out`` must be a BlockArray, which is rebound to the new blocks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import cloudpickle
import numpy as np

from nums.core.array import resident
from nums.core.array.blockarray import BlockArray, backend
from nums.core.array.dtypes import ufunc_result_dtypes
from nums.core.array.elementwise import broadcast_shapes, output_grid, ufunc_apply
from nums.core.array.fusion import fuse_ufunc
from nums.core.array.geometry import memory_order
from nums.core.array.views import reshape_view
from nums.core.array.writes import check_writeable, ufunc_at, write_out
from nums.core.backend.base import float_error_settings
from nums.numpy._convert import _unmasked, asarray
from nums.numpy._fallback import gathered
from nums.numpy._ufunc_methods import (
    check_where,
    ufunc_accumulate,
    ufunc_reduce,
    ufunc_reduceat,
)
from runtime.errors import warn

_NO_OUT = object()  # ``out`` not given (NumPy warns of ``where=`` without it; not of None)

# name -> category; the categories document the table, every name is a numpy ufunc.
UFUNC_TABLE: dict[str, str] = {}
for _cat, _names in {
    "arithmetic": "add subtract multiply divide true_divide floor_divide remainder mod fmod "
    "divmod power pow float_power negative positive absolute abs fabs reciprocal sign "
    "square sqrt cbrt heaviside gcd lcm",
    "exponential": "exp exp2 expm1 log log2 log10 log1p logaddexp logaddexp2",
    "trigonometric": "sin cos tan arcsin arccos arctan arctan2 asin acos atan atan2 hypot "
    "sinh cosh tanh arcsinh arccosh arctanh asinh acosh atanh deg2rad rad2deg degrees radians",
    "rounding": "rint floor ceil trunc",
    "floating": "isfinite isinf isnan isnat signbit copysign nextafter spacing modf ldexp "
    "frexp fmax fmin maximum minimum conj conjugate",
    "comparison": "equal not_equal less less_equal greater greater_equal",
    "logical": "logical_and logical_or logical_xor logical_not",
    "bitwise": "bitwise_and bitwise_or bitwise_xor bitwise_not bitwise_invert invert "
    "left_shift right_shift bitwise_left_shift bitwise_right_shift bitwise_count",
}.items():
    for _n in _names.split():
        UFUNC_TABLE[_n] = _cat


def _to_operand(x: Any) -> Any:
    """BlockArrays and scalars pass through; arrays and sequences are put in the store."""
    if isinstance(x, BlockArray):
        return x
    if isinstance(x, np.ndarray | list | tuple | range):
        return BlockArray.from_numpy(np.asarray(_unmasked(x)))
    if not isinstance(x, np.generic) and array_like_object(x):  # (a poly1d's coefficients)
        return BlockArray.from_numpy(np.asarray(x))
    return x


def array_like_object(x: Any) -> bool:
    """Whether NumPy's operators and ufuncs take ``x`` as the array its ``__array__`` gives
    (``y * p`` of a poly1d ``p`` multiplies its coefficients): an object without
    ``__array_ufunc__`` and without a higher ``__array_priority__`` (those NumPy defers
    to)."""
    t = type(x)
    return (hasattr(t, "__array__") and not hasattr(t, "__array_ufunc__")
            and getattr(t, "__array_priority__", 0.0) <= 0.0)


def _normalize_out(out: Any, nout: int) -> tuple:
    if out is None:
        return (None,) * nout
    if not isinstance(out, tuple):
        if nout > 1:  # (NumPy's error: one array for two outputs)
            raise TypeError("'out' must be a tuple of arrays")
        out = (out,)
    if len(out) != nout:
        raise ValueError(f"The 'out' tuple must have exactly {nout} entries: one per ufunc output")
    for o in out:
        if o is not None and not isinstance(o, BlockArray):
            raise TypeError("nums ufuncs support only BlockArray 'out' arguments")
    return out


class ufunc:
    """A nums ufunc: a numpy ufunc applied block by block.

    Calls accept numpy's arguments ``out``, ``where``, ``dtype``, ``casting``, ``order``
    (ignored) and ``signature``; ``out`` must hold BlockArrays. Methods ``reduce``,
    ``accumulate``, ``reduceat``, ``outer`` and ``at`` are supported for the ufuncs where
    numpy has them.
    """

    def __init__(self, np_ufunc: np.ufunc, name: str):
        self._ufunc = np_ufunc
        self.__name__ = name
        self.__qualname__ = name
        self.__doc__ = f"nums implementation of numpy.{name}.\n\nSee numpy.{name}; " + (
            "runs block by block. ``out`` must be a BlockArray; where ``where`` is False and "
            "no ``out`` is given the result holds zeros (numpy leaves it uninitialised)."
        )

    @property
    def nin(self) -> int:
        return self._ufunc.nin

    @property
    def nout(self) -> int:
        return self._ufunc.nout

    @property
    def nargs(self) -> int:
        return self._ufunc.nargs

    @property
    def identity(self) -> Any:
        return self._ufunc.identity

    @property
    def ntypes(self) -> int:
        return self._ufunc.ntypes

    @property
    def signature(self) -> str | None:
        return self._ufunc.signature

    def resolve_dtypes(self, *args: Any, **kwargs: Any) -> tuple:
        """NumPy's ``ufunc.resolve_dtypes`` (dtypes only: no array data)."""
        return self._ufunc.resolve_dtypes(*args, **kwargs)

    @property
    def types(self) -> list[str]:
        return self._ufunc.types

    def __repr__(self) -> str:
        return f"<nums ufunc '{self.__name__}'>"

    def __call__(
        self,
        *args: Any,
        out: Any = _NO_OUT,
        where: Any = True,
        dtype: Any = None,
        casting: str = "same_kind",
        order: str = "K",
        signature: Any = None,
        subok: bool = True,
    ) -> Any:
        if (out is _NO_OUT and where is True and dtype is None and casting == "same_kind"
                and signature is None and self._ufunc.nout == 1 and order == "K"):
            local = resident.ufunc_here(self._ufunc, args)  # small arrays: NumPy, here
            if local is not None:
                return local
        memory_order(order)  # NumPy's check (the blocks' layout is nums's)
        if out is _NO_OUT:
            out = None
            if where is not True and len(args) <= self._ufunc.nin:
                warn("'where' used without 'out', expect unitialized memory in output. If "
                     "this is intentional, use out=None.", UserWarning)  # (NumPy's words)
        result = self._call(*args, out=out, where=where, dtype=dtype, casting=casting,
                            signature=signature)
        if isinstance(result, BlockArray) and result._local is not None:
            return result  # computed in the driver, under the caller's np.errstate already
        if _object_loop(args):  # Python's operators on the elements: their errors (``x +
            for r in result if type(result) is tuple else (result,):  # object()``) at the
                if isinstance(r, BlockArray):  # call, as NumPy's (not when it is read)
                    r._errors_now()
        errs = float_error_settings()
        if errs is not None:
            _settle(result, errs)
        return result

    def _call(self, *args: Any, out: Any, where: Any, dtype: Any, casting: str,
              signature: Any) -> Any:
        uf = self._ufunc
        if len(args) not in (uf.nin, uf.nin + uf.nout):
            raise TypeError(
                f"{self.__name__}() takes from {uf.nin} to {uf.nin + uf.nout} positional "
                f"arguments but {len(args)} were given"
            )
        if len(args) > uf.nin:
            if out is not None:
                raise TypeError("cannot specify 'out' as both a positional and keyword argument")
            out = args[uf.nin :]
            args = args[: uf.nin]
        inputs = tuple(_to_operand(a) for a in args)
        outs = _normalize_out(out, uf.nout)
        check_where(where)
        if isinstance(where, np.ndarray | list):
            where = BlockArray.from_numpy(np.asarray(where, dtype=bool))
        kwargs: dict[str, Any] = {}
        if dtype is not None:
            kwargs["dtype"] = dtype
        if casting != "same_kind":
            kwargs["casting"] = casting
        if signature is not None:
            kwargs["signature"] = signature
        if not any(isinstance(x, BlockArray) for x in inputs + outs + (where,)):
            return uf(*inputs, where=where, **kwargs)
        if where is not True and where is not False and not isinstance(where, BlockArray):
            where = bool(where)
        local = resident.ufunc_call(uf, inputs, outs, where, kwargs, write_out)  # (small)
        if local is not None:
            final = _written_outs(outs, local)
            return final[0] if uf.nout == 1 else tuple(final)
        dtypes = ufunc_result_dtypes(
            uf, inputs, out=outs if out is not None else None, where=where, **kwargs
        )
        shapes = [x.shape for x in inputs if isinstance(x, BlockArray)]
        if isinstance(where, BlockArray):
            shapes.append(where.shape)
        shape = broadcast_shapes(*shapes) if shapes else ()
        if uf is np.power and dtypes[0].kind in "iu" and math.prod(shape) and where is not False:
            _check_integer_exponent(inputs[1], where)
        for o in outs:
            if o is not None:
                full = np.broadcast_shapes(shape, o.shape) if _bcastable(shape, o.shape) else None
                if full != o.shape:
                    raise ValueError(
                        f"non-broadcastable output operand with shape {o.shape} doesn't "
                        f"match the broadcast shape {full if full is not None else shape}"
                    )
                shape = o.shape
        if where is False and all(o is not None for o in outs):
            for o in outs:  # (nothing is written, but NumPy refuses a read-only output)
                check_writeable(o, "output array is read-only")
            return outs[0] if uf.nout == 1 else outs
        if where is False:
            where = BlockArray.full((), False, bool)
        if uf.nout == 1 and where is True:
            out = outs[0]
            if out is not None:
                grid = out.grid
            else:
                grid = output_grid(inputs, shape, dtypes[0])
            result = fuse_ufunc(uf, inputs, dtypes[0], kwargs, grid)
            return write_out(out, result) if out is not None else result
        results = ufunc_apply(uf, inputs, dtypes, shape, kwargs, where=where, outs=outs)
        final = _written_outs(outs, results)
        return final[0] if uf.nout == 1 else tuple(final)

    def reduce(
        self,
        array: Any,
        axis: Any = 0,
        dtype: Any = None,
        out: Any = None,
        keepdims: bool = False,
        initial: Any = np._NoValue,
        where: Any = True,
    ) -> Any:
        """nums implementation of ``numpy.ufunc.reduce`` (a tree of partial reductions)."""
        return ufunc_reduce(self._ufunc, array, axis, dtype, out, keepdims, initial, where)

    def accumulate(self, array: Any, axis: int = 0, dtype: Any = None, out: Any = None) -> Any:
        """nums implementation of ``numpy.ufunc.accumulate`` along one axis."""
        return ufunc_accumulate(self._ufunc, array, axis, dtype, out)

    def reduceat(self, array: Any, indices: Any, axis: Any = 0, dtype: Any = None,
                 out: Any = None) -> Any:
        """nums implementation of ``numpy.ufunc.reduceat``: each output block reduces the
        stretch of the array its segments cover with NumPy, in one task (NumPy's values bit
        for bit)."""
        return ufunc_reduceat(self._ufunc, array, indices, axis, dtype, out)

    def at(self, a: Any, indices: Any, b: Any = None, /) -> None:
        """nums implementation of ``numpy.ufunc.at``: unbuffered in place, so repeated
        indices apply repeatedly; ``a`` and its views see the result."""
        if not isinstance(a, BlockArray):
            return self._ufunc.at(a, gathered(indices), *(() if b is None else (gathered(b),)))
        ufunc_at(a, self._ufunc, indices, b)

    def outer(self, a: Any, b: Any, **kwargs: Any) -> Any:
        """nums implementation of ``numpy.ufunc.outer``: ``a[..., None...] op b``."""
        if self._ufunc.nin != 2:  # (``b`` would be the out= of a one-input ufunc)
            raise ValueError("outer product only supported for binary functions")
        a, b = asarray(a), asarray(b)
        a2 = reshape_view(a, a.shape + (1,) * b.ndim)
        return self(a2, b, **kwargs)


class gufunc(ufunc):
    """A NumPy generalized ufunc (``matmul``, ``vecdot``, ``matvec``, ``vecmat``): nums's
    function of it, called as NumPy's, with the ufunc's attributes (``nin``,
    ``signature``...). Its methods raise NumPy's errors: none applies to a core
    signature."""

    def __init__(self, np_ufunc: np.ufunc, name: str, fn: Any):
        super().__init__(np_ufunc, name)
        self._fn = fn
        self.__doc__ = fn.__doc__
        self.__wrapped__ = fn  # (``inspect.signature``: the function's)
        if hasattr(fn, "_nums_general"):  # (a shortcut's general path, as the function's)
            self._nums_general = fn._nums_general

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._fn(*args, **kwargs)

    def _refused(self, method: str, *stand_ins: Any) -> Any:
        getattr(self._ufunc, method)(*stand_ins)  # NumPy's error
        raise NotImplementedError(f"nums has no {self.__name__}.{method}")

    def reduce(self, array: Any, *args: Any, **kwargs: Any) -> Any:
        return self._refused("reduce", np.ones((1, 1)))

    def accumulate(self, array: Any, *args: Any, **kwargs: Any) -> Any:
        return self._refused("accumulate", np.ones((1, 1)))

    def reduceat(self, array: Any, indices: Any, *args: Any, **kwargs: Any) -> Any:
        return self._refused("reduceat", np.ones((1, 1)), [0])

    def at(self, a: Any, indices: Any, b: Any = None, /) -> None:
        return self._refused("at", np.ones((1, 1)), [0], np.ones((1, 1)))

    def outer(self, a: Any, b: Any, **kwargs: Any) -> Any:
        return self._refused("outer", np.ones((1, 1)), np.ones((1, 1)))


_PLAIN = (int, float, complex, bool, str, bytes, range)


def _object_loop(args: tuple) -> bool:
    """Whether a ufunc of ``args`` runs NumPy's object loop: an operand of object dtype, or
    a Python object that is not a number (``None``, ``datetime.date``, ``Decimal``; in a
    list too)."""
    for a in args:
        dtype = getattr(a, "dtype", None)
        if isinstance(dtype, np.dtype):
            if dtype.kind == "O":
                return True
        elif isinstance(a, list | tuple):
            try:
                if np.asarray(a).dtype.kind == "O":
                    return True
            except (ValueError, TypeError):
                return True
        elif not isinstance(a, _PLAIN):
            return True
    return False


def _settle(result: Any, errs: dict) -> None:
    """Inside ``np.errstate``: compute a ufunc's result now, under those settings (a pending
    expression would otherwise run later, outside them); with ``"raise"``, wait for it, so
    that FloatingPointError is raised by this call, as NumPy raises it."""
    results = result if isinstance(result, tuple) else (result,)
    refs = [ref for r in results if isinstance(r, BlockArray) and r._local is None
            for ref in r.blocks.flat]
    if refs and "raise" in errs.values():
        backend().get(refs)  # raises a task's FloatingPointError here


def _written_outs(outs: tuple, results: Sequence[Any]) -> list:
    """Each result written into its ``out=`` array (or itself, without one), the last output
    first: where outputs overlap (``divmod(q, 4, out=(q, q))``), the first one's values
    stay, as in NumPy."""
    final = list(results)
    for i in reversed(range(len(outs))):
        if outs[i] is not None:
            final[i] = write_out(outs[i], results[i])
    return final


def _bcastable(*shapes: tuple) -> bool:
    try:
        np.broadcast_shapes(*shapes)
        return True
    except ValueError:
        return False


UFUNCS: dict[str, ufunc] = {}
BY_NUMPY: dict[np.ufunc, ufunc] = {}
for _name in UFUNC_TABLE:
    _np_uf = getattr(np, _name)
    # NumPy's aliases are one object (``bitwise_not is invert``, ``conj is conjugate``)
    UFUNCS[_name] = BY_NUMPY.get(_np_uf) or ufunc(_np_uf, _np_uf.__name__)
    BY_NUMPY.setdefault(_np_uf, UFUNCS[_name])

globals().update(UFUNCS)


def for_ufunc(np_ufunc: np.ufunc) -> ufunc | None:
    """The nums ufunc of any NumPy ufunc: NumPy's own from the table, and any other
    elementwise one (``scipy.special.expit``, a ufunc made by ``numpy.frompyfunc`` or a
    compiled extension) wrapped on first use, so it runs block by block and fuses like
    NumPy's. Generalized ufuncs (with a core ``signature``) are not elementwise, and a ufunc
    that cannot be pickled (``frompyfunc`` of a lambda) cannot reach the workers: None."""
    wrapped = BY_NUMPY.get(np_ufunc)
    if wrapped is None and isinstance(np_ufunc, np.ufunc) and np_ufunc.signature is None:
        try:
            cloudpickle.dumps(np_ufunc)
        except Exception:  # noqa: BLE001 - any pickling failure: not for tasks
            return None
        wrapped = BY_NUMPY[np_ufunc] = ufunc(np_ufunc, np_ufunc.__name__)
    return wrapped


def _check_integer_exponent(exponent: Any, where: Any = True) -> None:
    """NumPy's ValueError for a negative exponent of an integer power, at the call (not when
    the blocks are computed), for the elements computed (``where``; the result is not
    empty); a distributed exponent is checked by one reduction."""
    if isinstance(exponent, BlockArray):
        if exponent.dtype.kind != "i" or exponent.size == 0:
            return
        below = exponent < 0
    else:
        values = np.asarray(exponent)
        if values.dtype.kind != "i":
            return
        below = values < 0
    if isinstance(where, BlockArray):
        below = UFUNCS["logical_and"](below, where)
    if bool(below.any()):
        raise ValueError("Integers to negative integer powers are not allowed.")


__all__ = ["ufunc", *UFUNCS]
