"""``vectorize``: a Python function of scalars run element by element, block by block.

``nums.numpy.vectorize`` is NumPy's class (a subclass: the same constructor, arguments,
attributes, errors and decorator forms), whose call runs on BlockArrays:

- every BlockArray among the arguments (vectorized or ``excluded``) is driver-resident or
  small: NumPy's own ``vectorize`` runs in the driver on their values, results come back as
  BlockArrays;
- otherwise the output types are fixed once on the driver, as NumPy fixes them: ``otypes``
  when given, else the types of the function's result on the first element of each
  (broadcast) argument, the only values fetched; then each block of the broadcast result is
  one task that runs the function on that block's elements (NumPy's ``frompyfunc`` on object
  blocks, cast to the output types, as NumPy's ``vectorize`` does), through
  :func:`nums.core.array.elementwise.ufunc_apply`, so every block has the same dtype and a
  function returning a tuple gives a tuple of arrays;
- with ``signature=`` (core dimensions), the loop dimensions are split into blocks and the
  core dimensions are whole in every task (:mod:`nums.numpy._vectorize_signature`);
- output types whose size NumPy chooses from all the values (strings, bytes, void,
  datetimes, objects without ``signature``; objects and unsized strings with it) run NumPy's
  ``vectorize`` on whole copies of the arguments on one worker next to the data (the
  fallback, a ``GatherWarning``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from nums.core.array import resident
from nums.core.array.blockarray import BlockArray
from nums.core.array.elementwise import broadcast_shapes, ufunc_apply
from nums.numpy import _vectorize_signature
from nums.numpy._convert import asarray
from nums.numpy._fallback import run_fallback
from runtime.errors import warnings_at_caller


class _Bound:
    """``pyfunc`` with its excluded arguments in place, called with the vectorized ones
    (positional ones first, then keywords), as NumPy's ``vectorize`` binds them."""

    def __init__(self, pyfunc: Any, args: list, inds: list[int], kwargs: dict,
                 names: list[str]):
        self.pyfunc, self.args, self.inds = pyfunc, args, inds
        self.kwargs, self.names = kwargs, names

    def __call__(self, *vargs: Any) -> Any:
        args = list(self.args)
        for k, i in enumerate(self.inds):
            args[i] = vargs[k]
        kwargs = dict(self.kwargs)
        kwargs.update(zip(self.names, vargs[len(self.inds):]))
        return self.pyfunc(*args, **kwargs)


class _Elementwise:
    """The block kernel of a vectorized function: NumPy's ``frompyfunc`` over the blocks as
    object arrays (each element a Python object, as NumPy's ``vectorize`` passes them);
    :func:`nums.core.array.kernels.ufunc_call` casts the results to the output types."""

    def __init__(self, func: Any, nin: int, nout: int, name: str):
        self.func, self.nin, self.nout, self.__name__ = func, nin, nout, name

    def __call__(self, *blocks: Any) -> Any:
        ufunc = np.frompyfunc(self.func, self.nin, self.nout)
        return ufunc(*[np.asanyarray(b, dtype=object) for b in blocks], out=...)


def _numpy_values(x: Any) -> Any:
    """``x`` with every BlockArray (also in lists, tuples, dicts) replaced by its value when
    it is driver-resident or small; None when one is distributed."""
    if isinstance(x, BlockArray):
        vals = resident.values([x])
        return None if vals is None else [vals[0]]
    if isinstance(x, list | tuple | dict):
        items = x.values() if isinstance(x, dict) else x
        out = []
        for v in items:
            got = _numpy_values(v)
            if got is None:
                return None
            out.append(got[0])
        if isinstance(x, dict):
            return [dict(zip(x.keys(), out))]
        return [type(x)(out) if not hasattr(x, "_fields") else type(x)(*out)]
    return [x]


def _as_blockarrays(result: Any) -> Any:
    if isinstance(result, tuple):
        return tuple(_as_blockarrays(r) for r in result)
    if isinstance(result, np.ndarray):
        return BlockArray.from_numpy(result)
    return result


