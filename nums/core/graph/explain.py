"""Plan inspection: what a :class:`~nums.core.graph.search.Plan` predicts, per node, as text.

(:func:`nums.core.array.planning.explain_array`, ``nums.explain``, finds the plan of an array
whose tasks have not run yet.)

``explain(plan)`` returns a table of the predicted memory (at the start and at the peak) and
the bytes received and sent by every node, the plan's objective and the node of each output
block. With ``plot=True`` and matplotlib installed, it also draws the per-node figures as
grouped bars (matplotlib is imported only then; without it, a RuntimeError says so).
"""

from __future__ import annotations

from typing import Any

from nums.core.graph.search import Plan


def _fmt(nbytes: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(nbytes) < 1024 or unit == "GiB":
            return f"{nbytes:.0f} {unit}" if unit == "B" else f"{nbytes:.1f} {unit}"
        nbytes /= 1024
    return f"{nbytes:.1f} GiB"  # pragma: no cover


def explain(
    plan: Plan, plot: bool = False, max_outputs: int = 32, compare: Plan | None = None
) -> str:
    """Format ``plan`` as text (and draw it when ``plot``).

    Parameters
    ----------
    plan : Plan
        A plan from :mod:`nums.core.graph.search`.
    plot : bool, optional
        Also draw bars per node with matplotlib (imported here; optional dependency).
    max_outputs : int, optional
        Output blocks listed at most; the rest are counted.
    compare : Plan, optional
        A second plan of the same graph (e.g. block-cyclic) whose totals are shown below.

    Returns
    -------
    str
        The report.
    """
    head = f"plan by {plan.planner!r}" + (" (fell back to block-cyclic)" if plan.fallback else "")
    lines = [
        f"{head}: {plan.num_ops} tasks on {plan.num_nodes} nodes, "
        f"planned in {plan.seconds * 1e3:.1f} ms",
        f"{'node':>4}  {'memory at start':>15}  {'peak memory':>12}  {'received':>10}  "
        f"{'sent':>10}  {'tasks':>6}",
    ]
    tasks = [0] * plan.num_nodes
    for s in plan.steps:
        tasks[s.node] += 1
    for n in range(plan.num_nodes):
        lines.append(
            f"{n:>4}  {_fmt(plan.start_memory[n]):>15}  {_fmt(plan.peak_memory[n]):>12}  "
            f"{_fmt(plan.bytes_received[n]):>10}  {_fmt(plan.bytes_sent[n]):>10}  {tasks[n]:>6}"
        )
    lines.append(
        f"objective max(peak) + max(received) + max(sent) = {_fmt(plan.objective)}; "
        f"bytes moved {_fmt(plan.bytes_moved)}"
    )
    if compare is not None:
        lines.append(
            f"{compare.planner!r} for comparison: objective {_fmt(compare.objective)}, bytes "
            f"moved {_fmt(compare.bytes_moved)}, highest peak {_fmt(compare.max_peak)}"
        )
    lines.append("output blocks:")
    for i, ((name, idx), node) in enumerate(sorted(plan.outputs.items())):
        if i == max_outputs:
            lines.append(f"  ... and {len(plan.outputs) - max_outputs} more")
            break
        lines.append(f"  {name}{list(idx)} -> node {node}")
    text = "\n".join(lines)
    if plot:
        plot_plan(plan)
    return text


def plot_plan(plan: Plan, ax: Any = None) -> Any:
    """Draw the plan's per-node peak memory, bytes received and sent as grouped bars, in the
    unit (B, KiB, MiB, GiB) of the largest figure, each bar labelled with the node's tasks."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise RuntimeError("plot=True needs matplotlib: pip install matplotlib") from exc
    if ax is None:
        _, ax = plt.subplots(figsize=(1.2 * plan.num_nodes + 4.5, 3.5))
    series = [("peak memory", plan.peak_memory), ("received", plan.bytes_received),
              ("sent", plan.bytes_sent)]
    top = max(max(values) for _, values in series)
    scale, unit = next(((2**p, u) for p, u in ((30, "GiB"), (20, "MiB"), (10, "KiB"))
                        if top >= 2**p), (1, "B"))
    width = 0.8 / len(series)
    nodes = range(plan.num_nodes)
    for i, (label, values) in enumerate(series):
        ax.bar([n + (i - 1) * width for n in nodes], [v / scale for v in values], width,
               label=label)
    tasks = [0] * plan.num_nodes
    for s in plan.steps:
        tasks[s.node] += 1
    ax.set_xticks(list(nodes))
    ax.set_xticklabels([f"{n}\n{tasks[n]} tasks" for n in nodes])
    ax.set_xlabel("node")
    ax.set_ylabel(unit)
    ax.set_title(f"plan by {plan.planner}: {plan.num_ops} tasks, objective "
                 f"{_fmt(plan.objective)}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.figure.tight_layout()
    return ax
