"""Lineage: an object whose value is lost is made again by the task that made it.

A mixin of ``Driver``; every method runs with the driver's lock held. State:

- ``lineage``: object id -> the ``TaskSpec`` that produced it, kept while the object lives or
  while the kept spec of another object reads it, so that a chain can be replayed even after
  its intermediate objects were freed. Specs deeper than ``max_lineage_depth`` (counted from
  objects without lineage: puts) are not kept, nor specs with refs nested in their arguments.
- ``lineage_refs``: object id -> how many kept specs read it.
- ``dead_nodes``: virtual nodes lost with :meth:`kill_node`; nothing runs or is stored there
  any more.
- ``kept_puts``: with ``keep_puts``, a private copy of each ``put`` value (header and
  buffers), so that a lost put is served again, from the driver, as an inline object.

An object is *lost* when its last copy goes: the store of a node that was killed, or a spill
file that cannot be read. It becomes PENDING again and its task is submitted again (first
making again, the same way, arguments that were freed since); readers wait for it as for any
pending object. An object without lineage (a ``put``, a too deep chain) fails instead with
``ObjectLostError``, unless the session keeps copies of its puts (``keep_puts``). Objects
kept inline by the driver are never lost.
"""

from __future__ import annotations

import os
from collections import deque

from . import ids
from .errors import ObjectLostError, error_cause, error_info
from .objects import PENDING, READY, Entry
from .protocol import TaskSpec

MAX_LINEAGE_DEPTH = 100  # default of runtime.init(max_lineage_depth=...)


