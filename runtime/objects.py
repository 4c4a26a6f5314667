"""The driver's object table: states, replicas on nodes, pins, reference counts, spilling.

All methods run with the driver's lock held. Terms:

- An object is PENDING until the task (or put) producing it completes, then READY or FAILED.
- Its value lives in one of three forms: *inline* bytes kept by the driver (small objects),
  *replicas* in node stores (the first one on its ``home`` node; copies made for tasks on other
  nodes), or a *disk* file after spilling.
- ``refs`` counts every holder: ObjectRefs in the driver, workers holding refs, tasks that take
  the object as argument, and objects that contain a ref to it. At zero the object is freed.
- ``pins`` of a replica (or of the disk file) count readers that may still use the memory: a
  task's argument, a copy's source, or a live zero-copy value. Pinned memory is neither spilled
  nor reused; an object freed while pinned releases its memory when the last pin goes.
"""

from __future__ import annotations

import os
from collections import Counter

from .errors import ObjectFreedError
from .protocol import DISK
from .spill import create_private
from .store import NodeStore

PENDING, READY, FAILED = 0, 1, 2


class Replica:
    __slots__ = ("offset", "pins", "ready", "copier")

    def __init__(self, offset: int, ready: bool, copier: int | None = None):
        self.offset = offset
        self.pins = 0
        self.ready = ready
        self.copier = copier  # id of the task whose worker is copying it in, while not ready


class Entry:
    __slots__ = ("id", "state", "size", "alloc_size", "header_len", "layout", "inline", "error",
                 "home", "replicas", "disk", "disk_pins", "refs", "contained", "waiters",
                 "sent_to", "freed", "consumed")

    def __init__(self, oid: int):
        self.id = oid
        self.state = PENDING
        self.size = 0
        self.alloc_size = 0
        self.header_len = 0
        self.layout: tuple = ()
        self.inline: tuple | None = None
        self.error: tuple | None = None
        self.home = 0
        self.replicas: dict[int, Replica] = {}
        self.disk: str | None = None
        self.disk_pins = 0
        self.refs = 0
        self.contained: tuple = ()
        self.waiters: list = []
        self.sent_to: set[int] = set()  # nodes an inline object was shipped to (counted once)
        self.freed = False
        self.consumed = False  # its one copy was handed to a task to write in place


SPILL_RESERVE_BYTES = 1 << 30  # free disk that spilling never takes


