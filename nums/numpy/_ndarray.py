"""The ndarray API on BlockArray: operators, indexing, properties, printing, in-place methods
and NumPy's protocols. :mod:`nums.numpy` installs it (the core never imports the namespace);
methods that are functions of the namespace (``x.sum()``) come from the registry."""

from __future__ import annotations

import math
import operator
import sys
from typing import Any

import numpy as np

from nums.core.array import blockarray, printing, relayout, resident, views, writes
from nums.core.array.blockarray import TEMPORARY_REFCOUNTS, BlockArray, stands_for_scalar
from nums.core.array.planning import explain_array
from nums.core.array.resident import binary_here, matmul_here, unary_here
from nums.numpy import (
    _creation,
    _flatiter,
    _inplace,
    _manipulation,
    _products,
    _protocols,
    _reductions,
)
from nums.numpy._elementwise import UFUNCS, array_like_object
from nums.numpy._fallback import warn_gather
from nums.numpy._io_binary import tofile
from nums.numpy._registry import REGISTRY

_BINARY = {
    "add": "add", "sub": "subtract", "mul": "multiply", "truediv": "true_divide",
    "floordiv": "floor_divide", "mod": "remainder", "pow": "power", "and": "bitwise_and",
    "or": "bitwise_or", "xor": "bitwise_xor", "lshift": "left_shift",
    "rshift": "right_shift", "divmod": "divmod",
}
_COMPARISONS = {"eq": "equal", "ne": "not_equal", "lt": "less", "le": "less_equal",
                "gt": "greater", "ge": "greater_equal"}
_UNARY = {"neg": "negative", "pos": "positive", "abs": "absolute", "invert": "invert"}


def _is_operand(x: Any) -> bool:
    # strings too: ``names == "fig"`` compares elementwise in NumPy (Python's fallback for
    # NotImplemented would answer a single False); a masked array computes the operation
    # itself (``w * m`` as ``m * w``: NumPy's ndarray defers to it too)
    if x is None or isinstance(x, BlockArray | np.ndarray | np.generic | int | float | complex
                               | bool | list | tuple | range | str | bytes):
        return not isinstance(x, np.ma.MaskedArray)
    if array_like_object(x):  # (a poly1d: its coefficients, as NumPy's ndarray takes)
        return True
    # any other object is one element (``dates == datetime.date(2024, 2, 29)``, ``x *
    # Fraction(1, 3)``), as NumPy's ndarray takes it, unless it opts out of NumPy's operators
    # (``__array_ufunc__ = None``), overrides them, or outranks arrays (``__array_priority__``)
    return getattr(type(x), "__array_ufunc__", False) is False and getattr(
        x, "__array_priority__", 0.0) <= 0.0


_SEQUENCES = (list, tuple, str, bytes)


def _binary(fn: Any, reflected: bool = False) -> Any:
    uf = getattr(fn, "_ufunc", None)
    # ``[0] * x[3]``: a scalar times a sequence repeats the sequence, as NumPy's scalars do
    # (Python repeats it through ``__index__`` once the operator declines)
    repeats = uf is np.multiply
    if not (TEMPORARY_REFCOUNTS and uf is not None and uf.nin == 2 and uf.nout == 1):

        def method(self, other):
            if not _is_operand(other) or (
                    repeats and type(other) in _SEQUENCES and _scalar_like(self)):
                return NotImplemented
            return fn(other, self) if reflected else fn(self, other)

        return method

    def elide(self, other):
        if repeats and type(other) in _SEQUENCES and _scalar_like(self):
            return NotImplemented
        out = binary_here(uf, other, self) if reflected else binary_here(uf, self, other)
        if out is not None:  # small arrays: NumPy here, at once
            return out
        # an operand held only by the interpreter's stack and this call is a temporary,
        # whose value the result may reuse (resident.ufunc_into_temporary)
        if sys.getrefcount(self) == 3:
            args = (other, self) if reflected else (self, other)
            out = resident.ufunc_into_temporary(uf, args, 1 if reflected else 0)
            if out is not None:
                return out
        if type(other) is BlockArray and sys.getrefcount(other) == 3:
            args = (other, self) if reflected else (self, other)
            out = resident.ufunc_into_temporary(uf, args, 0 if reflected else 1)
            if out is not None:
                return out
        if type(other) is not BlockArray and not _is_operand(other):
            return NotImplemented
        return fn(other, self) if reflected else fn(self, other)

    return elide


