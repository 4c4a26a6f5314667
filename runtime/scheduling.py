"""Task scheduling in the driver: submission, readiness, placement, dispatch, completion.

A mixin of ``Driver`` (see ``driver`` for the state it uses and its invariants); every method
runs with the driver's lock held.

Life of a task: ``_submit`` takes holds on its arguments and counts those still PENDING
(``deps_pending``); ``_on_ready`` picks its node and queues it; ``_dispatch`` gives it to a
free worker of that node with ``_task_message``, which pins the argument replicas it reads
and arranges a copy into the node for arguments held elsewhere (``_location``); ``_on_done``
records the copies and the results, and ``_finish`` releases the task's holds. A worker that
hands a task back (``_returned``) or dies (``Driver._worker_died``) has its attempt undone
(``_undo_attempt``) and the task queued again.
"""

from __future__ import annotations

import threading
import time

from .errors import ActorDiedError, ObjectFreedError, ObjectLostError, error_info
from .objects import FAILED, PENDING, Entry, Replica
from .processes import WorkerProc
from .protocol import DISK, TaskSpec

PIPELINE = 4  # tasks sent ahead to a busy pool worker, so it never waits for the driver
# ... but only as much work as this (estimated from earlier runs of the same function): a
# long task queued behind another on a busy worker cannot move to a worker that falls idle,
# and with a few tasks of tens of ms each one worker would finish well after the other.
PIPELINE_AHEAD_S = 0.008


class Request:
    """A worker's blocking ``get``: answered once all its objects are ready."""

    __slots__ = ("worker", "req", "oids", "pending", "blocking")

    def __init__(self, worker: WorkerProc, req: int, oids: list[int]):
        self.worker, self.req, self.oids = worker, req, oids
        self.pending = 0
        self.blocking = False


