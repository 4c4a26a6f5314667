"""ObjectRef: a future naming an object in the store, counted for freeing."""

from __future__ import annotations

import threading

from . import context

# While serializing, the ids of the refs (and actor handles) met inside the value are collected
# here, so that the object holding them keeps them alive ("contained" references).
_collect = threading.local()


def start_collecting() -> None:
    _collect.ids = []


def stop_collecting() -> list[int]:
    ids = getattr(_collect, "ids", None) or []
    _collect.ids = None
    return ids


def note_contained(ref_id: int) -> None:
    ids = getattr(_collect, "ids", None)
    if ids is not None:
        ids.append(ref_id)


class ObjectRef:
    """A reference to an object that is, or will be, in the store.

    Use ``runtime.get(ref)`` for its value. The object is freed when the last reference to it,
    in the driver or in any worker, is gone.
    """

    __slots__ = ("id", "__weakref__")

    def __init__(self, ref_id: int, *, counted: bool = False):
        self.id = ref_id
        if not counted:
            ctx = context.current
            if ctx is not None:
                ctx.incref(ref_id)

    def __del__(self) -> None:
        ctx = context.current
        if ctx is not None:
            try:
                ctx.decref(self.id)
            except Exception:  # noqa: BLE001 - never raise from __del__ (interpreter exit)
                pass

    def __reduce__(self):
        note_contained(self.id)
        return (ObjectRef, (self.id,))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ObjectRef) and other.id == self.id

    def __hash__(self) -> int:
        return hash(("ObjectRef", self.id))

    def __repr__(self) -> str:
        return f"ObjectRef({self.id:#x})"
