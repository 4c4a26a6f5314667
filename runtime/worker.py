"""A worker process: runs tasks (or one actor) for the driver; started as ``python -m``.

Loop: receive a message, run it, send the result. Arguments are read zero-copy from the node
stores (all nodes' segments are mapped; a copy into this node's store is done here when the
driver asks for one). Results larger than ``INLINE_MAX`` are written into the store at an
offset the driver allocates. Reference-count changes and pin releases ride along with every
message sent (``_piggyback``), addrefs first, so the driver never frees what a worker holds.
"""

from __future__ import annotations

import ctypes
import faulthandler
import json
import os
import pickle
import select
import signal
import socket
import sys
import time
import warnings
from collections import Counter, deque

import numpy as np

from . import context, ids, malloc, serialization
from .channel import BlockingChannel
from .errors import (
    GetTimeoutError,
    NotInitializedError,
    ObjectLostError,
    describe_warnings,
    error_info,
    raise_error_info,
)
from .prefault import Prefaulter
from .protocol import DISK, TaskSpec
from .refs import ObjectRef

OUT_RESERVE = 4096  # bytes kept before an output buffer for its object's pickle header
# A finished task is reported with the next batch of messages (one write for many trivial
# tasks), except after a task this long: its dependents and the driver's dispatch should not
# wait for the tasks queued behind it.
REPORT_NOW_S = 0.001



def _lost(oid: int, exc: OSError) -> ObjectLostError:
    """A spill file that cannot be read: the driver makes the object again and runs the task
    once more (see runtime.lineage)."""
    return ObjectLostError(f"the spill file of object {oid:#x} could not be read ({exc})", oid)

