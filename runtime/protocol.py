"""Messages, locations and task specs exchanged between the driver and workers.

Every message is a tuple ``(kind, *body)`` pickled on a socket (``channel.py``); several may
travel as one ``("batch", [messages])``. Requests carry a ``req`` number that the answer's
``("reply", req, answer)`` names.

Driver to worker:

- ``("task" | "actor_new" | "call", tid, fn_id, fn_blob, payload, arg_locations, return_ids,
  name, method)``: run a function, construct an actor, or call its ``method``; ``fn_blob`` is
  sent once per worker and function.
- ``("reply", req, answer)``: the answer to a worker's request (below).
- ``("exit",)``: finish the current task and stop.

Worker to driver:

- ``("ready", pid)``: the worker has started.
- ``("done", (tid, results, seconds[, warnings]))``: a task finished; one result per return
  id, and the distinct warnings it raised as ``(category module, qualname, message)``.
- ``("return", [tids])``: tasks sent ahead that the worker gives back without starting them.
- ``("alloc", req, (oid, size))``: store space for a result; answered ``("s", offset)`` or
  ``("d", path)`` (spill to a file).
- ``("submit", TaskSpec)`` and ``("put", (oid, result))``: a task submits work or puts a
  value (nested tasks).
- ``("get", req, (oids,))``: the locations of objects, answered when they are ready;
  ``("poll", req, (oids,))``: which of them are ready now; ``("cancel", req)``: the worker no
  longer waits for that request (a timeout).

Reference-count changes and pin releases ride along with every worker message (see
``worker.py``).

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
    # lineage (see runtime.lineage)
    lineage_depth: int = 0      # tasks back to objects without lineage
    lineage_live: int = 0       # outputs whose lineage is this spec
    rebuilding: bool = False    # submitted again to make a lost output
    rebuild_of: TaskSpec | None = None  # the spec this task makes again
    # the caller's reads (get/wait) before this task was submitted: its warnings are raised
    # once per distinct message among the tasks of one such epoch (None: a worker's task)
    epoch: int | None = None
