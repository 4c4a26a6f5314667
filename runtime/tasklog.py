"""What the driver's tasks did and are doing, for dashboards: a bounded log of finished tasks
and a snapshot of the tasks running and queued on every worker.

The log is a ``deque`` with a maximum length (the most recent ``TASK_LOG_MAX`` tasks); the
driver appends one tuple per finished task in ``Scheduling._on_done``, with its lock held, so
the task path pays one clock read and one append. Readers copy it under the same lock and
build dicts only then.

Times are seconds since the epoch (``time.time()``): a task's end is when the driver handled
its completion, its start that end minus the run time its worker measured, so the interval
is the task's run time as the worker saw it, shifted by the message's trip to the driver.
"""

from __future__ import annotations

from collections import deque
from typing import Any

TASK_LOG_MAX = 10_000  # finished tasks kept (each entry is a small tuple)


def new_log(maxlen: int = TASK_LOG_MAX) -> deque:
    """An empty log: entries are ``(name, node, worker_pid, end, seconds)``."""
    return deque(maxlen=maxlen)


def task_events(driver: Any, limit: int | None = None) -> list[dict]:
    """The most recent finished tasks (at most ``limit``), oldest first, as dicts with
    ``name``, ``node``, ``worker`` (the pid), ``start`` and ``end`` (epoch seconds)."""
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be >= 0 or None, got {limit}")
    with driver.lock:
        log = driver.task_log
        n = len(log) if limit is None else min(limit, len(log))
        entries = [log[i] for i in range(len(log) - n, len(log))] if n < len(log) else list(log)
    return [{"name": name, "node": node, "worker": pid, "start": end - took, "end": end}
            for name, node, pid, end, took in entries]


def activity(driver: Any) -> list[dict]:
    """Per node: ``node``, ``queued`` (ready tasks waiting for one of its workers) and
    ``workers``, one dict per live worker: ``pid``, ``actor`` (the actor's class name, or
    None for a pool worker), ``running`` (0 or 1: the task it runs now), ``queued`` (tasks
    sent ahead to it, not started), ``blocked`` (its running task waits in ``get``) and
    ``task`` (the name of the running task, or None). Tasks whose arguments are not all
    computed yet have no node and are not counted."""
    with driver.lock:
        out = []
        for n in range(driver.num_nodes):
            workers = []
            members = list(driver.pool[n]) + [a.worker for a in driver.actors.values()
                                              if a.node == n and a.dead is None]
            for w in members:
                if not w.alive:
                    continue
                started = w.ready and bool(w.inflight)
                first = next(iter(w.inflight.values()), None) if started else None
                actor = driver.actors.get(w.actor_id) if w.actor_id is not None else None
                workers.append({
                    "pid": w.pid,
                    "actor": actor.name.removesuffix(".__init__") if actor is not None else None,
                    "running": int(started),
                    "queued": len(w.inflight) - int(started),
                    "blocked": bool(w.blocked),
                    "task": first.name if first is not None else None,
                })
            out.append({"node": n, "alive": n not in driver.dead_nodes,
                        "queued": len(driver.queues[n]), "workers": workers})
    return out
