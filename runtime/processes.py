"""Starting worker processes and the driver's record of each one."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

from .channel import DriverChannel

_BLAS_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
              "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


class WorkerProc:
    """One worker process as the driver sees it.

    ``inflight`` maps task id to the task the worker is running (at most one for pool workers;
    an actor's calls are all sent in order). ``fns`` are the function ids it already has.
    """

    def __init__(self, uid: int, node: int, proc: subprocess.Popen, chan: DriverChannel,
                 actor_id: int | None):
        self.uid = uid
        self.node = node
        self.proc = proc
        self.chan = chan
        self.actor_id = actor_id
        self.inflight: dict = {}
        self.out: list = []  # messages queued by the driver, sent together by its _flush
        self.fns: set[bytes] = set()
        self.blocked = 0  # outstanding blocking get requests of this worker
        self.alive = True
        self.retiring = False  # told to exit by the driver: its end is not a crash
        self.ready = False  # said "ready": it has started and runs what it is sent, in order
        self.pid = proc.pid

    def __repr__(self) -> str:
        role = f"actor {self.actor_id:#x}" if self.actor_id else "pool"
        return f"<worker uid={self.uid} node={self.node} pid={self.pid} {role}>"


def blas_threads(total_workers: int) -> int:
    """BLAS threads per worker so that workers times threads does not exceed the cores."""
    return max(1, (os.cpu_count() or 1) // max(1, total_workers))


def spawn(uid: int, node: int, store_fds: list[tuple[int, int]], actor_id: int | None,
          blas: int, extra_env: dict | None = None, prefault_bytes: int = 0) -> WorkerProc:
    """Start ``python -m runtime.worker`` with its socket and the stores' descriptors."""
    parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    cfg = {
        "uid": uid, "node": node, "sock_fd": child.fileno(), "stores": store_fds,
        "driver_pid": os.getpid(), "sys_path": [p for p in sys.path if p],
        "actor": actor_id, "prefault": prefault_bytes,
    }
    env = dict(os.environ)
    for var in _BLAS_VARS:
        env.setdefault(var, str(blas))
    # make the package importable in the worker even when running from a source checkout
    pkg_parent = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = os.pathsep.join([pkg_parent, env.get("PYTHONPATH", "")]).rstrip(":")
    if extra_env:
        env.update(extra_env)
    fds = [child.fileno()] + [fd for fd, _ in store_fds]
    proc = subprocess.Popen([sys.executable, "-m", "runtime.worker", json.dumps(cfg)],
                            pass_fds=fds, env=env, close_fds=True, stdin=subprocess.DEVNULL)
    child.close()
    return WorkerProc(uid, node, proc, DriverChannel(parent), actor_id)
