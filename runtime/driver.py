"""The driver: owns the object table, schedules tasks on workers, runs the I/O thread.

Data flow::

    user thread --submit/put/get--> [lock] Driver state <--messages-- I/O thread <-- workers
                                      |  dispatch: queues[node] -> free worker on that node
                                      +--> worker sockets (non-blocking, flushed by I/O thread)

Mutable state, all guarded by ``lock`` (``cond`` is its condition, notified on completions):

- ``table``: objects, replicas, pins, reference counts (see ``objects``).
- ``tasks``: submitted tasks not finished yet; a task is *waiting* (``deps_pending > 0``),
  *queued* (in ``queues[node]`` or an actor's ``queue``), *parked* (in ``replica_waiters``,
  for a copy of an argument that another task is making on its node) or *in flight* (in one
  worker's ``inflight``). It is in exactly one of these places.
- ``queues[node]``: ready tasks of pool workers in submission order; ``running[node]``: how
  many of the node's tasks are in flight (equals the sum of its pool workers' ``inflight``).
- ``task_seconds``: per function id, the recent run time of its tasks as workers measured
  it; decides whether a task may be sent ahead to a busy worker.
- ``replica_waiters``: per (object, node), the tasks parked until another task's copy of the
  object into that node's store is complete.
- ``fn_blobs``: pickled functions by id, kept while a task of theirs may still be sent.
- ``workers``: every live worker process by uid; ``pool[node]``: the node's pool workers (a
  pool worker runs one task at a time, plus those sent ahead); ``actors``: actors by id, each
  with its own worker.
- ``holds[uid]``: references a worker holds (object id to count): never freed before the
  worker lets go of them. ``allocs[uid]``: store regions being written by that worker
  (offset to object id), freed if the worker dies.
- ``dirty``/``want_write``: workers with queued outgoing messages, flushed by the I/O thread
  (``_send``); ``getters``: threads in ``get()`` that poll the sockets themselves.
- ``closing``: set by ``shutdown``; no new work is accepted after it.
- ``task_log``: the most recent finished tasks (``tasklog``), appended in ``_on_done``.
- ``task_warnings``: warnings that finished tasks reported (category and message), not yet
  raised again in a caller's thread; ``get`` and ``wait`` raise them (``reissue_warnings``)
  and empty it, in the order the tasks finished; with each, the ``epoch`` (reads so far) of
  its task's submission. ``warned``: what was raised per epoch, so that a later read does
  not raise again what tasks submitted before an earlier read raised.
- ``refq``/``unpinq``: reference-count changes and pin releases from ``ObjectRef.__del__`` and
  zero-copy finalizers, appended without the lock (they may run in any thread) and applied in
  order by ``_drain`` before any decision is taken under the lock.

Placement: a task's ``node`` option, else the node holding most of its argument bytes, else
the least loaded node. A task reading an object held elsewhere makes the worker copy it into
its node's store first (a replica); those bytes are the node's ``bytes_received`` and the
source's ``bytes_sent``.
"""

from __future__ import annotations

import itertools
import os
import selectors
import shutil
import socket
import threading
import time
from collections import defaultdict, deque

from . import ids, malloc, prefault, serialization, spill, tasklog
from .actors import Actor, ActorScheduling
from .errors import (
    ActorDiedError,
    GetTimeoutError,
    ObjectFreedError,
    ObjectLostError,
    ShutdownError,
    WorkerCrashedError,
    error_info,
    raise_error_info,
    reissue_warnings,
)
from .lineage import MAX_LINEAGE_DEPTH, Lineage
from .objects import FAILED, PENDING, READY, Entry, ObjectTable
from .processes import WorkerProc, blas_threads, spawn
from .protocol import DISK, TaskSpec
from .refs import ObjectRef
from .scheduling import Request, Scheduling
from .store import NodeStore

