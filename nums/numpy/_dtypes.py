"""Dtypes, constants and dtype utilities, so scripts need no ``import numpy``."""

from __future__ import annotations

from typing import Any

import numpy as _np

from nums.core.array import dtypes as _dtypes
from nums.core.array.blockarray import BlockArray

# dtypes and scalar types (numpy's own objects)
bool_ = _np.bool_
bool = _np.bool
int8, int16, int32, int64 = _np.int8, _np.int16, _np.int32, _np.int64
uint8, uint16, uint32, uint64 = _np.uint8, _np.uint16, _np.uint32, _np.uint64
intp, uintp, int_, uint = _np.intp, _np.uintp, _np.int_, _np.uint
byte, ubyte, short, ushort = _np.byte, _np.ubyte, _np.short, _np.ushort
intc, uintc, long, ulong = _np.intc, _np.uintc, _np.long, _np.ulong
longlong, ulonglong = _np.longlong, _np.ulonglong
float16, float32, float64 = _np.float16, _np.float32, _np.float64
half, single, double, longdouble = _np.half, _np.single, _np.double, _np.longdouble
complex64, complex128 = _np.complex64, _np.complex128
csingle, cdouble, clongdouble = _np.csingle, _np.cdouble, _np.clongdouble
object_, str_, bytes_, void = _np.object_, _np.str_, _np.bytes_, _np.void
datetime64, timedelta64 = _np.datetime64, _np.timedelta64
generic, number, integer, signedinteger = _np.generic, _np.number, _np.integer, _np.signedinteger
unsignedinteger, inexact, floating = _np.unsignedinteger, _np.inexact, _np.floating
complexfloating = _np.complexfloating
character, flexible, record = _np.character, _np.flexible, _np.record
# extended precision: only where the platform has it (as in NumPy)
_EXTENDED = [n for n in ("float96", "float128", "complex192", "complex256") if hasattr(_np, n)]
globals().update({n: getattr(_np, n) for n in _EXTENDED})

# type tables and constants
False_, True_ = _np.False_, _np.True_
ScalarType, sctypeDict, typecodes = _np.ScalarType, _np.sctypeDict, _np.typecodes
little_endian = _np.little_endian

# constants
pi, e, inf, nan, newaxis, euler_gamma = _np.pi, _np.e, _np.inf, _np.nan, None, _np.euler_gamma

# dtype utilities
dtype = _np.dtype
finfo = _np.finfo
iinfo = _np.iinfo
promote_types = _np.promote_types
issubdtype = _np.issubdtype
isdtype = _np.isdtype
errstate = _np.errstate
printoptions = _np.printoptions
set_printoptions = _np.set_printoptions
get_printoptions = _np.get_printoptions
exceptions = _np.exceptions
AxisError = _np.exceptions.AxisError


def result_type(*arrays_and_dtypes: Any) -> _np.dtype:
    """nums implementation of numpy.result_type (BlockArrays count by their dtype)."""
    return _dtypes.result_type(*arrays_and_dtypes)


def can_cast(from_: Any, to: Any, casting: str = "safe") -> bool:
    """nums implementation of numpy.can_cast (a BlockArray counts by its dtype)."""
    if isinstance(from_, BlockArray):
        from_ = from_.dtype
    return _np.can_cast(from_, to, casting=casting)


def isscalar(element: Any) -> bool:
    """numpy.isscalar (a BlockArray is never a scalar)."""
    return False if isinstance(element, BlockArray) else _np.isscalar(element)


def iscomplexobj(x: Any) -> bool:
    """nums implementation of numpy.iscomplexobj."""
    return x.dtype.kind == "c" if isinstance(x, BlockArray) else _np.iscomplexobj(x)


def isrealobj(x: Any) -> bool:
    """nums implementation of numpy.isrealobj."""
    return not iscomplexobj(x)


__all__ = [
    "bool_",
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "intp",
    "uintp",
    "int_",
    "uint",
    "byte",
    "ubyte",
    "short",
    "ushort",
    "intc",
    "uintc",
    "long",
    "ulong",
    "longlong",
    "ulonglong",
    "float16",
    "float32",
    "float64",
    "half",
    "single",
    "double",
    "longdouble",
    "complex64",
    "complex128",
    "csingle",
    "cdouble",
    "clongdouble",
    "object_",
    "str_",
    "bytes_",
    "void",
    "datetime64",
    "timedelta64",
    "generic",
    "number",
    "integer",
    "signedinteger",
    "unsignedinteger",
    "inexact",
    "floating",
    "complexfloating",
    "character",
    "flexible",
    "record",
    *_EXTENDED,
    "False_",
    "True_",
    "ScalarType",
    "sctypeDict",
    "typecodes",
    "little_endian",
    "pi",
    "e",
    "inf",
    "nan",
    "newaxis",
    "euler_gamma",
    "dtype",
    "finfo",
    "iinfo",
    "promote_types",
    "issubdtype",
    "isdtype",
    "errstate",
    "printoptions",
    "set_printoptions",
    "get_printoptions",
    "exceptions",
    "AxisError",
    "result_type",
    "can_cast",
    "isscalar",
    "iscomplexobj",
    "isrealobj",
]