def _matmul_operator(general: Any, reflected: bool) -> Any:
    """``x @ y``: NumPy's product at once for driver-resident operands
    (:func:`nums.core.array.resident.matmul_here`), else ``general``."""

    def method(self, other):
        out = matmul_here(other, self) if reflected else matmul_here(self, other)
        return general(self, other) if out is None else out

    return method


def _fast_power(x: BlockArray, exponent: Any) -> Any:
    """The ufunc NumPy computes ``x ** exponent`` with where it takes a shortcut (its
    ``fast_scalar_power``): a Python int 2 is ``square`` (a boolean array's square is int8,
    not power's int64), a Python int -1 ``reciprocal`` and a Python float 0.5 ``sqrt`` of a
    floating-point or complex array (their values can differ from ``power``'s in the last
    bit); None otherwise."""
    t = type(exponent)
    if t is int and exponent == 2:
        return UFUNCS["square"]
    if x.dtype.kind in "fc" and (t is int and exponent == -1 or t is float and exponent == 0.5):
        return UFUNCS["reciprocal" if t is int else "sqrt"]
    return None


def _compress(self: BlockArray, condition: Any, axis: int | None = None,
              out: Any = None) -> BlockArray:
    """``x.compress(condition)``: ``nums.numpy.compress(condition, x)`` (the function takes
    the condition first)."""
    from nums.numpy._selection import compress

    return compress(condition, self, axis, out)


_scalar_like = stands_for_scalar


def _power(operator: Any, inplace: bool) -> Any:
    """``x ** e`` (or ``x **= e``): NumPy's shortcut ufunc where it has one, else
    ``operator``."""

    def method(self, other):
        fast = _fast_power(self, other)
        if fast is None:
            return operator(self, other)
        return fast(self, out=self) if inplace and not _scalar_like(self) else fast(self)

    return method


def _equality(fn: Any, unequal: bool) -> Any:
    """``==`` or ``!=``: the ufunc, and where it has no loop for the two dtypes (a number
    array and a string), NumPy's answer: every element differs."""
    compare = _binary(fn)

    def method(self, other):
        try:
            return compare(self, other)
        except TypeError:
            other_dtype = other.dtype if isinstance(other, BlockArray) else np.asarray(
                other).dtype
            if self.dtype.names is not None and other_dtype.names is not None:
                # structured arrays compare field by field (NumPy's operator, not its ufunc)
                from nums.numpy._fallback import run_fallback

                return run_fallback(operator.ne if unequal else operator.eq, (self, other),
                                    {}, "numpy's ==/!= of structured arrays")
            probe = np.empty(0, self.dtype) == np.empty(0, other_dtype)  # NumPy's own rule
            if not isinstance(probe, np.ndarray):
                raise
            shape = np.broadcast_shapes(self.shape, np.shape(other))
            return _creation.full(shape, unequal, dtype=bool)

    return method


def _inplace_op(fn: Any) -> Any:
    uf = getattr(fn, "_ufunc", None)
    short = uf is not None and uf.nin == 2 and uf.nout == 1

    def method(self, other):
        if _scalar_like(self):  # acc += v, x[i] op= v: a scalar's operator (a new value)
            return fn(self, other)
        if short and resident.inplace_here(uf, self, other):  # small arrays: NumPy, here
            return self
        if not _is_operand(other):
            return NotImplemented
        return fn(self, other, out=self)

    return method


def _unary(fn: Any) -> Any:
    uf = fn._ufunc

    def method(self):  # ``-x``: a small array's (or NumPy scalar's) at once
        out = unary_here(uf, self)
        return fn(self) if out is None else out

    return method


