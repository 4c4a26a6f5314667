"""The device of BlockArrays, in the Array API standard's sense.

A BlockArray's blocks live in the host memory of the session's workers (and the driver's):
one device, named ``"cpu"`` as NumPy names its own, so that code written for NumPy's
``device="cpu"`` runs unchanged. Any other device is refused with NumPy's error.
"""

from __future__ import annotations

from typing import Any

DEVICE = "cpu"


def check_device(device: Any) -> None:
    """NumPy's check of a ``device=`` argument: ``None`` or ``"cpu"``, else ValueError."""
    if device is not None and not (isinstance(device, str) and device == DEVICE):
        raise ValueError(
            f'Device not understood. Only "cpu" is allowed, but received: {device}')
