"""``ediff1d``: differences of the flattened array, with values before and after (slices,
a subtraction and ``concatenate``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray
from nums.numpy._convert import asarray


def ediff1d(ary: Any, to_end: Any = None, to_begin: Any = None) -> BlockArray:
    """nums implementation of ``numpy.ediff1d``."""
    import nums.numpy as u

    a = u.ravel(asarray(ary))
    dtype = a.dtype
    diff = a[1:] - a[:-1]
    if to_begin is None and to_end is None:
        return diff
    parts = []
    for name, extra in (("to_begin", to_begin), ("to_end", to_end)):
        if extra is None:
            parts.append(None)
            continue
        e = extra if isinstance(extra, BlockArray) else np.asanyarray(extra)
        if not np.can_cast(e.dtype if isinstance(e, BlockArray) else e, dtype,
                           casting="same_kind"):
            raise TypeError(f"dtype of `{name}` must be compatible with input `ary` under "
                            "the `same_kind` rule.")
        parts.append(u.ravel(asarray(e)).astype(dtype))
    pieces = [p for p in (parts[0], diff.astype(dtype), parts[1]) if p is not None]
    return u.concatenate(pieces)


__all__ = ["ediff1d"]