def _reshape(self: BlockArray, *shape: Any, **kwargs: Any) -> BlockArray:
    """``ndarray.reshape``: the shape as one tuple or as several ints."""
    shape = shape[0] if len(shape) == 1 else shape
    if self._local is not None and self._link is None and not kwargs and (
            type(shape) is int or type(shape) is tuple and all(type(n) is int for n in shape)):
        view = views.resident_reshape(self, shape)  # a small array's view, at once
        if view is not None:
            return view
    return _manipulation.reshape(self, shape, **kwargs)


def _transpose(self: BlockArray, *axes: Any) -> BlockArray:
    """``ndarray.transpose``: the axes as one tuple or as several ints."""
    if len(axes) == 1 and (axes[0] is None or not isinstance(axes[0], int)):
        axes = axes[0]
    return _manipulation.transpose(self, axes if axes else None)


def _matrix_transpose(self: BlockArray) -> BlockArray:
    if self.ndim < 2:
        raise ValueError("matrix transpose with ndim < 2 is undefined")
    return _manipulation.swapaxes(self, -1, -2)


def _set_part(part: str) -> Any:
    def setter(self: BlockArray, value: Any) -> None:
        if self._element:  # NumPy's scalar: its parts are not writable
            raise AttributeError(f"attribute '{part}' of 'numpy.generic' objects is not "
                                 "writable")
        if part == "imag" and self.dtype.kind != "c":
            raise TypeError("array does not have imaginary part to set")
        target = views.part_view(self, part)
        # NumPy copies the value in with an unsafe cast (its ComplexWarning, its warning for
        # NaN into integers, 300 wrapping into uint8), not an assignment's checks
        value = (value.astype(target.dtype) if isinstance(value, BlockArray)
                 else np.asarray(value).astype(target.dtype))
        writes.assign(target, Ellipsis, value)

    return setter


def _setitem(self: BlockArray, key: Any, value: Any) -> None:
    """``x[key] = value``; NumPy's TypeError for an element ``x[i]`` (``s = x[1]; s[...] =
    7``: NumPy's scalar has no items to assign). Other 0-d results take the write (some are
    NumPy's 0-d arrays: ``np.roll`` of a 0-d array)."""
    if self._element:
        names = self.dtype.names
        if names is None:
            raise TypeError(f"'numpy.{self.dtype.type.__name__}' object does not support "
                            "item assignment")
        # a record (NumPy's np.void, a view of its array): a field, by name or position
        if isinstance(key, int | np.integer) and not isinstance(key, bool):
            if not -len(names) <= key < len(names):
                raise IndexError(f"invalid index ({key})")
            key = names[key]
        elif not isinstance(key, str):
            raise IndexError("invalid index")
    writes.assign(self, key, value)


def _round(self: BlockArray, ndigits: int | None = None) -> Any:
    """``round(x)`` of a 0-d result (nums's 0-d arrays stand for NumPy's scalars, which
    round); NumPy's arrays do not define it."""
    if self.ndim == 0:
        return round(self.get()[()], ndigits)
    raise TypeError("type numpy.ndarray doesn't define __round__ method")


def _contains(self: BlockArray, value: Any) -> bool:
    """``value in x``: NumPy's ``(x == value).any()``, for any number of dimensions."""
    return bool(_reductions.any(self == value))


def _array_ufunc(self: BlockArray, ufunc: np.ufunc, method: str, *inputs: Any,
                 **kwargs: Any) -> Any:
    return _protocols.array_ufunc(ufunc, method, inputs, kwargs)


def _array_function(self: BlockArray, func: Any, types: Any, args: tuple, kwargs: dict) -> Any:
    return _protocols.array_function(func, types, args, kwargs)


_core_array = BlockArray.__array__


