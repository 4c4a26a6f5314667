"""A matplotlib figure of the session's tasks: one row per node and worker, one bar per task.

matplotlib is an optional dependency (the ``plot`` extra); it is imported when a plot is
drawn, and a RuntimeError says how to install it when it is missing.
"""

from __future__ import annotations

from typing import Any

from nums.core import context

MAX_NAMES = 12  # task names in the legend; the others are grouped as "other"


def last_job(events: list[dict], gap: float = 1.0) -> list[dict]:
    """The events of the last job: going back from the most recent task, every task until
    the workers were all idle for more than ``gap`` seconds."""
    ordered = sorted(events, key=lambda e: e["start"])
    first, busy_until = 0, float("-inf")
    for i, e in enumerate(ordered):
        if e["start"] > busy_until + gap:  # idle for more than gap: a new job begins
            first = i
        busy_until = max(busy_until, e["end"])
    return ordered[first:]


def _matplotlib():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise RuntimeError("plots need matplotlib: pip install matplotlib (or the nums "
                           "extra: pip install -e '.[plot]')") from exc
    return plt


def plot_timeline(events: list[dict] | None = None, since: float | None = None,
                  gap: float = 1.0, ax: Any = None) -> Any:
    """Draw the tasks of the last job as a timeline, one row per node and worker.

    Parameters
    ----------
    events : list of dict, optional
        Task events (``name``, ``node``, ``worker``, ``start``, ``end``). Default: the
        session's backend's log (``task_events``), cut to the last job.
    since : float, optional
        Epoch seconds (``time.time()``): draw the logged tasks that started at or after it
        instead of the last job.
    gap : float, optional
        Idle seconds that separate two jobs (default 1).
    ax : matplotlib Axes, optional
        Where to draw; default a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        One horizontal bar per task, coloured by task name (legend), rows labelled
        ``node N / worker PID``, time in seconds from the first task.
    """
    plt = _matplotlib()
    if events is None:
        ctx = context.current()
        if ctx is None:
            raise RuntimeError("no nums session is running: there are no tasks to plot")
        events = ctx.backend.task_events()
        if events is None:
            raise RuntimeError(f"the {ctx.backend.name} backend does not report its tasks, "
                               "so there is no timeline to plot")
        events = ([e for e in events if e["start"] >= since] if since is not None
                  else last_job(events, gap))
    if ax is None:
        rows_guess = len({(e["node"], e["worker"]) for e in events}) or 1
        _, ax = plt.subplots(figsize=(10, 1.0 + 0.45 * rows_guess))
    if not events:
        ax.set_title("no tasks")
        return ax
    rows = sorted({(e["node"], e["worker"]) for e in events})
    row_of = {r: i for i, r in enumerate(rows)}
    t0 = min(e["start"] for e in events)
    counts: dict[str, int] = {}
    for e in events:
        counts[e["name"]] = counts.get(e["name"], 0) + 1
    named = sorted(counts, key=lambda n: (-counts[n], n))[:MAX_NAMES]
    cmap = plt.get_cmap("tab20")
    color = {n: cmap(i % 20) for i, n in enumerate(named)}
    by_label: dict[str, list[dict]] = {}
    for e in events:
        by_label.setdefault(e["name"] if e["name"] in color else "other", []).append(e)
    for label in [*named, "other"]:
        group = by_label.get(label)
        if not group:
            continue
        ax.barh([row_of[(e["node"], e["worker"])] for e in group],
                [max(e["end"] - e["start"], 0.0) for e in group],
                left=[e["start"] - t0 for e in group], height=0.7,
                color=color.get(label, "0.6"), edgecolor="none",
                label=f"{label} ({sum(1 for _ in group)})")
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([f"node {n} / worker {w}" for n, w in rows])
    ax.invert_yaxis()
    ax.set_xlabel("seconds since the first task")
    span = max(e["end"] for e in events) - t0
    ax.set_title(f"{len(events)} tasks over {span:.2f} s on {len({n for n, _ in rows})} "
                 f"node(s)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    ax.figure.tight_layout()
    return ax
