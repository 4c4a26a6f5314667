"""A working set larger than the store spills to disk and comes back intact."""

from __future__ import annotations

import gc
import os
import time

import numpy as np
import pytest

import runtime as rt


def test_working_set_twice_the_store(tmp_path):
    spill = tmp_path / "spill"
    if rt.is_initialized():
        rt.shutdown()
    cap = 32 << 20
    rt.init(num_nodes=1, workers_per_node=2, object_store_bytes=cap, spill_dir=str(spill))
    try:
        n = 16  # 16 x 4 MiB = 64 MiB, twice the store
        arrays = [np.full(512 * 1024, i, dtype=np.float64) for i in range(n)]
        refs = [rt.put(a) for a in arrays]
        m = rt.metrics()[0]
        assert m["store_bytes"] <= cap and m["spilled_bytes"] > 0
        assert list(spill.rglob("obj-*"))
        # tasks read spilled objects and make new ones, which spill others
        plus = rt.remote(lambda a, k: a + k)
        outs = [plus.remote(r, 1000) for r in refs]
        for i, out in enumerate(outs):
            v = rt.get(out)
            assert v.shape == (512 * 1024,) and v[0] == i + 1000 and v[-1] == i + 1000
            del v
        for i, r in enumerate(refs):
            v = rt.get(r)
            np.testing.assert_array_equal(v, arrays[i])
            del v
        assert rt.metrics()[0]["peak_store_bytes"] <= cap
        # an object larger than the whole store goes straight to disk
        big = np.arange(5 << 20, dtype=np.float64)  # 40 MiB
        np.testing.assert_array_equal(rt.get(rt.put(big)), big)
        del refs, outs, r, out  # the loop variables hold refs too
        gc.collect()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and list(spill.rglob("obj-*")):
            rt.metrics()
            time.sleep(0.05)
        assert not list(spill.rglob("obj-*")), list(spill.rglob("*"))
        assert rt.metrics()[0]["spilled_bytes"] == 0
    finally:
        rt.shutdown()


# ---------------------------------------------------------------- private session folders
# Each scenario runs drivers in their own processes, as two users' scripts would.
_DRIVER = r"""
import os, sys, time
import numpy as np
import runtime as rt
spill, value = sys.argv[1], float(sys.argv[2])
rt.init(num_nodes=1, workers_per_node=1, object_store_bytes=8 << 20, spill_dir=spill)
refs = [rt.put(np.full(1 << 19, value + i)) for i in range(6)]  # 24 MiB: most spill
assert rt.metrics()[0]["spilled_bytes"] > 0
print("ready", flush=True)
if len(sys.argv) > 3:
    time.sleep(float(sys.argv[3]))
ok = all(float(rt.get(r)[-1]) == value + i for i, r in enumerate(refs))
print("ok" if ok else "WRONG", flush=True)
"""


def _driver(tmp_path, spill, value, hold=None):
    import subprocess
    import sys
    script = tmp_path / "driver.py"
    script.write_text(_DRIVER)
    args = [sys.executable, str(script), str(spill), str(value)]
    if hold is not None:
        args.append(str(hold))
    return subprocess.Popen(args, stdout=subprocess.PIPE, text=True)


def _sessions(spill):
    return sorted(p for p in spill.iterdir() if p.name.startswith("rt-spill-"))


def test_two_drivers_share_a_spill_folder(tmp_path):
    spill = tmp_path / "spill"
    a = _driver(tmp_path, spill, 1000.0, hold=1.0)
    b = _driver(tmp_path, spill, 2000.0, hold=1.0)
    try:
        assert a.stdout.readline().strip() == "ready"
        assert b.stdout.readline().strip() == "ready"
        # both spilled at once into the same root, each into its own private folder
        sessions = _sessions(spill)
        assert len(sessions) == 2
        for folder in sessions:
            assert folder.stat().st_mode & 0o777 == 0o700
            files = list(folder.glob("obj-*"))
            assert files and all(f.stat().st_mode & 0o777 == 0o600 for f in files)
        assert a.stdout.readline().strip() == "ok"
        assert b.stdout.readline().strip() == "ok"
        assert a.wait(60) == 0 and b.wait(60) == 0
    finally:
        for p in (a, b):
            p.kill()
            p.wait()
    assert _sessions(spill) == []