def _array(self: BlockArray, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
    """``numpy.asarray(x)``: the values of ``x`` (how a user fetches them, silently). When
    NumPy's own Python code converts a BlockArray this way (``numpy.ma.masked_array(x)``,
    ``numpy.testing.assert_allclose(x, ...)``, ``numpy.polynomial``'s functions, ...), the
    gather is not the user's explicit request: it warns (``GatherWarning``, once per NumPy
    function), as every gather of nums does. A 0-d array (a number: ``x.max()`` in NumPy's
    histogram estimators) and an array held in the driver move nothing: no warning."""
    caller = sys._getframe(1)
    module = caller.f_globals.get("__name__", "")
    if (module == "numpy" or module.startswith("numpy.")) and self.ndim and self._local is None:
        code = caller.f_code
        warn_gather(f"{module}.{getattr(code, 'co_qualname', code.co_name)}", "the driver")
    return _core_array(self, dtype, copy)


def _conjugate(self: BlockArray) -> BlockArray:
    """As ``ndarray.conjugate``: the array itself when its values are numbers that are not
    complex (NumPy returns ``self``: a write to the result is a write to the array), NumPy's
    TypeError for other non-numeric values, else the ``conjugate`` ufunc's new array."""
    kind = self.dtype.kind
    if kind in "biuf":
        return self
    if kind not in "cO":
        raise TypeError("cannot conjugate non-numeric dtype")
    return UFUNCS["conjugate"](self)


def _setflags(self: BlockArray, write: Any = None, align: Any = None, uic: Any = None) -> None:
    """As ``ndarray.setflags``: ``write`` sets ``flags.writeable`` (NumPy's errors); blocks
    are always aligned (``align`` is accepted and changes nothing), and ``uic``
    (WRITEBACKIFCOPY) can only be cleared, as in NumPy."""
    if uic:
        raise ValueError("cannot set WRITEBACKIFCOPY flag to True")
    if write is not None:
        self.flags.writeable = bool(write)


def _hash(self: BlockArray) -> int:
    """A 0-d result that stands for NumPy's scalar hashes as the scalar does (``x.sum() in
    {10.0}``, ``{x[1]: ...}``); arrays are unhashable, as NumPy's."""
    if _scalar_like(self):
        return hash(self.get()[()])
    raise TypeError("unhashable type: 'BlockArray'")


def _is_integer(self: BlockArray) -> bool:
    """As a NumPy scalar's ``is_integer`` (of a 0-d result): whether its value is a whole
    number."""
    if self.ndim != 0 or self.dtype.kind not in "biuf":
        raise AttributeError("'BlockArray' object has no attribute 'is_integer'")
    value = self.get()[()]
    return bool(value.is_integer()) if self.dtype.kind == "f" else True


def _as_numpy(self: BlockArray) -> Any:
    """What NumPy would hold: its scalar for a 0-d result that stands for one, else an
    array."""
    value = self.get()
    return value[()] if _scalar_like(self) else value


def _math(fn: Any) -> Any:
    """``math.trunc``, ``math.floor``, ``math.ceil`` of nums arrays as of NumPy's scalars
    (``math.trunc(np.mean(x))``) and arrays (their errors)."""
    return lambda self: fn(_as_numpy(self))


def _scalar_method(name: str) -> Any:
    """A method of NumPy's scalars (``as_integer_ratio``, ``bit_count``) on 0-d results
    that stand for one; arrays have none, as NumPy's."""
    def method(self: BlockArray, *args: Any) -> Any:
        value = _as_numpy(self)
        if isinstance(value, np.ndarray) or not hasattr(value, name):
            raise AttributeError(f"'{type(value).__module__}.{type(value).__name__}' object "
                                 f"has no attribute '{name}'")
        return getattr(value, name)(*args)

    method.__name__ = name
    return method


def _byteswap_block(block: np.ndarray) -> np.ndarray:
    return block.byteswap()


def _byteswap(self: BlockArray, inplace: bool = False) -> BlockArray:
    """As ``ndarray.byteswap``: the bytes of every element swapped, same dtype (a new array,
    or written into this one with ``inplace=True``, which returns it)."""
    swapped = self.map_blocks(_byteswap_block)
    if not inplace:
        return swapped
    self[...] = swapped
    return self


def _tobytes(self: BlockArray, order: str = "C") -> bytes:
    """As ``ndarray.tobytes``: the values' bytes, fetched to the driver (as ``get()``);
    ``order="A"`` is Fortran's where NumPy's array would be only F-contiguous (``x.T``: its
    flags say so), as NumPy's bytes of its memory."""
    if order == "A":  # (the copy get() gives has a layout of its own)
        order = "F" if self.flags.f_contiguous and not self.flags.c_contiguous else "C"
    return self.get().tobytes(order=order)


def install() -> None:
    """Put the ndarray API on BlockArray."""
    BlockArray.__array__ = _array
    for op, name in _BINARY.items():
        fn = UFUNCS[name]
        setattr(BlockArray, f"__{op}__", _binary(fn))
        setattr(BlockArray, f"__r{op}__", _binary(fn, reflected=True))
        if op != "divmod":
            setattr(BlockArray, f"__i{op}__", _inplace_op(fn))
    BlockArray.__pow__ = _power(BlockArray.__pow__, inplace=False)
    BlockArray.__ipow__ = _power(BlockArray.__ipow__, inplace=True)
    matmul = REGISTRY["matmul"].impl  # with its shortcut for driver-resident operands
    BlockArray.__matmul__ = _matmul_operator(_binary(matmul), reflected=False)
    BlockArray.__rmatmul__ = _matmul_operator(_binary(matmul, reflected=True), reflected=True)
    BlockArray.__imatmul__ = _inplace_op(_products.matmul)
    for op, name in _COMPARISONS.items():
        setattr(BlockArray, f"__{op}__", _equality(UFUNCS[name], op == "ne")
                if op in ("eq", "ne") else _binary(UFUNCS[name]))
    for op, name in _UNARY.items():
        setattr(BlockArray, f"__{op}__", _unary(UFUNCS[name]))
    BlockArray.__getitem__ = views.getitem
    BlockArray.__iter__ = views.iterate
    BlockArray.__setitem__ = _setitem
    BlockArray.T = property(lambda self: _manipulation.transpose(self))
    BlockArray.mT = property(_matrix_transpose)
    BlockArray.real = property(lambda self: views.part_view(self, "real"), _set_part("real"))
    BlockArray.imag = property(lambda self: views.part_view(self, "imag"), _set_part("imag"))
    BlockArray.flat = property(_flatiter.flat, _flatiter.set_flat)
    BlockArray.reshape = _reshape
    BlockArray.transpose = _transpose
    BlockArray.__round__ = _round
    BlockArray.shape = property(BlockArray.shape.fget, _inplace.set_shape,
                                doc="The shape; set in place as NumPy's (arrays without views)")
    BlockArray.__contains__ = _contains
    BlockArray.conj = BlockArray.conjugate = _conjugate
    BlockArray.compress = _compress
    BlockArray.setflags = _setflags
    BlockArray.__hash__ = _hash
    BlockArray.is_integer = _is_integer
    BlockArray.__trunc__ = _math(math.trunc)
    BlockArray.__floor__ = _math(math.floor)
    BlockArray.__ceil__ = _math(math.ceil)
    BlockArray.as_integer_ratio = _scalar_method("as_integer_ratio")
    BlockArray.bit_count = _scalar_method("bit_count")
    BlockArray.hex = _scalar_method("hex")  # (float64's, from Python's float)
    BlockArray.fromhex = _scalar_method("fromhex")
    BlockArray.byteswap = _byteswap
    BlockArray.tobytes = _tobytes
    BlockArray.__str__ = printing.to_str
    BlockArray.__repr__ = printing.to_repr
    BlockArray.__format__ = printing.to_format
    BlockArray.rechunk = relayout.rechunk
    BlockArray.tofile = tofile
    BlockArray.explain = explain_array
    BlockArray.__array_ufunc__ = _array_ufunc
    BlockArray.__array_function__ = _array_function
    for name, method in _inplace.METHODS.items():
        setattr(BlockArray, name, method)
    blockarray.UNPICKLE[0] = unpickled


def unpickled(value: Any, array0d: bool, element: bool) -> BlockArray:
    """A pickled BlockArray, loaded (a pickle names this function, so that loading it
    imports nums.numpy and with it BlockArray's NumPy API)."""
    return blockarray._unpickled(value, array0d, element)