class WorkerClient:
    """The context inside a worker: runs tasks and forwards API calls to the driver."""

    is_worker = True  # (runtime.in_worker)

    def __init__(self, chan: BlockingChannel, uid: int, node: int, segments: list):
        self.chan = chan
        self.uid = uid
        self.node = node
        self.segments = segments  # mmaps of every node's store, by node index
        self.num_nodes = len(segments)
        self.fns: dict[bytes, object] = {}
        self.fn_blobs: dict[bytes, bytes] = {}
        self.sent_fns: set[bytes] = set()
        self.local_refs: Counter = Counter()
        self.addrefs: list[int] = []
        self.delrefs: list[int] = []
        self.unpins: deque = deque()  # appended by finalizers, possibly at any time
        self.inbox: deque = deque()
        self.replies: dict[int, object] = {}
        self.cancelled: set[int] = set()
        self.actor = None
        self.init_error: tuple | None = None
        self.outq: list = []
        # output buffers handed out during the current task: data address -> (offset,
        # allocated bytes, buffer bytes, the buffer's offset in its region); the driver
        # frees those not returned at "done"
        self.out_buffers: dict[int, tuple[int, int, int, int]] = {}
        # the current task's arguments read from this node's store, by the address of
        # their one buffer: (object id, region offset, buffer offset in it, buffer bytes)
        self.task_args: dict[int, tuple[int, int, int, int]] = {}
        self.task_id: int | None = None
        self.returning = False  # in a blocking get: hand queued tasks back to the driver

    # ------------------------------------------------------------------ messaging
    def _piggyback(self) -> tuple:
        unpins = []
        while self.unpins:
            unpins.append(self.unpins.popleft())
        add, dele = self.addrefs, self.delrefs
        self.addrefs, self.delrefs = [], []
        return (add, dele, unpins)

    def send(self, kind: str, body: object, flush: bool = False) -> None:
        """Queue a message; all queued ones go in one write at the next ``flush``."""
        self.outq.append((kind, body))
        if flush:
            self.flush()

    def flush(self) -> None:
        if self.outq or self.unpins or self.delrefs:
            msgs, self.outq = self.outq, []
            self.chan.send((msgs, self._piggyback()))

    def _readable(self) -> bool:
        return bool(select.select([self.chan.sock], [], [], 0)[0])

    def _receive_one(self, timeout: float | None = None) -> bool:
        """Read one message into the inbox or the replies; False on timeout."""
        if timeout is not None and not select.select([self.chan.sock], [], [], timeout)[0]:
            return False
        msg = self.chan.recv()
        for m in (msg[1] if msg[0] == "batch" else (msg,)):
            if m[0] in ("task", "actor_new") and m[3] is not None:
                self.fn_blobs[m[2]] = m[3]  # kept even if the task is handed back
            if m[0] == "reply":
                req = m[1]
                if req in self.cancelled:  # a get that timed out: give the pins straight back
                    self.cancelled.discard(req)
                    self._release_locations(m[2])
                else:
                    self.replies[req] = m[2]
            elif self.returning and m[0] == "task":
                self.send("return", [m[1]], flush=True)
            else:
                self.inbox.append(m)
        return True

    def next_message(self) -> tuple:
        while not self.inbox:
            self._receive_one()
        return self.inbox.popleft()

    def request(self, kind: str, body: tuple, timeout: float | None = None) -> object:
        req = ids.new_id()
        self.send(kind, (req, *body))
        blocking = kind == "get" and self.actor is None
        if blocking:
            # tasks queued behind this one might be what it waits for: give them back
            queued = [m[1] for m in self.inbox if m[0] == "task"]
            if queued:
                self.inbox = deque(m for m in self.inbox if m[0] != "task")
                self.send("return", queued)
            self.returning = True
        self.flush()
        try:
            return self._await(req, timeout)
        finally:
            if blocking:
                self.returning = False

    def _await(self, req: int, timeout: float | None) -> object:
        deadline = None if timeout is None else time.monotonic() + timeout
        while req not in self.replies:
            if deadline is None:
                self._receive_one()
                continue
            left = deadline - time.monotonic()
            if left <= 0 or not self._receive_one(left):
                if req in self.replies:
                    break
                self.cancelled.add(req)
                self.send("cancel", req, flush=True)
                raise GetTimeoutError(f"get timed out after {timeout} s")
        return self.replies.pop(req)

    # ------------------------------------------------------------------ values
    def _release(self, oid: int, where: int) -> None:
        self.unpins.append((oid, where))

    def _release_locations(self, locs: list) -> None:
        for loc in locs:
            if loc[0] == "s":
                self._release(loc[1], loc[2])
            elif loc[0] == "d":
                self._release(loc[1], DISK)

    def load(self, loc: tuple) -> object:
        """The value at a location (see ``protocol``); zero-copy for store regions."""
        kind, oid = loc[0], loc[1]
        if kind == "i":
            return serialization.loads_inline(loc[2], loc[3])
        if kind == "s":
            _, _, node, off, hl, layout = loc
            return serialization.loads_region(self.segments[node], off, hl, layout,
                                              lambda: self._release(oid, node))
        if kind == "d":
            _, _, path, hl, layout = loc
            try:
                return serialization.loads_file(path, hl, layout)
            except OSError as exc:
                raise _lost(oid, exc) from None
            finally:
                self._release(oid, DISK)
        if kind == "c":
            _, _, src, node, off, size, hl, layout = loc
            dst = np.frombuffer(self.segments[node], np.uint8, count=size, offset=off)
            if src[0] == "s":
                _, _, snode, soff, _, _ = src
                np.copyto(dst, np.frombuffer(self.segments[snode], np.uint8, count=size,
                                             offset=soff))
                self._release(oid, snode)
            else:
                try:
                    if src[2] is None:  # no copy left (see serialization.loads_file)
                        raise FileNotFoundError("the object has no copy left")
                    with open(src[2], "rb") as f:
                        if f.readinto(memoryview(self.segments[node])[off:off + size]) != size:
                            raise OSError("the file is shorter than the object")
                except OSError as exc:
                    raise _lost(oid, exc) from None
                finally:
                    self._release(oid, DISK)
            del dst
            return self.load(("s", oid, node, off, hl, layout))
        if kind == "e":
            raise_error_info(loc[2])
        raise ValueError(f"bad location kind {kind!r}")

    def output_buffer(self, shape: tuple, dtype: object) -> np.ndarray:
        """A writable array allocated in this node's store (see ``runtime.output_buffer``)."""
        dtype = np.dtype(dtype)
        count = int(np.prod(shape, dtype=np.int64))
        nbytes = count * dtype.itemsize
        if nbytes < serialization.INLINE_MAX or dtype.hasobject:
            return np.empty(shape, dtype)
        where = self.request("alloc", (0, OUT_RESERVE + nbytes))
        if where[0] != "s":  # the store is full even after spilling: private memory
            return np.empty(shape, dtype)
        off = where[1]
        arr = np.frombuffer(self.segments[self.node], dtype, count=count,
                            offset=off + OUT_RESERVE).reshape(shape)
        self.out_buffers[arr.ctypes.data] = (off, OUT_RESERVE + nbytes, nbytes, OUT_RESERVE)
        return arr

    def donated(self, arr: np.ndarray, shared: bool = False) -> np.ndarray | None:
        """``arr`` (an argument of the running task, read-only) as a writable array over the
        same memory, when the driver hands its object over: the task is its only holder
        (no other task, array or zero-copy value reads it), so the task may write it in
        place and return it as its result, without a copy. None otherwise. ``shared``: the
        task may take the object as several of its arguments (it reads them all before it
        writes)."""
        if not isinstance(arr, np.ndarray) or not arr.flags.c_contiguous or not arr.size:
            return None
        info = self.task_args.get(arr.ctypes.data)
        if info is None or info[3] != arr.nbytes or self.task_id is None:
            return None
        oid, off, rel, nbytes = info
        answer = self.request("donate", (self.task_id, oid, shared))
        if answer is None:
            return None
        del self.task_args[arr.ctypes.data]
        out = np.ndarray(arr.shape, arr.dtype, buffer=self.segments[self.node],
                         offset=off + rel)
        self.out_buffers[out.ctypes.data] = (off, answer, nbytes, rel)
        return out

    def _note_argument(self, loc: tuple, value: object) -> None:
        """Remember an argument read in place from this node's store as one array (a
        candidate for :meth:`donated`)."""
        if loc[0] == "c":  # copied into this node first: read where it was copied
            loc = ("s", loc[1], loc[3], loc[4], loc[6], loc[7])
        if (loc[0] != "s" or loc[2] != self.node or len(loc[5]) != 1
                or not isinstance(value, np.ndarray)):
            return
        rel, nbytes = loc[5][0]
        if value.nbytes == nbytes and value.flags.c_contiguous:
            self.task_args[value.ctypes.data] = (loc[1], loc[3], rel, nbytes)

    def _sealed(self, ser: serialization.Serialized) -> tuple | None:
        """The result as an output buffer of this task, sealed in place (no copy)."""
        if not self.out_buffers or len(ser.buffers) != 1:
            return None
        buf = ser.buffers[0]
        if not buf.nbytes:
            return None
        hit = self.out_buffers.get(np.frombuffer(buf, np.uint8).ctypes.data)
        if hit is None or hit[2] != buf.nbytes or len(ser.header) > hit[3]:
            return None
        off, size, nbytes, rel = hit
        del self.out_buffers[np.frombuffer(buf, np.uint8).ctypes.data]
        memoryview(self.segments[self.node])[off:off + len(ser.header)] = ser.header
        return ("s", off, len(ser.header), ((rel, nbytes),), ser.size, size, ser.contained)

    def store_result(self, value: object, oid: int) -> tuple:
        """Serialize a value produced here; large ones go into this node's store."""
        ser = serialization.serialize(value, "the task's return value")
        sealed = self._sealed(ser)
        if sealed is not None:
            return sealed
        if ser.size < serialization.INLINE_MAX:
            return ("i", *ser.inline(), ser.size, ser.contained)
        size = ser.region_size()
        where = self.request("alloc", (oid, size))
        if where[0] == "s":
            serialization.write_region(memoryview(self.segments[self.node]), where[1], ser)
            return ("s", where[1], len(ser.header), ser.layout(), ser.size, size, ser.contained)
        if where[0] == "e":  # no room in the store nor in the spill folder's disk
            raise MemoryError(where[1])
        lay = serialization.write_file(where[1], ser)
        return ("d", where[1], len(ser.header), lay, ser.size, ser.contained)

    # ------------------------------------------------------------------ running
    def run(self, msg: tuple) -> None:
        started = time.perf_counter()
        warned: list = []
        kind, tid, fn_id, fn_blob, payload, ref_locs, return_ids, name = msg[:8]
        if kind == "call" and self.init_error is not None:
            # calls are sent before the constructor's result is known: they share its error
            self.send("done", (tid, [("e", self.init_error)] * len(return_ids)))
            return
        try:
            if fn_id is not None and fn_id not in self.fns:
                self.fns[fn_id] = pickle.loads(self.fn_blobs.pop(fn_id))
            args, kwargs = self.load(payload)
            self.task_id = tid
            for pos, loc in ref_locs:
                value = self.load(loc)
                self._note_argument(loc, value)
                if isinstance(pos, int):
                    args[pos] = value
                else:
                    kwargs[pos] = value
            if kind == "task":
                fn = self.fns[fn_id]
            elif kind == "actor_new":
                fn = self.fns[fn_id]
            else:
                fn = getattr(self.actor, msg[8])
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")  # the caller's filters decide, not ours
                warned = caught  # kept if fn raises
                value = fn(*args, **kwargs)
            del args, kwargs
            if kind == "actor_new":
                self.actor, value = value, None
            if len(return_ids) == 1:
                values = [value]
            else:
                values = list(value)
                if len(values) != len(return_ids):
                    raise ValueError(f"task {name} returned {len(values)} values, "
                                     f"expected num_returns={len(return_ids)}")
            results = [self.store_result(v, oid) for v, oid in zip(values, return_ids)]
            del value, values
        except BaseException as exc:  # noqa: BLE001 - every failure is reported to the caller
            info = error_info(exc, name)
            results = [("e", info)] * len(return_ids)
            if kind == "actor_new":
                self.init_error = info
            del exc
        self.out_buffers.clear()
        self.task_args.clear()
        self.task_id = None
        took = time.perf_counter() - started
        warned = describe_warnings(warned)
        body = (tid, results, took, warned) if warned else (tid, results, took)
        self.send("done", body, flush=took > REPORT_NOW_S)

    # ------------------------------------------------------------------ the context API
    def new_id(self) -> int:
        return ids.new_id()

    def incref(self, oid: int) -> None:
        self.local_refs[oid] += 1
        if self.local_refs[oid] == 1:
            self.addrefs.append(oid)

    def decref(self, oid: int) -> None:
        self.local_refs[oid] -= 1
        if self.local_refs[oid] <= 0:
            del self.local_refs[oid]
            self.delrefs.append(oid)

    def submit(self, spec: TaskSpec) -> list[ObjectRef]:
        if spec.fn_id is not None and spec.fn_id in self.sent_fns:
            spec.fn_blob = None
        elif spec.fn_id is not None:
            self.sent_fns.add(spec.fn_id)
        refs = [ObjectRef(oid) for oid in spec.return_ids]
        self.send("submit", spec)
        return refs

    def put(self, value: object, node: int | None = None) -> ObjectRef:
        oid = ids.new_id()
        ref = ObjectRef(oid)
        result = self.store_result(value, oid)
        self.send("put", (oid, result))
        return ref

    def get_values(self, oids: list[int], timeout: float | None) -> list:
        locs = self.request("get", (list(oids),), timeout)
        return [self.load(loc) for loc in locs]

    def wait(self, oids: list[int], num_returns: int, timeout: float | None) -> list[int]:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            ready = self.request("poll", (list(oids),))
            if len(ready) >= num_returns or (deadline is not None
                                             and time.monotonic() >= deadline):
                return ready
            time.sleep(0.001)

    def create_actor(self, spec: TaskSpec) -> None:
        raise NotImplementedError("actors can only be created by the driver")