class vectorize(np.vectorize):
    """nums implementation of ``numpy.vectorize`` (NumPy's class, whose call runs on
    BlockArrays; see :mod:`nums.numpy._vectorize`).

    Parameters
    ----------
    pyfunc : callable, optional
        A function of scalars (a decorator without arguments when given alone).
    otypes : str or list of dtypes, optional
        The output types; without them NumPy's rule: the types of ``pyfunc``'s result on the
        first element of each argument (called once on the driver).
    doc : str, optional
        The docstring; ``pyfunc``'s by default.
    excluded : set, optional
        Positions and names of the arguments passed to ``pyfunc`` unchanged.
    cache : bool, optional
        NumPy's: the first result is reused (on the driver's own NumPy path only; the block
        tasks call ``pyfunc`` on every element).
    signature : str, optional
        A generalized ufunc signature: the loop dimensions are split into blocks, the core
        dimensions are whole in every task; output core sizes and types not known from the
        arguments come from ``pyfunc`` on the first loop index, on the driver, as in NumPy.

    Notes
    -----
    Differs from NumPy: ``pyfunc`` runs in tasks on the workers for distributed arrays, so
    it must be picklable (lambdas and local functions travel with cloudpickle) and its side
    effects on driver objects are not seen; its errors on elements other than the first
    are raised when the result is used. BlockArrays among the ``excluded`` arguments must be
    small or driver-resident (``pyfunc`` receives their NumPy values).
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.pyfunc is np._NoValue:  # a decorator with arguments: takes the function
            return super().__call__(*args, **kwargs)
        values = _numpy_values((args, kwargs))
        if values is not None:  # nothing distributed: NumPy's own vectorize in the driver
            v_args, v_kwargs = values[0]
            with warnings_at_caller():
                return _as_blockarrays(super().__call__(*v_args, **v_kwargs))
        func, vargs = self._bind(args, kwargs)
        core_dims = getattr(self, "_in_and_out_core_dims", None)  # NumPy's parsed signature
        if self.signature is not None:
            out = None if core_dims is None else _vectorize_signature.call(
                func, vargs, core_dims, self.otypes, self._name())
            return out if out is not None else run_fallback(self._numpy(), args, kwargs,
                                                            "numpy.vectorize")
        if not vargs:
            return func()
        operands = [asarray(v) if isinstance(v, np.ndarray | list | tuple) else v
                    for v in vargs]
        shape = broadcast_shapes(*[_shape(v) for v in operands])
        otypes = self.otypes if self.otypes is not None else self._first_types(func, operands)
        dtypes = _vectorize_signature.fixed_dtypes(otypes)
        if dtypes is None:
            return run_fallback(self._numpy(), args, kwargs, "numpy.vectorize")
        kernel = _Elementwise(func, len(operands), len(dtypes), self._name())
        outs = ufunc_apply(kernel, operands, tuple(dtypes), shape, {})
        return tuple(outs) if len(outs) > 1 else outs[0]

    def _name(self) -> str:
        return getattr(self.pyfunc, "__name__", "vectorize")

    def _numpy(self) -> np.vectorize:
        """NumPy's vectorize of the same settings (for NumPy's own call on a worker)."""
        return np.vectorize(self.pyfunc, otypes=self.otypes, doc=self.__doc__,
                            excluded=self.excluded, cache=self.cache,
                            signature=self.signature)

    def _bind(self, args: tuple, kwargs: dict) -> tuple[Any, list]:
        """The function of the vectorized arguments only, and those arguments (NumPy's
        split: positions and names not in ``excluded``)."""
        excluded = self.excluded
        if not kwargs and not excluded:
            return self.pyfunc, list(args)
        names = [n for n in kwargs if n not in excluded]
        inds = [i for i in range(len(args)) if i not in excluded]
        fixed = [None if i in inds else _travelling(args[i]) for i in range(len(args))]
        fixed_kw = {n: _travelling(v) for n, v in kwargs.items() if n in excluded}
        vargs = [args[i] for i in inds] + [kwargs[n] for n in names]
        return _Bound(self.pyfunc, fixed, inds, fixed_kw, names), vargs

    def _first_types(self, func: Any, operands: list) -> str:
        """NumPy's output types without ``otypes``: those of ``func``'s result on the first
        element of every argument (fetched; the function runs once on the driver)."""
        if any(math.prod(_shape(v)) == 0 for v in operands):
            raise ValueError("cannot call `vectorize` on size 0 inputs unless `otypes` is set")
        firsts = [_first(v) for v in operands]
        with warnings_at_caller():
            outputs = func(*firsts)
        outputs = outputs if isinstance(outputs, tuple) else (outputs,)
        return "".join(np.asarray(o).dtype.char for o in outputs)


def _first(v: Any) -> Any:
    """The first element of operand ``v`` as NumPy's loop hands it to the function (an object
    array's element is the object itself)."""
    if not isinstance(v, BlockArray):
        return np.asarray(v).flat[0]
    e = v[(0,) * v.ndim]
    return e.get()[()] if isinstance(e, BlockArray) else e


def _shape(x: Any) -> tuple[int, ...]:
    return x.shape if isinstance(x, BlockArray) else np.shape(x)


def _travelling(x: Any) -> Any:
    """An excluded argument as it goes to the tasks: a driver-resident BlockArray as its
    value; a distributed one as it is (pickled for the tasks as its value, up to
    ``CAPTURED_BYTES``, else a clear error: see ``BlockArray.__reduce_ex__``)."""
    if not isinstance(x, BlockArray):
        return x
    vals = resident.values([x])
    return x if vals is None else vals[0]


__all__ = ["vectorize"]
