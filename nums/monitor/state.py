"""What the dashboard shows, as one JSON-ready dict read from the running session.

Everything comes from the session's backend (``metrics``, ``nodes``, ``activity``,
``task_events``) and from the planner (the plan of the last operation). Nothing here starts a
session: without one, the snapshot says so. A figure the backend cannot give is None and is
named in ``unavailable`` with the reason, which the page shows.
"""

from __future__ import annotations

import os
import time
from typing import Any

from nums.core import context
from nums.core.array.planning import last_plan
from nums.core.graph.explain import explain

EVENTS_SHOWN = 300  # tasks in the page's timeline (the most recent)

_REASONS = {
    "ray": "Ray does not report these to nums (Ray's own dashboard shows its tasks and "
           "transfers)",
}
_KEY_REASONS = {
    ("serial", "spilled_bytes"): "the serial backend keeps blocks in this process: it never "
                                 "spills",
    ("serial", "capacity_bytes"): "the serial backend has no object store: blocks are NumPy "
                                  "arrays in this process",
}
_plan_cache: list = [None, None]  # (plan, its text): explain once per plan


def _plan_text() -> str | None:
    plan = last_plan()
    if plan is None:
        return None
    if _plan_cache[0] is not plan:
        _plan_cache[:] = [plan, explain(plan)]
    return _plan_cache[1]


def _capacity(node: dict, info: dict) -> int | None:
    value = node.get("capacity_bytes", info.get("store_capacity"))
    return int(value) if value is not None else None


def snapshot(events: int = EVENTS_SHOWN) -> dict[str, Any]:
    """The session's figures now: ``session`` (None without one), ``nodes``, ``activity``,
    ``events``, ``plan`` and ``unavailable`` (figure name to the reason it is missing)."""
    out: dict[str, Any] = {"time": time.time(), "pid": os.getpid(), "session": None}
    ctx = context.current()
    if ctx is None:
        out["message"] = "no nums session is running (the first nums operation starts one)"
        return out
    backend, settings = ctx.backend, ctx.settings
    try:
        metrics = backend.metrics()
        infos = {n["node"]: n for n in backend.nodes()}
        activity = backend.activity()
        task_events = backend.task_events(events)
    except Exception as exc:  # noqa: BLE001 - a session ending meanwhile: say so, go on
        out["message"] = f"the session could not be read ({type(exc).__name__}: {exc})"
        return out
    reason = _REASONS.get(backend.name, f"the {backend.name} backend does not report them")
    unavailable: dict[str, str] = {}
    nodes = []
    for m in metrics:
        info = infos.get(m["node"], {})
        nodes.append({
            "node": m["node"],
            "workers": info.get("workers"),
            "alive": info.get("alive", True),
            "store_bytes": m.get("store_bytes"),
            "peak_store_bytes": m.get("peak_store_bytes"),
            "capacity_bytes": _capacity(m, info),
            "spilled_bytes": m.get("spilled_bytes"),
            "bytes_sent": m.get("bytes_sent"),
            "bytes_received": m.get("bytes_received"),
            "tasks_run": m.get("tasks_run"),
        })
    for key in ("store_bytes", "peak_store_bytes", "capacity_bytes", "spilled_bytes",
                "bytes_sent", "bytes_received", "tasks_run"):
        if nodes and all(n[key] is None for n in nodes):
            unavailable[key] = _KEY_REASONS.get((backend.name, key), reason)
    if activity is None:
        unavailable["activity"] = reason
    if task_events is None:
        unavailable["events"] = reason
    out.update(
        session={"backend": backend.name, "num_nodes": len(nodes),
                 "cluster_shape": list(settings.cluster_shape),
                 "block_bytes": settings.block_bytes, "optimizer": settings.optimizer},
        nodes=nodes, activity=activity, events=task_events, plan=_plan_text(),
        unavailable=unavailable,
    )
    return out
