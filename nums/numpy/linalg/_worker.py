"""Small dense problems on one worker: the operands are assembled on one node, numpy.linalg
runs there, and the results stay there as one-block arrays (nothing passes through the
driver but scalars). Operands over ``MAX_WORKER_BYTES`` raise instead of being gathered.
Driver-resident operands (small arrays, :mod:`nums.core.array.resident`) are where the
driver is: numpy.linalg runs there, without a task."""

from __future__ import annotations

from typing import Any

import numpy as np

from nums.core.array import linalg_kernels, resident
from nums.core.array.blockarray import BlockArray, backend, one_block, submit
from nums.core.array.regions import region
from nums.numpy._convert import asarray

MAX_WORKER_BYTES = 256 * 2**20
LinAlgError = np.linalg.LinAlgError


def one_worker(fn: Any) -> Any:
    """Mark ``fn`` as running on one worker (the support page says so)."""
    fn._nums_status = "one worker (small operands)"
    return fn


def whole(x: BlockArray, node: int | None = None) -> tuple[Any, int]:
    """A ref to all of ``x`` in one piece (on ``node``, else where its first block is)."""
    return region(x, [slice(0, n) for n in x.shape], node)


def check_size(*xs: Any, what: str) -> None:
    for x in xs:
        if isinstance(x, BlockArray) and x.nbytes > MAX_WORKER_BYTES:
            raise ValueError(
                f"nums.numpy.linalg.{what} runs on one worker for operands up to "
                f"{MAX_WORKER_BYTES} bytes; this {x.shape} array has {x.nbytes} bytes")


def on_worker(name: str, *operands: Any, **kwargs: Any) -> Any:
    """``numpy.linalg.<name>(*operands, **kwargs)`` on one worker. Array results stay there as
    one-block BlockArrays; scalars are fetched. numpy's errors (``LinAlgError`` for a
    singular matrix, ...) are raised at the call: the results' shapes are fetched at once."""
    arrays = [asarray(x) if isinstance(x, BlockArray | np.ndarray | list) else x
              for x in operands]
    check_size(*arrays, what=name)
    local = resident.apply(linalg_kernels.numpy_linalg, [name, *arrays], kwargs)
    if local is not None:  # driver-resident operands: numpy.linalg in the driver
        return local
    node = next((int(x.nodes.flat[0]) for x in arrays if isinstance(x, BlockArray)), 0)
    refs = [whole(x, node)[0] if isinstance(x, BlockArray) else x for x in arrays]
    result = submit(linalg_kernels.numpy_linalg, name, *refs, node=node, **kwargs)
    return unpack(result, node)


def unpack(result: Any, node: int) -> Any:
    """The parts of a task's result (one array, a scalar, or a tuple of them) on ``node``:
    arrays as one-block BlockArrays that stay there, scalars fetched; a tuple for several.
    The parts' shapes are fetched at once, so a task's error is raised here."""
    parts = backend().get([submit(linalg_kernels.describe, result, node=node)])[0]
    wrapped = []
    for i, (shape, dtype, value) in enumerate(parts):
        if shape is None:
            wrapped.append(value)
        else:
            ref = submit(linalg_kernels.pick, result, i, node=node) if len(parts) > 1 else result
            wrapped.append(one_block(ref, shape, dtype, node))
    return wrapped[0] if len(parts) == 1 else tuple(wrapped)
