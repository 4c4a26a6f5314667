"""The Python Array API standard (2024.12) on nums.numpy: the namespace's version and
inspection object, and the array attributes of the standard that BlockArray gets from here
(``device``, ``to_device``, ``__array_namespace__``, ``__dlpack__``,
``__dlpack_device__``).

NumPy 2 is itself an Array API namespace: nums follows it (the device is ``"cpu"``, the
default dtypes are NumPy's). DLPack describes one buffer in one memory: a BlockArray's
``__dlpack__`` gathers its blocks to the driver first, a copy (``copy=False`` raises
``BufferError``, as the standard asks of a producer that must copy).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nums.core.array.blockarray import BlockArray
from nums.numpy._convert import asarray
from nums.numpy._device import DEVICE, check_device
from nums.numpy._small_on_driver import MADE

__array_api_version__ = "2024.12"
API_VERSIONS = ("2021.12", "2022.12", "2023.12", "2024.12")
DLPACK_CPU = 1  # DLDeviceType kDLCPU
MAX_DIMS = 32  # numpy.broadcast_shapes' limit (NumPy's arrays have up to 64)


class __array_namespace_info__:  # noqa: N801  (the standard's name)
    """Inspection of nums.numpy as an Array API namespace
    (``nums.numpy.__array_namespace_info__()``).

    Capabilities, devices and dtypes are NumPy's: BlockArrays hold NumPy's dtypes, index with
    booleans, and have data-dependent output shapes (``nonzero``, ``unique_*``).
    """

    __module__ = "nums.numpy"

    def capabilities(self) -> dict[str, Any]:
        """``boolean indexing``, ``data-dependent shapes`` and ``max dimensions``: 32, not
        NumPy's 64 (operations broadcast shapes with ``numpy.broadcast_shapes``, which takes
        up to 32 dimensions)."""
        return {**np.__array_namespace_info__().capabilities(), "max dimensions": MAX_DIMS}

    def default_device(self) -> str:
        """The one device, ``"cpu"``."""
        return DEVICE

    def devices(self) -> list[str]:
        """Every device: ``["cpu"]``."""
        return [DEVICE]

    def default_dtypes(self, *, device: Any = None) -> dict[str, np.dtype]:
        """The default dtypes of real and complex floats, integers and indices."""
        check_device(device)
        return np.__array_namespace_info__().default_dtypes()

    def dtypes(self, *, device: Any = None, kind: Any = None) -> dict[str, np.dtype]:
        """The dtypes of ``kind`` (a name of the standard's kinds, or a tuple of them)."""
        check_device(device)
        return np.__array_namespace_info__().dtypes(kind=kind)


def array_namespace(self: BlockArray, /, *, api_version: str | None = None) -> Any:
    """``x.__array_namespace__()``: nums.numpy (every version of the standard up to
    2024.12 is served by the same namespace, as NumPy's)."""
    if api_version is not None and api_version not in API_VERSIONS:
        raise ValueError(
            f'Version "{api_version}" of the Array API Standard is not supported.')
    import nums.numpy

    return nums.numpy


def device(self: BlockArray) -> str:
    """The device of the array: ``"cpu"`` (see :mod:`nums.numpy._device`)."""
    return DEVICE


def to_device(self: BlockArray, device: Any, /, *, stream: Any = None) -> BlockArray:
    """The array on ``device``: the array itself for ``"cpu"``, as NumPy's."""
    if stream is not None:
        raise ValueError("The stream argument in to_device() is not supported")
    if not (isinstance(device, str) and device == DEVICE):
        raise ValueError(f"Unsupported device: {device}. Only 'cpu' is accepted.")
    return self


def dlpack(self: BlockArray, /, *, stream: Any = None, max_version: Any = None,
           dl_device: Any = None, copy: bool | None = None) -> Any:
    """A DLPack capsule of the array's values, gathered to the driver: DLPack describes a
    single buffer, so this is always a copy (``copy=False`` raises ``BufferError``)."""
    if copy is False:
        raise BufferError("a BlockArray's blocks are gathered into one buffer for DLPack: "
                          "a copy is needed and copy=False forbids it")
    if dl_device is not None and tuple(dl_device) != (DLPACK_CPU, 0):
        raise BufferError(f"unsupported DLPack device {dl_device}: only (1, 0), the CPU")
    values = np.asarray(self.get(), order="C")  # (ascontiguousarray makes 0-d 1-d)
    kwargs: dict[str, Any] = {"stream": stream}
    if max_version is not None:
        kwargs["max_version"] = max_version
    if copy is not None:
        kwargs["copy"] = copy
    return values.__dlpack__(**kwargs)


def dlpack_device(self: BlockArray, /) -> tuple[int, int]:
    """``(kDLCPU, 0)``: the gathered buffer is in the driver's host memory."""
    return (DLPACK_CPU, 0)


def from_dlpack(x: Any, /, *, device: Any = None, copy: bool | None = None) -> BlockArray:
    """nums implementation of ``numpy.from_dlpack``: any DLPack producer (NumPy, PyTorch,
    array-api-strict, ...) becomes a BlockArray. Its buffer is split into blocks, so the
    result never shares memory with ``x`` (``copy=False`` raises ``BufferError``); a
    BlockArray is returned as it is (``copy=True``: a copy)."""
    check_device(device)
    if isinstance(x, BlockArray):
        return x.copy() if copy else x
    if copy is False:
        raise BufferError("nums splits the buffer into blocks: a copy is needed and "
                          "copy=False forbids it")
    return asarray(np.from_dlpack(x, device=device, copy=copy))


from_dlpack._nums_status = MADE


def install() -> None:
    """Give BlockArray the array attributes of the standard."""
    BlockArray.__array_namespace__ = array_namespace
    BlockArray.device = property(device)
    BlockArray.to_device = to_device
    BlockArray.__dlpack__ = dlpack
    BlockArray.__dlpack_device__ = dlpack_device


__all__ = ["from_dlpack"]