class Scheduling:
    """Submission, placement, dispatch and completion of tasks (a mixin of Driver)."""

    def _submit(self, spec: TaskSpec, initial_refs: int) -> None:
        t = self.table
        if spec.fn_blob is not None:
            self.fn_blobs[spec.fn_id] = spec.fn_blob
            spec.fn_blob = None
        for oid in spec.return_ids:
            e = t.entries.get(oid)
            if e is None:
                e = t.entries[oid] = Entry(oid)
            e.refs += initial_refs
        missing = [oid for oid in self._deps(spec) if oid not in t.entries]
        if missing:
            err = ObjectFreedError(f"argument object {missing[0]:#x} of {spec.name} is unknown "
                                   "or was already freed")
            spec.ref_args, spec.payload, spec.contained = [], ("i", None, b"", ()), []
            self._finish(spec, ("e", error_info(err, spec.name)), spec.node)
            return
        for oid in self._deps(spec):
            t.incref(oid)
        for oid in spec.contained:
            t.incref(oid)
        self.tasks[spec.tid] = spec
        self._record_lineage(spec)
        if spec.kind != "task":
            actor = self.actors.get(spec.actor_id)
            if actor is None:
                self._finish(spec, ("e", error_info(ActorDiedError(
                    f"actor {spec.actor_id:#x} is not alive"), spec.name)), None)
                return
            actor.queue.append(spec)
        for oid in self._deps(spec):
            e = t.entries.get(oid)
            if e is None:
                e = t.entries[oid] = Entry(oid)  # a ref whose producer we have not heard of
            if e.state == PENDING:
                e.waiters.append(spec)
                spec.deps_pending += 1
        if spec.deps_pending == 0:
            self._on_ready(spec)

    @staticmethod

    @staticmethod
    def _deps(spec: TaskSpec) -> list[int]:
        deps = [oid for _, oid in spec.ref_args]
        if spec.payload[0] == "ref":
            deps.append(spec.payload[1])
        return deps

    def _on_ready(self, spec: TaskSpec) -> None:
        if spec.kind != "task":
            self._pump_actor(self.actors[spec.actor_id])
            return
        failed = self._failed_dep(spec)
        if failed is not None:
            self._finish(spec, ("e", failed), None)
            return
        node = spec.node if spec.node is not None else self._choose_node(spec)
        node = self._live_node(node)
        self.queues[node].append(spec)
        self._dispatch(node)

    def _failed_dep(self, spec: TaskSpec) -> tuple | None:
        for oid in self._deps(spec):
            e = self.table.entries.get(oid)
            if e is not None and e.state == FAILED:
                return e.error
        return None

    def _choose_node(self, spec: TaskSpec) -> int:
        if self.num_nodes == 1:
            return 0
        weight = [-1 if n in self.dead_nodes else 0 for n in range(self.num_nodes)]
        for oid in self._deps(spec):
            e = self.table.entries.get(oid)
            if e is None:
                continue
            nodes = [n for n, r in e.replicas.items() if r.ready] or [e.home]
            for n in nodes:
                if weight[n] >= 0:
                    weight[n] += e.size
        best = max(weight)
        if best > 0:
            return weight.index(best)
        load = [len(q) + r if n not in self.dead_nodes else float("inf")
                for n, (q, r) in enumerate(zip(self.queues, self.running))]
        low = min(load)
        start = next(self._rr)
        for k in range(self.num_nodes):
            n = (start + k) % self.num_nodes
            if load[n] == low:
                return n
        return 0

    def _dispatch(self, node: int) -> None:
        q = self.queues[node]
        while q:
            w = self._free_worker(node, self.task_seconds.get(q[0].fn_id, 0.0))
            if w is None:
                return
            spec = q.popleft()
            msg = self._task_message(spec, w)
            if msg is None:
                continue
            w.inflight[spec.tid] = spec
            self.running[node] += 1
            self._send(w, msg)

    def _free_worker(self, node: int, seconds: float = 0.0) -> WorkerProc | None:
        """An idle worker of ``node``, else a busy one that may queue a task expected to take
        ``seconds`` (see ``PIPELINE_AHEAD_S``), else a new worker if some are blocked."""
        active = 0
        best = None
        for w in self.pool[node]:
            if w.alive and not w.blocked:
                active += 1
                k = len(w.inflight)
                if k < PIPELINE and (k == 0 or k * seconds <= PIPELINE_AHEAD_S) and (
                        best is None or k < len(best.inflight)):
                    best = w
        if best is not None:
            return best
        if active < self.workers_per_node and not self.closing and node not in self.dead_nodes:
            # workers blocked in get() do not count: start another so work can go on
            return self._spawn(node)
        return None

    def _task_message(self, spec: TaskSpec, w: WorkerProc) -> tuple | None:
        node, t = w.node, self.table
        deps = self._deps(spec)
        lost = [oid for oid in deps if t.entries[oid].state == PENDING]
        if lost:  # made again (runtime.lineage) since the task was queued: wait for them
            for oid in lost:
                self._wait_for(spec, oid)
            return None
        for oid in deps:
            rep = t.entries[oid].replicas.get(node)
            if rep is not None and not rep.ready and rep.copier != spec.tid:
                self.replica_waiters[(oid, node)].append(spec)
                return None
        spec.pins, spec.copies = [], []
        protect = frozenset(deps)
        locs = [(pos, self._location(t.entries[oid], node, spec, w, protect))
                for pos, oid in spec.ref_args]
        payload = spec.payload
        if payload[0] == "ref":
            payload = self._location(t.entries[payload[1]], node, spec, w, protect)
        blob = None
        if spec.fn_id is not None and spec.fn_id not in w.fns:
            blob = self.fn_blobs[spec.fn_id]
            w.fns.add(spec.fn_id)
        return (spec.kind, spec.tid, spec.fn_id, blob, payload, locs, spec.return_ids,
                spec.name, spec.method)

    def _pin(self, e: Entry, where: int, spec: TaskSpec | None, holder: int) -> None:
        self.table.pin(e, where, holder)
        if spec is not None:
            spec.pins.append((e.id, where))

    def _location(self, e: Entry, node: int, spec: TaskSpec | None, w: WorkerProc,
                  protect: frozenset = frozenset()) -> tuple:
        """Where a worker on ``node`` reads ``e``; arranges a copy into ``node`` if needed."""
        t = self.table
        if e.state == FAILED:
            return ("e", e.id, e.error)
        if e.inline is not None:
            if node not in e.sent_to:
                e.sent_to.add(node)
                self._count_transfer(e.home, node, e.size)
            return ("i", e.id, *e.inline)
        rep = e.replicas.get(node)
        if rep is not None:
            self._pin(e, node, spec, w.uid)
            t.touch(e, node)
            return ("s", e.id, node, rep.offset, e.header_len, e.layout)
        src_node = next((n for n, r in sorted(e.replicas.items(), key=lambda x: x[0] != e.home)
                         if r.ready), DISK)
        if src_node == DISK:
            src = ("d", e.id, e.disk, e.header_len, e.layout)
        else:
            src = ("s", e.id, src_node, e.replicas[src_node].offset, e.header_len, e.layout)
        self._pin(e, src_node, spec, w.uid)
        off = t.alloc(node, e.alloc_size, protect) if spec is not None else None
        if spec is not None:
            spec.copies.append((e.id, src_node, node if off is not None else None))
        if off is None:  # no room even after spilling: read it where it is
            if spec is None:
                self._count_transfer(e.home if src_node == DISK else src_node, node, e.size)
            return src
        e.replicas[node] = Replica(off, False, spec.tid)
        self._pin(e, node, spec, w.uid)
        return ("c", e.id, src, node, off, e.alloc_size, e.header_len, e.layout)

    def _count_transfer(self, src: int, dst: int, nbytes: int) -> None:
        if src != dst:
            self.stores[src].bytes_sent += nbytes
            self.stores[dst].bytes_received += nbytes

    def _on_done(self, w: WorkerProc, tid: int, results: list, took: float = 0.0,
                 warned: list | None = None) -> None:
        """Task ``tid`` finished on ``w`` after ``took`` seconds (as the worker measured),
        having raised the ``warned`` warnings (raised again in the caller's next get)."""
        spec = w.inflight.pop(tid, None)
        if warned:
            self.task_warnings.append((None if spec is None else spec.epoch, warned))
        if spec is None:
            return
        writing = self.writing_in_place.get(w.uid) == tid  # it writes an argument in place
        if writing:
            del self.writing_in_place[w.uid]
        lost = self._lost_argument(results) if w.actor_id is None else None
        if w.node in self.dead_nodes or lost is not None:
            # its node was killed, or an argument's spill file was gone: not a result
            allocs = self.allocs.pop(w.uid, {})
            for res in results:
                if res[0] in "sd":
                    allocs.pop(res[1], None)
                    self._discard_result(res, w.node)
            for off in allocs:
                self.stores[w.node].allocator.free(off)
            self._undo_attempt(spec)
            self.running[w.node] -= 1
            if writing:  # the argument it wrote in place is gone: it cannot run again
                self._finish(spec, ("e", error_info(ObjectLostError(
                    f"task {spec.name} cannot run again: it wrote an argument in place, "
                    "and the result was lost"), spec.name)), w.node)
            elif lost is not None and self._disk_copy_lost(lost):
                self._wait_for(spec, lost)
            else:
                self._on_ready(spec)
            self._dispatch(w.node)
            return
        if w.actor_id is None and spec.fn_id is not None:
            last = self.task_seconds.get(spec.fn_id)
            self.task_seconds[spec.fn_id] = took if last is None else 0.5 * (last + took)
        st = self.stores[w.node]
        st.tasks_run += 1
        self.task_log.append((spec.name, w.node, w.pid, time.time(), took))
        if w.actor_id is None:
            self.running[w.node] -= 1
        t = self.table
        for oid, src_node, dst in spec.copies:
            e = t.entries.get(oid) or t.zombies.get(oid)
            src = e.home if src_node == DISK else src_node
            reader = w.node if dst is None else dst
            self._count_transfer(src, reader, e.size)
            if dst is not None:
                rep = e.replicas[dst]
                rep.ready, rep.copier = True, None
                if not e.freed:
                    t._resident(e, dst)
                    self._wake_parked(oid, dst)
        spec.copies = []
        allocs = self.allocs.pop(w.uid, {})
        for res in results:
            if res[0] == "s":
                allocs.pop(res[1], None)
        for off in allocs:  # output buffers the task did not return
            self.stores[w.node].allocator.free(off)
        self._finish(spec, results, w.node)
        if spec.kind == "actor_new" and results[0][0] == "e":
            self.actors[spec.actor_id].init_error = results[0][1]
        if w.actor_id is not None:
            actor = self.actors.get(w.actor_id)
            if actor is not None:
                self._pump_actor(actor)
        else:
            self._retire_extra(w)
            self._dispatch(w.node)

    def _wake_parked(self, oid: int, node: int) -> None:
        for spec in self.replica_waiters.pop((oid, node), ()):
            self.queues[node].appendleft(spec)
        self._dispatch(node)

    def _retire_extra(self, w: WorkerProc) -> None:
        active = [x for x in self.pool[w.node] if x.alive and not x.blocked]
        if len(active) > self.workers_per_node and not w.inflight and not w.blocked:
            self.pool[w.node].remove(w)
            w.retiring = True
            self._send(w, ("exit",))

    def _finish(self, spec: TaskSpec, results, node: int | None) -> None:
        """Record a task's results (a list, or one error for all) and release what it held."""
        if isinstance(results, tuple):
            results = [results] * len(spec.return_ids)
        node = spec.node if node is None and spec.node is not None else (node or 0)
        rebuilt = spec.rebuild_of
        if rebuilt is not None:
            rebuilt.rebuilding = False
        for oid, res in zip(spec.return_ids, results):
            if rebuilt is not None:
                e = self.table.entries.get(oid)
                if e is None or e.state != PENDING:  # this output still has its value
                    self._discard_result(res, node)
                    continue
            self._complete(oid, node, res, None)
        self.tasks.pop(spec.tid, None)
        for oid in self._deps(spec):
            self.table.decref(oid)
        for oid in spec.contained:
            self.table.decref(oid)

    def _complete(self, oid: int, node: int, result: tuple, w: WorkerProc | None) -> None:
        if w is not None and result[0] == "s":
            self.allocs[w.uid].pop(result[1], None)
        e = self.table.complete(oid, node, result)
        waiters, e.waiters = e.waiters, []
        for x in waiters:
            if isinstance(x, Request):
                x.pending -= 1
                if x.pending == 0:
                    if x.worker is None:  # a get() in the driver, maybe in select(): wake it
                        self.cond.notify_all()
                        if threading.current_thread() is self.thread:
                            self._wake()
                    else:
                        self._answer(x)
            else:
                x.deps_pending -= 1
                if x.deps_pending == 0:
                    self._on_ready(x)

    def _returned(self, w: WorkerProc, tids: list[int]) -> None:
        """A worker blocked in get() hands back the tasks queued behind it (not started)."""
        for tid in reversed(tids):
            spec = w.inflight.pop(tid, None)
            if spec is None:
                continue
            for oid, where in spec.pins:
                self.table.unpin(oid, where, w.uid)
            self._undo_attempt(spec)
            self.running[w.node] -= 1
            self.queues[w.node].appendleft(spec)
        self._dispatch(w.node)

    def _undo_attempt(self, spec: TaskSpec) -> None:
        t = self.table
        for oid, _, dst in spec.copies:
            e = t.entries.get(oid) or t.zombies.get(oid)
            if dst is None or e is None:
                continue
            rep = e.replicas.get(dst)
            if rep is not None and not rep.ready and rep.copier == spec.tid:
                t._drop_replica(e, dst)
                t.bury(e)
                for parked in self.replica_waiters.pop((oid, dst), ()):
                    self.queues[dst].appendleft(parked)
        spec.copies, spec.pins = [], []