class Lineage:
    """See the module docstring."""

    # ------------------------------------------------------------------ recording
    def _record_lineage(self, spec: TaskSpec) -> None:
        if spec.kind != "task" or spec.contained or spec.rebuild_of is not None:
            return
        deps = set(self._deps(spec))
        depth = 1 + max((self.lineage[d].lineage_depth for d in deps if d in self.lineage),
                        default=0)
        if depth > self.max_lineage_depth:
            return
        spec.lineage_depth = depth
        spec.lineage_live = len(spec.return_ids)
        for oid in spec.return_ids:
            self.lineage[oid] = spec
        for d in deps:
            self.lineage_refs[d] = self.lineage_refs.get(d, 0) + 1

    def _object_freed(self, oid: int) -> None:
        """The table freed ``oid``: forget its spec unless a kept spec still reads it, and
        then the specs only it kept."""
        self.kept_puts.pop(oid, None)
        stack = [oid]
        while stack:
            o = stack.pop()
            if self.lineage_refs.get(o) or o in self.table.entries:
                continue
            spec = self.lineage.pop(o, None)
            if spec is None:
                continue
            spec.lineage_live -= 1
            if spec.lineage_live:
                continue
            for d in set(self._deps(spec)):
                n = self.lineage_refs.get(d, 0) - 1
                if n > 0:
                    self.lineage_refs[d] = n
                else:
                    self.lineage_refs.pop(d, None)
                    stack.append(d)

    # ------------------------------------------------------------------ losing and rebuilding
    def _lose(self, e: Entry, why: str) -> None:
        """``e`` (READY) has no copy left: make it again, or fail it."""
        if e.refs <= 0:
            self.table._free(e)
            return
        kept = self.kept_puts.get(e.id)
        if kept is not None:  # served from the driver's copy from now on
            e.inline, e.sent_to = kept, set()
            return
        spec = self.lineage.get(e.id)
        if spec is None:
            e.state = PENDING  # so that complete() below records the failure as its value
            self._complete(e.id, e.home, ("e", error_info(ObjectLostError(
                f"object {e.id:#x} was lost ({why}) and cannot be made again: it was put "
                f"(and the session does not keep copies of puts: keep_puts=False), not "
                f"computed by a task, or its chain of tasks is deeper than "
                f"max_lineage_depth={self.max_lineage_depth}", e.id), "lineage")), None)
            return
        e.state = PENDING
        e.inline, e.size, e.alloc_size = None, 0, 0
        self._rebuild(spec)

    def _rebuild(self, spec: TaskSpec) -> None:
        """Submit ``spec`` again; its outputs that are not PENDING keep their value."""
        if spec.rebuilding:
            return
        t = self.table
        for d in self._deps(spec):
            e = t.entries.get(d)
            if e is not None:
                if e.consumed and e.state == READY:  # being written in place: no copy left
                    e.consumed = False
                    self._lose(e, "its copy was written in place by a task")
                continue
            parent = self.lineage.get(d)
            if parent is None:  # cannot happen while lineage_refs holds it; be safe
                err = error_info(ObjectLostError(
                    f"object {d:#x}, an argument of {spec.name}, was freed and has no lineage",
                    d), spec.name)
                for oid in spec.return_ids:
                    e = t.entries.get(oid)
                    if e is not None and e.state == PENDING:
                        self._complete(oid, e.home, ("e", err), None)
                return
            t.entries[d] = Entry(d)  # held by the new task's submission below
            self._rebuild(parent)
        spec.rebuilding = True
        self.rebuilds += 1
        node = spec.node if spec.node is not None and spec.node not in self.dead_nodes else None
        again = TaskSpec(ids.new_id(), spec.kind, spec.name, spec.fn_id, None, spec.payload,
                         list(spec.ref_args), [], list(spec.return_ids), node=node,
                         max_retries=spec.max_retries)
        again.rebuild_of = spec
        self._submit(again, initial_refs=0)

    def _discard_result(self, result: tuple, node: int) -> None:
        """The value of an output that already has one (made again with a lost sibling)."""
        if result[0] == "s":
            self.stores[node].allocator.free(result[1])
        elif result[0] == "d":
            try:
                os.unlink(result[1])
            except OSError:
                pass

    def _lost_argument(self, results: list) -> int | None:
        """The object a failed task could not read (its spill file is gone), if that is why
        it failed."""
        if not results or results[0][0] != "e" or results[0][1][1] != "ObjectLostError":
            return None
        return getattr(error_cause(results[0][1]), "oid", None)

    def _disk_copy_lost(self, oid: int) -> bool:
        """A reader found ``oid``'s spill file missing or unreadable: forget the file; True
        when the object is now PENDING or FAILED (so the reader must wait or fail)."""
        e = self.table.entries.get(oid)
        if e is None or e.state != READY:
            return e is not None
        if e.disk is not None:
            if e.disk_pins == 0:
                self.table._drop_disk(e)
            else:  # readers still hold the (broken) file: forget it without unlinking
                self.stores[e.home].spilled_bytes -= e.size
                e.disk = None
        if e.inline is None and not any(r.ready for r in e.replicas.values()):
            self._lose(e, "its spill file could not be read")
        return e.state != READY

    def _wait_for(self, spec: TaskSpec, oid: int) -> None:
        """Queue ``spec`` again once ``oid`` (PENDING again) is made."""
        e = self.table.entries.get(oid)
        if e is not None and e.state == PENDING:
            e.waiters.append(spec)
            spec.deps_pending += 1
        else:
            self._on_ready(spec)

    # ------------------------------------------------------------------ nodes
    def _live_node(self, node: int | None) -> int | None:
        """``node``, or a live node in its place when it was killed."""
        if node is None or node not in self.dead_nodes:
            return node
        live = [n for n in range(self.num_nodes) if n not in self.dead_nodes]
        return live[node % len(live)]

    def kill_node(self, node: int) -> None:
        """Lose virtual node ``node`` as a machine would be lost: its workers are killed and
        every object copy in its store is gone. Its tasks run on the other nodes from now on,
        and objects whose only copy it held are made again from their lineage."""
        with self.lock:
            self._drain()
            if not 0 <= node < self.num_nodes:
                raise ValueError(f"node {node} out of range (0..{self.num_nodes - 1})")
            if node in self.dead_nodes:
                return
            if len(self.dead_nodes) + 1 >= self.num_nodes:
                raise ValueError("cannot kill the last live node")
            self.dead_nodes.add(node)
            victims = [w for w in self.workers.values() if w.node == node]
            st = self.stores[node]
            lost = []
            for e in list(self.table.entries.values()) + list(self.table.zombies.values()):
                rep = e.replicas.pop(node, None)
                if rep is None:
                    continue
                st.lru.pop(e.id, None)
                if rep.ready:
                    st.store_bytes -= e.size
                if (e.state == READY and not e.freed and e.inline is None and e.disk is None
                        and not any(r.ready for r in e.replicas.values())):
                    lost.append(e)
                self.table.bury(e)
            for e in lost:
                self._lose(e, f"node {node} was lost")
            moved, self.queues[node] = self.queues[node], deque()
            for spec in moved:
                self.queues[self._live_node(node)].append(spec)
            for key in [k for k in self.replica_waiters if k[1] == node]:
                for spec in self.replica_waiters.pop(key):
                    self.queues[self._live_node(node)].append(spec)
            for n in range(self.num_nodes):
                if n not in self.dead_nodes:
                    self._dispatch(n)
            self._flush()
        for w in victims:
            try:
                w.proc.kill()
            except OSError:
                pass