class ObjectTable:
    """Objects by id, with the node stores that hold them."""

    def __init__(self, stores: list[NodeStore], spill_dir: str):
        self.stores = stores
        self.spill_dir = spill_dir
        self.entries: dict[int, Entry] = {}
        self.pins_by_holder: dict[int, Counter] = {}  # holder -> Counter[(oid, where)]
        self.zombies: dict[int, Entry] = {}  # freed objects whose memory is still pinned
        # actor handles are counted like objects; the driver ends an actor at zero
        self.actor_refs: Counter = Counter()
        self.on_actor_unreferenced = None
        self.on_freed = None  # called with an object's id when it is freed (lineage)

    # ----------------------------------------------------------------- references
    def entry(self, oid: int) -> Entry:
        e = self.entries.get(oid)
        if e is None:
            raise ObjectFreedError(f"object {oid:#x} is unknown or was already freed")
        return e

    def incref(self, oid: int, n: int = 1) -> None:
        if oid in self.actor_refs:
            self.actor_refs[oid] += n
            return
        e = self.entries.get(oid)
        if e is None:  # a worker's ref to an object whose creation message is still to come
            e = self.entries[oid] = Entry(oid)
        e.refs += n

    def decref(self, oid: int, n: int = 1) -> None:
        if oid in self.actor_refs:
            self.actor_refs[oid] -= n
            if self.actor_refs[oid] <= 0:
                del self.actor_refs[oid]
                self.on_actor_unreferenced(oid)
            return
        e = self.entries.get(oid)
        if e is None:
            return
        e.refs -= n
        if e.refs <= 0 and e.state != PENDING:
            self._free(e)

    def _free(self, e: Entry) -> None:
        if e.freed:
            return
        e.freed = True
        self.entries.pop(e.id, None)
        for node, rep in list(e.replicas.items()):
            if rep.pins == 0 and rep.ready:
                self._drop_replica(e, node)
        if e.disk is not None and e.disk_pins == 0:
            self._drop_disk(e)
        if e.replicas or e.disk is not None:
            self.zombies[e.id] = e
        e.inline = None
        for cid in e.contained:
            self.decref(cid)
        e.contained = ()
        if self.on_freed is not None:
            self.on_freed(e.id)

    # ----------------------------------------------------------------- completion
    def complete(self, oid: int, node: int, result: tuple) -> Entry:
        """Record the value of a PENDING object produced on ``node``.

        ``result`` is ("i", header, buffers, size, contained), ("s", offset, header_len,
        layout, size, alloc_size, contained), ("d", path, header_len, layout, size, contained)
        or ("e", error_info).
        """
        e = self.entries.get(oid)
        if e is None:
            e = self.entries[oid] = Entry(oid)
        e.home = node
        kind = result[0]
        if kind == "e":
            e.state, e.error = FAILED, result[1]
        else:
            e.state = READY
            if kind == "i":
                _, header, bufs, e.size, contained = result
                e.inline = (header, bufs)
                e.sent_to.add(node)
            elif kind == "s":
                _, offset, e.header_len, e.layout, e.size, e.alloc_size, contained = result
                e.replicas[node] = Replica(offset, True)
                self._resident(e, node)
            else:
                _, e.disk, e.header_len, e.layout, e.size, contained = result
                e.alloc_size = e.layout[-1][0] + e.layout[-1][1] if e.layout else e.header_len
                self.stores[node].spilled_bytes += e.size
            e.contained = tuple(contained)
            for cid in e.contained:
                self.incref(cid)
        if e.refs <= 0:
            self._free(e)
        return e

    def _resident(self, e: Entry, node: int) -> None:
        st = self.stores[node]
        st.lru[e.id] = None
        st.add_bytes(e.size)

    # ----------------------------------------------------------------- memory
    def alloc(self, node: int, nbytes: int, protect: frozenset = frozenset()) -> int | None:
        """Offset of ``nbytes`` in ``node``'s store, spilling unpinned objects to make room.

        Returns None when even spilling everything spillable cannot make room.
        """
        st = self.stores[node]
        off = st.allocator.alloc(nbytes)
        if off is not None:
            return off
        if nbytes > st.capacity:
            return None
        disk_free = None  # bytes the spill folder may still take, read on the first spill
        for oid in list(st.lru):
            e = self.entries.get(oid)
            if e is None or oid in protect:
                continue
            rep = e.replicas.get(node)
            if rep is None or rep.pins or not rep.ready:
                continue
            # the last ready copy is spilled before it goes: another replica may still be
            # a copy in flight (not ready), which is no copy yet
            if e.disk is None and not any(r.ready for n, r in e.replicas.items() if n != node):
                if disk_free is None:
                    disk_free = self.disk_free()
                if disk_free < e.alloc_size:
                    continue  # the disk is (nearly) full: keep it in memory
                disk_free -= e.alloc_size
                self._spill(e, node)
            self._drop_replica(e, node)
            off = st.allocator.alloc(nbytes)
            if off is not None:
                return off
        return None

    def disk_free(self) -> int:
        """Bytes spilling may still write: the spill folder's free space less
        :data:`SPILL_RESERVE_BYTES`, which is left for the rest of the system."""
        try:
            st = os.statvfs(self.spill_dir)
        except OSError:
            return 0
        return st.f_bavail * st.f_frsize - SPILL_RESERVE_BYTES

    def spill_path(self, oid: int, nbytes: int, node: int) -> tuple:
        """Where an object that fits in no store goes: ``("d", path)``, or ``("e", message)``
        when the spill folder cannot take it either."""
        free = self.disk_free()
        if free >= nbytes:
            return ("d", self.new_path(oid))
        return ("e", f"cannot store an object of {nbytes} bytes: the object store of node "
                     f"{node} ({self.stores[node].capacity} bytes) is full and the spill "
                     f"folder {self.spill_dir} has {max(free, 0)} bytes free beyond the "
                     f"{SPILL_RESERVE_BYTES} bytes kept for the system")

    def new_path(self, oid: int) -> str:
        return os.path.join(self.spill_dir, f"obj-{oid:x}.bin")

    def _spill(self, e: Entry, node: int) -> None:
        rep = e.replicas[node]
        st = self.stores[node]
        path = self.new_path(e.id)
        tmp = path + ".tmp"
        with create_private(tmp) as f:
            f.write(memoryview(st.mm)[rep.offset:rep.offset + e.alloc_size])
        os.replace(tmp, path)
        e.disk = path
        st.spilled_bytes += e.size

    def _drop_replica(self, e: Entry, node: int) -> None:
        rep = e.replicas.pop(node)
        st = self.stores[node]
        st.allocator.free(rep.offset)
        if rep.ready:
            st.lru.pop(e.id, None)
            st.store_bytes -= e.size

    def _drop_disk(self, e: Entry) -> None:
        try:
            os.unlink(e.disk)
        except OSError:
            pass
        self.stores[e.home].spilled_bytes -= e.size
        e.disk = None

    # ----------------------------------------------------------------- pins
    def pin(self, e: Entry, where: int, holder: int) -> None:
        if where == DISK:
            e.disk_pins += 1
        else:
            e.replicas[where].pins += 1
        self.pins_by_holder.setdefault(holder, Counter())[(e.id, where)] += 1

    def unpin(self, oid: int, where: int, holder: int, entry: Entry | None = None) -> None:
        held = self.pins_by_holder.get(holder)
        if held is None or held[(oid, where)] <= 0:
            return
        held[(oid, where)] -= 1
        if not held[(oid, where)]:
            del held[(oid, where)]
        e = entry or self.entries.get(oid) or self.zombies.get(oid)
        if e is None:
            return
        if where == DISK:
            e.disk_pins -= 1
            if e.freed and e.disk_pins == 0 and e.disk is not None:
                self._drop_disk(e)
        else:
            rep = e.replicas.get(where)
            if rep is None:
                return
            rep.pins -= 1
            if rep.pins == 0 and e.freed and rep.ready:
                self._drop_replica(e, where)
        self.bury(e)

    def bury(self, e: Entry) -> None:
        """Forget a freed object once none of its memory is pinned any more."""
        if e.freed and not e.replicas and e.disk is None:
            self.zombies.pop(e.id, None)

    def release_holder(self, holder: int) -> None:
        """Drop every pin of a holder (a worker that died, or the driver at shutdown)."""
        held = self.pins_by_holder.get(holder)
        if not held:
            return
        for (oid, where), n in list(held.items()):
            for _ in range(n):
                self.unpin(oid, where, holder)

    def touch(self, e: Entry, node: int) -> None:
        lru = self.stores[node].lru
        if e.id in lru:
            lru.move_to_end(e.id)
