"""Locations and task specs exchanged between the driver and workers.

Location of an object's value, as a worker receives it (each non-inline one carries a pin that
the worker gives back, as ``(oid, where)`` in its next message, once it no longer reads it):

- ``("i", oid, header, buffers)``: inline bytes, no pin.
- ``("s", oid, node, offset, header_len, layout)``: a region of ``node``'s store.
- ``("d", oid, path, header_len, layout)``: a spilled file (``where`` is ``DISK``).
- ``("c", oid, src, node, offset, region_size, header_len, layout)``: copy the region from
  location ``src`` into ``node``'s store at ``offset`` first, then read it there.
- ``("e", oid, error_info)``: the object is a failed task's error.

A result, as a worker sends it back: ``("i", header, buffers, size, contained)``,
``("s", offset, header_len, layout, size, alloc_size, contained)``,
``("d", path, header_len, layout, size, contained)`` or ``("e", error_info)`` where
``error_info = (pickled_exception_or_None, type_name, message, traceback_text, task_name)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DISK = -1


@dataclass
class TaskSpec:
    """A task as submitted (by the driver's user code or by a worker)."""

    tid: int
    kind: str                   # "task", "actor_new" or "call"
    name: str
    fn_id: bytes | None         # content hash of the pickled function or class
    fn_blob: bytes | None       # the pickled function/class (None if the driver has it)
    payload: tuple              # ("i", None, header, buffers) or ("ref", oid)
    ref_args: list              # [(position, oid)] top-level ObjectRef arguments
    contained: list             # ids of refs nested inside the arguments
    return_ids: list
    node: int | None = None
    max_retries: int = 3
    actor_id: int | None = None
    method: str | None = None
    # filled by the driver
    deps_pending: int = 0
    attempts: int = 0
    pins: list = field(default_factory=list)    # (oid, where) pinned for the current attempt
    copies: list = field(default_factory=list)  # (oid, src_where, dst_node) of this attempt