def _die_with_parent() -> None:
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: go when the driver goes
    except OSError:
        pass


def main() -> None:
    cfg = json.loads(sys.argv[1])
    faulthandler.enable()
    faulthandler.register(signal.SIGUSR1)  # `kill -USR1 <pid>` prints where a worker is
    _die_with_parent()
    malloc.tune()
    if os.getppid() != cfg["driver_pid"]:
        sys.exit(0)  # the driver is already gone
    sys.path[:0] = [p for p in cfg["sys_path"] if p not in sys.path]
    ids.set_prefix(cfg["uid"])
    sock = socket.socket(fileno=cfg["sock_fd"])
    segments = [serialization.map_fd(fd, cap) for fd, cap in cfg["stores"]]
    # outputs are written into this node's store: fault its first pages in ahead of them
    Prefaulter(segments[cfg["node"]], cfg.get("prefault", 0))
    client = WorkerClient(BlockingChannel(sock), cfg["uid"], cfg["node"], segments)
    context.current = client
    client.send("ready", os.getpid(), flush=True)
    try:
        while True:
            if not client.inbox and client.outq and not client._readable():
                client.flush()  # nothing else to run now: report what is done
            msg = client.next_message()
            if msg[0] == "exit":
                client.flush()
                break
            client.run(msg)
    except (EOFError, ConnectionError):
        pass
    except NotInitializedError:
        pass
    finally:
        context.current = None
        sys.stdout.flush()
        os._exit(0)


if __name__ == "__main__":
    main()
