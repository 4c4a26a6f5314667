"""Shutdown leaves no process and no shared memory behind, even after crashes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import runtime as rt

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def children(pid: int) -> list[int]:
    out = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                out.append(int(name))
    return out


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


SCRIPT = textwrap.dedent("""
    import os, sys, numpy as np, runtime as rt
    rt.init(num_nodes=2, workers_per_node=1, object_store_bytes=64 << 20)
    crash = rt.remote(lambda: os._exit(1)).options(max_retries=0)
    ident = rt.remote(lambda x: x)
    @rt.remote
    class A:
        def f(self): return os.getpid()
    a = A.remote()
    pids = set(rt._child_pids()) | {rt.get(a.f.remote())}
    refs = [ident.options(node=i % 2).remote(rt.put(np.ones(100_000))) for i in range(6)]
    rt.get(refs)
    try:
        rt.get(crash.remote())
    except rt.WorkerCrashedError:
        pass
    pids |= set(rt._child_pids())
    print(" ".join(map(str, sorted(pids))), flush=True)
    if sys.argv[1] == "shutdown":
        rt.shutdown()
        assert rt.is_initialized() is False
    # otherwise: interpreter exit runs shutdown
""")


def run_script(mode: str) -> list[int]:
    shm_before = set(os.listdir("/dev/shm"))
    env = dict(os.environ, PYTHONPATH=ROOT)
    out = subprocess.run([sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True,
                         timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    pids = [int(p) for p in out.stdout.split()]
    assert len(pids) >= 4
    deadline = time.monotonic() + 10
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [p for p in pids if alive(p)]
    assert set(os.listdir("/dev/shm")) <= shm_before
    return pids


def test_shutdown_leaves_nothing():
    run_script("shutdown")


def test_interpreter_exit_leaves_nothing():
    run_script("exit")


def test_in_process_shutdown_and_reinit():
    if rt.is_initialized():
        rt.shutdown()
    others = set(children(os.getpid()))  # e.g. a Ray session of other tests
    rt.init(num_nodes=2, workers_per_node=1)
    pids = rt._child_pids()
    assert set(children(os.getpid())) - others == set(pids) and len(pids) == 2
    rt.shutdown()
    rt.shutdown()  # twice is fine
    assert not [p for p in pids if alive(p)]
    rt.init()
    pids = rt._child_pids()
    assert rt.get(rt.remote(lambda: 5).remote()) == 5
    rt.shutdown()
    assert not [p for p in pids if alive(p)]
    assert set(children(os.getpid())) <= others


def test_shutdown_wakes_a_thread_blocked_in_get():
    import threading
    if rt.is_initialized():
        rt.shutdown()
    rt.init(num_nodes=1, workers_per_node=1, object_store_bytes=16 << 20)
    slow = rt.remote(lambda: time.sleep(30))
    ref = slow.remote()
    seen = []

    def getter():
        try:
            rt.get(ref)
        except BaseException as e:  # noqa: BLE001 - the test inspects it
            seen.append(e)

    t = threading.Thread(target=getter)
    t.start()
    time.sleep(0.3)
    start = time.monotonic()
    cpu = time.process_time()
    rt.shutdown()
    t.join(timeout=10)
    assert not t.is_alive(), "get() still blocked after shutdown"
    assert time.monotonic() - start < 10
    assert time.process_time() - cpu < 5  # no busy loop
    assert len(seen) == 1 and isinstance(seen[0], rt.ShutdownError), seen
    assert "shut down" in str(seen[0])