def test_sigterm_removes_the_folder_and_sigkill_orphans_are_removed(tmp_path):
    import signal
    spill = tmp_path / "spill"
    p = _driver(tmp_path, spill, 1.0, hold=60)
    try:
        assert p.stdout.readline().strip() == "ready"
        assert len(_sessions(spill)) == 1
        p.send_signal(signal.SIGTERM)
        assert p.wait(30) == -signal.SIGTERM  # the program still dies of SIGTERM
    finally:
        p.kill()
        p.wait()
    assert _sessions(spill) == []
    # SIGKILL leaves the folder behind; the next session with that root removes it
    p = _driver(tmp_path, spill, 1.0, hold=60)
    try:
        assert p.stdout.readline().strip() == "ready"
        p.send_signal(signal.SIGKILL)
        p.wait(30)
    finally:
        p.kill()
        p.wait()
    orphan = _sessions(spill)
    assert len(orphan) == 1
    if rt.is_initialized():
        rt.shutdown()
    rt.init(num_nodes=1, workers_per_node=1, object_store_bytes=8 << 20, spill_dir=str(spill))
    try:
        assert not orphan[0].exists()
        assert len(_sessions(spill)) == 1  # this session's own folder
    finally:
        rt.shutdown()
    assert _sessions(spill) == []


def test_a_full_disk_stops_spilling_with_a_clear_error(tmp_path, monkeypatch):
    """When the spill folder's disk cannot take an object, the put or the task that makes
    it fails with MemoryError; the session goes on working."""
    from runtime import objects
    if rt.is_initialized():
        rt.shutdown()
    rt.init(num_nodes=1, workers_per_node=1, object_store_bytes=8 << 20,
            spill_dir=str(tmp_path))
    try:
        st = os.statvfs(tmp_path)
        # pretend the disk is full: spilling may use nothing
        monkeypatch.setattr(objects, "SPILL_RESERVE_BYTES", st.f_bavail * st.f_frsize + 1)
        keep = [rt.put(np.full(1 << 18, float(i))) for i in range(3)]  # 6 MiB: fits
        with pytest.raises(MemoryError, match="spill folder"):
            rt.put(np.ones(1 << 19))  # 4 MiB more: neither store nor disk has room
        make = rt.remote(lambda n: np.ones(n))
        with pytest.raises(MemoryError, match="spill folder"):
            rt.get(make.remote(1 << 19))
        assert not list(tmp_path.rglob("obj-*"))
        # the session still works, and the objects it kept are intact
        assert [float(rt.get(r)[0]) for r in keep] == [0.0, 1.0, 2.0]
        monkeypatch.undo()
        del keep
        assert float(rt.get(make.remote(1 << 19)).sum()) == float(1 << 19)
    finally:
        rt.shutdown()


def test_eviction_keeps_the_last_ready_copy(tmp_path):
    """An object whose only other replica is a copy still in flight (not ready) is spilled
    before its ready copy is dropped for room, never just dropped: that left an object with
    no readable copy (seen as a crash of ``get`` in the node-loss fault test)."""
    from runtime.objects import READY, ObjectTable, Replica
    from runtime.store import NodeStore

    mib = 1 << 20
    stores = [NodeStore(0, 8 * mib), NodeStore(1, 8 * mib)]
    table = ObjectTable(stores, str(tmp_path))
    off = table.alloc(0, 6 * mib)
    payload = np.arange(6 * mib, dtype=np.uint8) % 251
    memoryview(stores[0].mm)[off:off + 6 * mib] = payload.tobytes()
    table.incref(7)
    e = table.complete(7, 0, ("s", off, 0, ((0, 6 * mib),), 6 * mib, 6 * mib, ()))
    assert e.state == READY
    e.replicas[1] = Replica(table.alloc(1, 6 * mib), ready=False, copier=1)  # in flight
    assert table.alloc(0, 6 * mib) is not None  # room made on node 0 by evicting object 7
    assert 0 not in e.replicas and e.disk is not None
    with open(e.disk, "rb") as f:
        assert f.read() == payload.tobytes()