DRIVER = 0  # pin holder id of the driver itself
# a donation request (``_donation_request``) waits at most this long, and at most the time
# a copy of its object would take at COPY_BYTES_PER_S, for references to go; the I/O thread
# checks parked requests this often
DONATION_WAIT_S = 0.002
COPY_BYTES_PER_S = 4e9
PARKED_POLL_S = 0.0002
FAILING_DEATHS = 3  # worker deaths on a node within FAILING_WINDOW_S: retry elsewhere
FAILING_WINDOW_S = 10.0
BOOT_FAILURES_MAX = 4  # workers in a row dying before "ready": count attempts anyway
_uids = itertools.count(1)


class _UnreadableSpill(ObjectLostError):
    """Raised by ``_load`` for a spill file it cannot read; ``get_values`` makes the object
    again and reads it once more."""


class Driver(Scheduling, ActorScheduling, Lineage):
    """The runtime's state in the user's process; see the module docstring."""

    def __init__(self, num_nodes: int = 1, workers_per_node: int | None = None,
                 object_store_bytes: int | None = None, spill_dir: str | None = None,
                 worker_env: dict | None = None, max_lineage_depth: int = MAX_LINEAGE_DEPTH,
                 keep_puts: bool = False, prefault_bytes: int | None = None):
        malloc.tune()  # driver-resident arrays are computed here
        cores = os.cpu_count() or 1
        self.num_nodes = num_nodes
        self.workers_per_node = workers_per_node or max(1, cores // num_nodes)
        if object_store_bytes is None:
            total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
            object_store_bytes = int(total * 0.3) // num_nodes
        self.capacity = max(int(object_store_bytes), 1 << 20)
        # a private folder of this session (see spill): never shared with another session
        self.spill_dir = spill.new_session_dir(spill_dir)
        self._on_term = spill.TermHandler(self.spill_dir)
        self.stores = [NodeStore(i, self.capacity) for i in range(num_nodes)]
        self.prefault_bytes = (prefault.default_bytes(self.capacity, num_nodes)
                               if prefault_bytes is None
                               else max(0, min(int(prefault_bytes), self.capacity)))
        for st in self.stores:  # the driver writes puts into, and reads results from, all
            st.prefault(self.prefault_bytes)
        self.table = ObjectTable(self.stores, self.spill_dir)
        self.table.on_actor_unreferenced = self._actor_unreferenced
        self.table.on_freed = self._object_freed
        self.lineage: dict[int, TaskSpec] = {}
        self.lineage_refs: dict[int, int] = {}
        self.max_lineage_depth = max_lineage_depth
        self.dead_nodes: set[int] = set()
        self.rebuilds = 0  # tasks submitted again to make lost objects
        self.keep_puts = keep_puts
        self.kept_puts: dict[int, tuple] = {}
        self.lock = threading.Lock()
        self.cond = threading.Condition(self.lock)
        self.refq: deque = deque()
        self.unpinq: deque = deque()
        self.tasks: dict[int, TaskSpec] = {}
        self.queues: list[deque] = [deque() for _ in range(num_nodes)]
        self.running = [0] * num_nodes
        self.task_seconds: dict = {}  # function id -> recent run time of its tasks (pipelining)
        self.task_log: deque = tasklog.new_log()  # finished tasks, for dashboards
        self.task_warnings: deque = deque()  # reported by tasks, raised again in get/wait
        self.epoch = 0  # the caller's reads so far (get/wait): see TaskSpec.epoch
        self.warned: dict = {}  # (epoch, warning) already raised, of recent epochs
        self.replica_waiters: dict[tuple, list] = defaultdict(list)
        self.fn_blobs: dict[bytes, bytes] = {}
        self.workers: dict[int, WorkerProc] = {}
        self.pool: list[list[WorkerProc]] = [[] for _ in range(num_nodes)]
        self.actors: dict[int, Actor] = {}
        self.holds: dict[int, dict] = defaultdict(lambda: defaultdict(int))  # uid -> refs held
        self.allocs: dict[int, dict] = defaultdict(dict)  # uid -> {offset: oid} being written
        # uid -> the running task given an argument to write in place (_donate)
        self.writing_in_place: dict[int, int] = {}
        self.parked: list[tuple] = []  # donation requests waiting for references to go
        self.want_write: set[WorkerProc] = set()
        self.dirty: list[WorkerProc] = []  # workers with queued messages (see _send)
        self.getters = 0  # threads in get() polling the sockets themselves
        self.deaths: list[deque] = [deque() for _ in range(num_nodes)]  # recent crash times
        self.boot_failures = [0] * num_nodes  # workers that died before saying ready, in a row
        self._rr = itertools.count()
        self.closing = False
        self._blas = blas_threads(num_nodes * self.workers_per_node)
        self._worker_env = worker_env or {}
        self.selector = selectors.DefaultSelector()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self.selector.register(self._wake_r, selectors.EVENT_READ, None)
        with self.lock:
            for node in range(num_nodes):
                for _ in range(self.workers_per_node):
                    self._spawn(node, prefault=True)
        self.thread = threading.Thread(target=self._io_loop, name="runtime-io", daemon=True)
        self.thread.start()

    # ================================================================== processes
    def _spawn(self, node: int, actor_id: int | None = None,
               prefault: bool = False) -> WorkerProc:
        fds = [(st.fd, st.capacity) for st in self.stores]
        # only the session's first workers fault the store's first pages in: a replacement
        # of a crashed worker (or an actor's process) should take work at once (a worker
        # killed every 0.3 s made a task fail 11 times in a row while its successors were
        # still faulting pages in on a loaded machine)
        w = spawn(next(_uids), node, fds, actor_id, self._blas, self._worker_env,
                  self.prefault_bytes if prefault else 0)
        self.workers[w.uid] = w
        if actor_id is None:
            self.pool[node].append(w)
        self.selector.register(w.chan.sock, selectors.EVENT_READ, w)
        self._wake()
        return w

    def _wake(self) -> None:
        try:
            self._wake_w.send(b"x")
        except (BlockingIOError, OSError):
            pass

    def _send(self, w: WorkerProc, msg: tuple) -> None:
        """Queue a message; ``_flush`` sends each worker's queue as one write."""
        if not w.out:
            self.dirty.append(w)
        w.out.append(msg)

    def _flush(self) -> None:
        wake = False
        for w in self.dirty:
            msgs, w.out = w.out, []
            if not w.alive or not msgs:
                continue
            w.chan.send(msgs[0] if len(msgs) == 1 else ("batch", msgs))
            if w.chan.outbox:
                self.want_write.add(w)
                wake = True
        self.dirty.clear()
        if wake and threading.current_thread() is not self.thread:
            self._wake()

    # ================================================================== I/O thread
    def _io_loop(self) -> None:
        while not self.closing:
            with self.lock:
                # a thread blocked in get() polls for itself meanwhile (see _poll_until)
                while self.getters and not self.closing:
                    self.cond.wait()
            self._poll_once(PARKED_POLL_S if self.parked else 0.05)

    def _poll_once(self, timeout: float | None) -> None:
        """Wait for worker messages and handle them. Run by the I/O thread, and by a thread
        blocked in get() so that a reply does not need a hop through the I/O thread."""
        try:
            events = self.selector.select(timeout=timeout)
        except (OSError, ValueError, RuntimeError):
            return
        with self.lock:
            if self.closing:
                return
            self._drain()
            for key, mask in events:
                w = key.data
                if w is None:
                    try:
                        self._wake_r.recv(4096)
                    except (BlockingIOError, OSError):
                        pass
                    continue
                if mask & selectors.EVENT_WRITE and w.chan.flush():
                    self._watch(w, selectors.EVENT_READ)
                if mask & selectors.EVENT_READ and w.alive:
                    msgs = w.chan.read()
                    if msgs is None:
                        self._worker_died(w)
                        continue
                    for m in msgs:
                        self._handle(w, m)
            self._flush()
            for w in list(self.want_write):
                self.want_write.discard(w)
                if w.alive and not w.chan.flush():
                    self._watch(w, selectors.EVENT_READ | selectors.EVENT_WRITE)

    def _watch(self, w: WorkerProc, events: int) -> None:
        try:
            self.selector.modify(w.chan.sock, events, w)
        except (KeyError, ValueError):
            pass

    def _drain(self) -> None:
        q, t = self.refq, self.table
        while q:
            oid, delta = q.popleft()
            if delta > 0:
                t.incref(oid)
            else:
                t.decref(oid)
        u = self.unpinq
        while u:
            oid, where = u.popleft()
            t.unpin(oid, where, DRIVER)
        if self.parked:
            self._recheck_parked()

    def _handle(self, w: WorkerProc, batch: tuple) -> None:
        """Apply one write of a worker: its messages, between its reference changes."""
        msgs, (adds, dels, unpins) = batch
        held = self.holds[w.uid]
        for oid in adds:
            self.table.incref(oid)
            held[oid] += 1
        for kind, body in msgs:
            self._handle_one(w, kind, body)
        for oid in dels:
            self.table.decref(oid)
            held[oid] -= 1
            if not held[oid]:
                del held[oid]
        for oid, where in unpins:
            self.table.unpin(oid, where, w.uid)

    def _handle_one(self, w: WorkerProc, kind: str, body: tuple) -> None:
        if kind == "done":
            self._on_done(w, *body)
        elif kind == "alloc":
            req, oid, size = body
            off = self.table.alloc(w.node, size)
            if off is None:
                self._send(w, ("reply", req, self.table.spill_path(oid, size, w.node)))
            else:
                self.allocs[w.uid][off] = oid
                self._send(w, ("reply", req, ("s", off)))
        elif kind == "donate":
            self._donation_request(w, *body)
        elif kind == "submit":
            self._submit(body, initial_refs=0)
        elif kind == "put":
            oid, result = body
            self._complete(oid, w.node, result, w)
        elif kind == "get":
            self._worker_get(w, *body)
        elif kind == "poll":
            req, oids = body
            ready = [o for o in oids if o not in self.table.entries
                     or self.table.entries[o].state != PENDING]
            self._send(w, ("reply", req, ready))
        elif kind == "return":
            self._returned(w, body)
        elif kind == "ready":
            w.ready = True
            self.boot_failures[w.node] = 0
        # "cancel" needs nothing: a late reply's pins come back from the worker

    def _donate(self, w: WorkerProc, tid: int, oid: int, shared: bool) -> int | str | None:
        """Hand object ``oid`` over to task ``tid`` running on ``w``, to be written in place
        and sealed as its result (``WorkerClient.donated``): the allocated bytes of its
        region, or None (nothing changes) unless the task is the object's only holder. Its
        only references are the task's own arguments (once, or more with ``shared``), its
        copy in ``w``'s node's store is pinned by those arguments alone (no zero-copy value,
        no spill file), and its copies on other nodes (made for readers before) are read by
        no one and dropped. The object then has no copy: its region
        is one of the task's allocations, freed at "done" unless returned; the task is not
        run again if its worker dies (``_worker_died``). ``"wait"``: only one other reference
        stands in the way, which its holder may be about to drop (an array whose block is
        being replaced by this task's result)."""
        spec = w.inflight.get(tid)
        t = self.table
        e = t.entries.get(oid)
        if spec is None or e is None or spec.kind != "task":
            return None
        own = self._deps(spec).count(oid)
        if (e.state != READY or e.freed or e.inline is not None or e.disk is not None
                or e.contained or own == 0 or e.refs < own or (own > 1 and not shared)):
            return None
        rep = e.replicas.get(w.node)
        held = t.pins_by_holder.get(w.uid, {})
        if rep is None or not rep.ready or rep.pins != own or held.get((oid, w.node)) != own:
            return None
        if any(r.pins or not r.ready for r in e.replicas.values() if r is not rep):
            return None  # a copy on another node is being made or read
        if e.refs > own:
            # one other reference may be the caller's, about to go; more are other holders
            # (tasks that read it too, as a stencil's neighbours do): no use waiting
            return "wait" if e.refs == own + 1 else None
        for node in [n for n in e.replicas if n != w.node]:  # copies made for readers
            t._drop_replica(e, node)
        del e.replicas[w.node]
        e.consumed = True  # a rebuild that reads it makes it again (Lineage._rebuild)
        st = self.stores[w.node]
        st.lru.pop(oid, None)
        st.store_bytes -= e.size
        st.written_in_place += 1
        self.allocs[w.uid][rep.offset] = 0
        self.writing_in_place[w.uid] = tid
        return e.alloc_size

    def _donation_request(self, w: WorkerProc, req: int, tid: int, oid: int,
                          shared: bool) -> None:
        """Answer a worker's request for an argument to write in place (:meth:`_donate`). A
        request that only other references stand in the way of waits for them to go (the
        caller replacing its block drops its reference just after it submits the task), at
        most about the time a copy of the object would take, and is then refused."""
        self._drain()  # references the caller has just released
        answer = self._donate(w, tid, oid, shared)
        if answer == "wait":
            e = self.table.entries[oid]
            wait = min(DONATION_WAIT_S, e.size / COPY_BYTES_PER_S)
            self.parked.append((w, req, tid, oid, shared, time.monotonic() + wait))
            return
        self._send(w, ("reply", req, answer))

    def _recheck_parked(self) -> None:
        """Answer the parked donation requests that can be answered now (see
        :meth:`_donation_request`)."""
        now = time.monotonic()
        keep = []
        for item in self.parked:
            w, req, tid, oid, shared, deadline = item
            if not w.alive or tid not in w.inflight:
                continue
            answer = self._donate(w, tid, oid, shared)
            if answer == "wait" and now < deadline:
                keep.append(item)
                continue
            self._send(w, ("reply", req, None if answer == "wait" else answer))
        self.parked = keep

    # ================================================================== failures
    def _worker_died(self, w: WorkerProc) -> None:
        w.alive = False
        try:
            self.selector.unregister(w.chan.sock)
        except (KeyError, ValueError):
            pass
        w.chan.sock.close()
        try:
            code = w.proc.wait(timeout=2)
        except Exception:  # noqa: BLE001
            code = None
        self.workers.pop(w.uid, None)
        if w in self.pool[w.node]:
            self.pool[w.node].remove(w)
        t = self.table
        t.release_holder(w.uid)
        for off in self.allocs.pop(w.uid, {}):
            self.stores[w.node].allocator.free(off)
        for oid, n in self.holds.pop(w.uid, {}).items():
            t.decref(oid, n)
        how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        expected = w.retiring or self.closing
        actor = self.actors.get(w.actor_id) if w.actor_id is not None else None
        if actor is not None and actor.dead is None:
            actor.dead = error_info(ActorDiedError(
                f"the process of actor {actor.name} (pid {w.pid}) died ({how})"), actor.name)
        retry_node = w.node
        if not expected and w.actor_id is None:
            retry_node = self._note_crash(w)
        retry_node = self._live_node(retry_node)
        # A pool worker runs what it is sent in order: only the first task in flight had
        # started (the others were sent ahead), and none had if the worker never said ready.
        # Only a started attempt counts against max_retries, unless workers of this node
        # keep dying before they start (then every attempt counts, so retries end).
        ran = w.ready or self.boot_failures[w.node] >= BOOT_FAILURES_MAX
        requeue = []
        writing = self.writing_in_place.pop(w.uid, None)
        for spec in list(w.inflight.values()):
            self._undo_attempt(spec)
            if w.actor_id is None:
                self.running[w.node] -= 1
            if actor is not None:
                self._finish(spec, ("e", actor.dead), w.node)
                continue
            if spec.tid == writing:  # its argument was being written in place: not again
                self._finish(spec, ("e", error_info(WorkerCrashedError(
                    f"task {spec.name} failed: its worker process (pid {w.pid}) died ({how}) "
                    "while it wrote an argument in place, whose value is lost with it"),
                    spec.name)), w.node)
                continue
            if ran:
                spec.attempts += 1
                ran = False
            if spec.attempts > spec.max_retries:
                err = WorkerCrashedError(
                    f"task {spec.name} failed: its worker process (pid {w.pid}) died ({how}) "
                    f"on each of {spec.attempts} attempt(s) (max_retries={spec.max_retries})")
                self._finish(spec, ("e", error_info(err, spec.name)), w.node)
            else:
                requeue.append(spec)
        self.queues[retry_node].extendleft(reversed(requeue))
        w.inflight.clear()
        if actor is not None:
            self._pump_actor(actor)
        elif not expected and w.node not in self.dead_nodes:
            self._spawn(w.node)
        self._dispatch(w.node)
        if retry_node != w.node:
            self._dispatch(retry_node)

    def _note_crash(self, w: WorkerProc) -> int:
        """Record an unexpected death of a pool worker; the node its tasks retry on: another
        node when this one is failing (``FAILING_DEATHS`` deaths within ``FAILING_WINDOW_S``)."""
        now = time.monotonic()
        if not w.ready:
            self.boot_failures[w.node] += 1
        deaths = self.deaths[w.node]
        deaths.append(now)
        while deaths and deaths[0] < now - FAILING_WINDOW_S:
            deaths.popleft()
        if self.num_nodes == 1 or len(deaths) < FAILING_DEATHS:
            return w.node

        def recent(n: int) -> int:
            return sum(t >= now - FAILING_WINDOW_S for t in self.deaths[n])

        others = [n for n in range(self.num_nodes) if n != w.node]
        return min(others, key=lambda n: (recent(n), len(self.queues[n]) + self.running[n]))

    # ================================================================== worker requests
    def _worker_get(self, w: WorkerProc, req: int, oids: list[int]) -> None:
        r = Request(w, req, oids)
        for oid in oids:
            e = self.table.entries.get(oid)
            if e is not None and e.state == PENDING:
                e.waiters.append(r)
                r.pending += 1
        if r.pending == 0:
            self._answer(r)
        else:
            r.blocking = True
            w.blocked += 1
            self._dispatch(w.node)  # may start a stand-in worker

    def _answer(self, r: Request) -> None:
        w = r.worker
        if r.blocking:
            w.blocked -= 1
        if not w.alive:
            return
        locs = []
        for oid in r.oids:
            e = self.table.entries.get(oid)
            if e is None:
                locs.append(("e", oid, error_info(ObjectFreedError(
                    f"object {oid:#x} is unknown or was already freed"), "get")))
            else:
                locs.append(self._location(e, w.node, None, w))
        self._send(w, ("reply", r.req, locs))

    # ================================================================== context API
    def new_id(self) -> int:
        return ids.new_id()

    def incref(self, oid: int) -> None:
        self.refq.append((oid, 1))

    def decref(self, oid: int) -> None:
        self.refq.append((oid, -1))
        if self.parked:  # a donation may wait for this reference to go
            self._wake()

    def submit(self, spec: TaskSpec) -> list[ObjectRef]:
        spec.epoch = self.epoch
        with self.lock:
            self._drain()
            self._submit(spec, initial_refs=1)
            self._flush()
        return [ObjectRef(oid, counted=True) for oid in spec.return_ids]

    def put(self, value: object, node: int | None = None) -> ObjectRef:
        node = self._live_node(0 if node is None else node)
        ser = serialization.serialize(value, "the value given to put")
        oid = ids.new_id()
        if ser.size < serialization.INLINE_MAX:
            result = ("i", *ser.inline(), ser.size, ser.contained)
            with self.lock:
                self._drain()
                self.table.incref(oid)
                self._complete(oid, node, result, None)
                self._flush()
            return ObjectRef(oid, counted=True)
        size = ser.region_size()
        with self.lock:
            self._drain()
            off = self.table.alloc(node, size)
            if off is None:
                where = self.table.spill_path(oid, size, node)
                if where[0] == "e":
                    raise MemoryError(where[1])
            else:
                self.allocs[DRIVER][off] = oid
            self.table.incref(oid)
            if self.keep_puts:  # a private copy: the caller may change its value later
                self.kept_puts[oid] = ser.inline()
        if off is not None:
            lay = serialization.write_region(memoryview(self.stores[node].mm), off, ser)
            result = ("s", off, len(ser.header), lay, ser.size, size, ser.contained)
        else:
            path = where[1]
            lay = serialization.write_file(path, ser)
            result = ("d", path, len(ser.header), lay, ser.size, ser.contained)
        with self.lock:
            self.allocs[DRIVER].pop(off, None)
            self._complete(oid, node, result, None)
            self._flush()
        return ObjectRef(oid, counted=True)

    def _ready_entries(self, oids: list[int], timeout: float | None) -> list[Entry]:
        """The entries of ``oids`` once none is PENDING (caller holds the lock)."""
        self._drain()
        entries = [self.table.entry(oid) for oid in oids]
        r = Request(None, 0, oids)
        for e in entries:
            if e.state == PENDING:
                e.waiters.append(r)
                r.pending += 1
        if r.pending and not self._poll_until(r, timeout):
            for e in entries:
                if r in e.waiters:
                    e.waiters.remove(r)
            n = sum(e.state == PENDING for e in entries)
            raise GetTimeoutError(f"get timed out after {timeout} s: {n} of "
                                  f"{len(entries)} object(s) not ready")
        self._drain()
        return entries

    def _poll_until(self, r: Request, timeout: float | None) -> bool:
        """With the lock held on entry and exit: handle worker messages in this thread until
        ``r`` is answered; False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        self.getters += 1
        self._wake()  # the I/O thread leaves its select() and stands down
        try:
            while r.pending > 0:
                if self.closing:
                    n = len(r.oids)
                    raise ShutdownError(f"the runtime was shut down while this thread waited "
                                        f"for {n} object(s)")
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self.lock.release()
                try:
                    self._poll_once(0.005 if left is None else min(left, 0.005))
                finally:
                    self.lock.acquire()
            return True
        finally:
            self.getters -= 1
            if not self.getters:
                self.cond.notify_all()

    def get_values(self, oids: list[int], timeout: float | None) -> list:
        while True:
            try:
                return self._get_values(oids, timeout)
            except _UnreadableSpill as lost:
                with self.lock:  # a spill file is gone: wait for the object to be made again
                    self._drain()
                    if lost.oid not in self.table.entries:
                        raise ObjectLostError(str(lost), lost.oid) from None
                    self._disk_copy_lost(lost.oid)

    def _get_values(self, oids: list[int], timeout: float | None) -> list:
        with self.lock:
            entries = self._ready_entries(oids, timeout)
            locs = []
            for e in entries:
                if e.state == FAILED:
                    locs.append(("e", e.id, e.error))
                elif e.inline is not None:
                    locs.append(("i", e.id, *e.inline))
                else:
                    home = e.replicas.get(e.home)  # its home copy first, else any
                    node = e.home if home is not None and home.ready else next(
                        (n for n, r in e.replicas.items() if r.ready), DISK)
                    self.table.pin(e, node, DRIVER)
                    if node == DISK:
                        locs.append(("d", e.id, e.disk, e.header_len, e.layout))
                    else:
                        self.table.touch(e, node)
                        locs.append(("s", e.id, node, e.replicas[node].offset, e.header_len,
                                     e.layout))
        self._reissue_warnings()
        values = []
        try:
            for loc in locs:
                values.append(self._load(loc))
        finally:
            for loc in locs[len(values) + 1:]:  # not loaded because of an error: unpin
                if loc[0] in "sd":
                    self.unpinq.append((loc[1], loc[2] if loc[0] == "s" else DISK))
        return values

    def _load(self, loc: tuple) -> object:
        kind, oid = loc[0], loc[1]
        if kind == "e":
            raise_error_info(loc[2])
        if kind == "i":
            return serialization.loads_inline(loc[2], loc[3])
        if kind == "d":
            try:
                return serialization.loads_file(loc[2], loc[3], loc[4])
            except OSError as exc:
                raise _UnreadableSpill(f"the spill file of object {oid:#x} could not be read "
                                       f"({exc})", oid) from None
            finally:
                self.unpinq.append((oid, DISK))
        _, _, node, off, hl, layout = loc
        q = self.unpinq
        return serialization.loads_region(self.stores[node].mm, off, hl, layout,
                                          lambda: q.append((oid, node)))

    def _reissue_warnings(self) -> None:
        """Raise the tasks' warnings in this (the caller's) thread, outside the lock. A
        warning that tasks submitted between the same two reads raised already is not
        raised again: the blocks of one operation warn of the same thing, as NumPy's one
        call does once, and those that finish after a read (blocks it did not need) must
        not warn again at a later, unrelated read."""
        self.epoch += 1  # tasks submitted from now on belong to the next read
        reported = []
        warned = self.warned
        while self.task_warnings:
            epoch, found = self.task_warnings.popleft()
            for w in found:
                if epoch is not None:
                    if (epoch, w) in warned:
                        continue
                    warned[(epoch, w)] = None
                reported.append(w)
        if len(warned) > 4096:  # forget the oldest epochs' (a bound, not a rule)
            for key in list(warned)[:2048]:
                del warned[key]
        if reported:
            reissue_warnings(reported)

    def wait(self, oids: list[int], num_returns: int, timeout: float | None) -> list[int]:
        try:
            return self._wait(oids, num_returns, timeout)
        finally:
            self._reissue_warnings()

    def _wait(self, oids: list[int], num_returns: int, timeout: float | None) -> list[int]:
        with self.lock:
            self._drain()
            entries = [self.table.entry(o) for o in oids]
            r = Request(None, 0, oids)
            r.pending = num_returns - sum(e.state != PENDING for e in entries)
            if r.pending > 0:
                pending = [e for e in entries if e.state == PENDING]
                for e in pending:
                    e.waiters.append(r)
                self._poll_until(r, timeout)
                for e in pending:
                    if r in e.waiters:
                        e.waiters.remove(r)
            return [o for o, e in zip(oids, entries) if e.state != PENDING]

    def nodes(self) -> list[dict]:
        with self.lock:
            return [{"node": n, "workers": sum(w.alive for w in self.pool[n]),
                     "worker_pids": [w.pid for w in self.pool[n] if w.alive],
                     "actors": sum(a.node == n and a.dead is None for a in self.actors.values()),
                     "store_capacity": self.capacity, "spill_dir": self.spill_dir,
                     "alive": n not in self.dead_nodes,
                     "spill_free_bytes": max(0, self.table.disk_free())}
                    for n in range(self.num_nodes)]

    def metrics(self) -> list[dict]:
        with self.lock:
            self._drain()
            return [st.metrics() for st in self.stores]

    def store_range(self, node: int) -> tuple[int, int]:
        """Address range of a node's store in this process (tests check zero-copy with it)."""
        import ctypes
        st = self.stores[node]
        base = ctypes.addressof(ctypes.c_char.from_buffer(st.mm))
        return base, base + st.capacity

    def child_pids(self) -> list[int]:
        with self.lock:
            return [w.pid for w in self.workers.values()]

    def shutdown(self) -> None:
        with self.lock:
            if self.closing:
                return
            self.closing = True
            workers = list(self.workers.values())
            for w in workers:
                w.out.clear()
                w.chan.send(("exit",))
            self.cond.notify_all()
        self._wake()
        self.thread.join(timeout=5)
        deadline = time.monotonic() + 2
        for w in workers:
            try:
                w.proc.wait(timeout=max(0.01, deadline - time.monotonic()))
            except Exception:  # noqa: BLE001 - a worker that does not stop is killed
                w.proc.kill()
                w.proc.wait()
            w.chan.sock.close()
        self.selector.close()
        self._wake_r.close()
        self._wake_w.close()
        for st in self.stores:
            st.close()
        shutil.rmtree(self.spill_dir, ignore_errors=True)
        self._on_term.uninstall()
