"""nums.plot_timeline and nums.explain(x, plot=True), rendered to PNG with matplotlib's Agg
backend; the tests check the artists the figures hold, not pixels."""

from __future__ import annotations

import pytest

matplotlib = pytest.importorskip("matplotlib", reason="the test extra installs matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

import nums  # noqa: E402
import nums.numpy as np  # noqa: E402
from nums.monitor.plots import last_job, plot_timeline  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"


def _bars(ax) -> list[Rectangle]:
    return [p for c in ax.containers for p in c.patches]


def _save(ax, tmp_path) -> None:
    path = tmp_path / "figure.png"
    ax.figure.savefig(path)
    assert path.read_bytes().startswith(PNG)
    plt.close(ax.figure)


def _event(name, node, worker, start, end):
    return {"name": name, "node": node, "worker": worker, "start": start, "end": end}


def test_timeline_of_given_events(tmp_path):
    events = [_event("a", 0, 11, 100.0, 100.5), _event("b", 1, 12, 100.2, 101.0),
              _event("a", 1, 12, 101.0, 101.25), _event("a", 0, 13, 100.1, 100.2)]
    ax = plot_timeline(events)
    bars = _bars(ax)
    assert len(bars) == 4
    assert sorted((round(b.get_x(), 6), round(b.get_width(), 6)) for b in bars) == [
        (0.0, 0.5), (0.1, 0.1), (0.2, 0.8), (1.0, 0.25)]  # seconds from the first task
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["node 0 / worker 11", "node 0 / worker 13", "node 1 / worker 12"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a (3)", "b (1)"]
    assert ax.get_xlabel() == "seconds since the first task"
    assert "4 tasks" in ax.get_title() and "2 node(s)" in ax.get_title()
    _save(ax, tmp_path)


def test_last_job_ends_at_the_last_idle_gap():
    events = [_event("old", 0, 1, 0.0, 1.0), _event("old", 0, 1, 1.2, 2.0),
              _event("long", 0, 1, 5.0, 9.0), _event("new", 1, 2, 8.5, 9.5),
              _event("new", 1, 2, 10.0, 10.2)]
    assert [e["start"] for e in last_job(events, gap=1.0)] == [5.0, 8.5, 10.0]
    assert len(last_job(events, gap=10.0)) == 5
    assert last_job([], gap=1.0) == []


def test_plot_timeline_of_the_session(tmp_path):
    nums.init(backend="serial", num_nodes=2, block_bytes=2**12)
    try:
        x = np.arange(4096.0)
        float((x * 2 + 1).sum())
        n_tasks = sum(m["tasks_run"] for m in nums.metrics())
        ax = nums.plot_timeline(gap=60.0)
        assert len(_bars(ax)) == n_tasks
        assert {t.get_text().split(" / ")[0] for t in ax.get_yticklabels()} == {
            "node 0", "node 1"}
        _save(ax, tmp_path)
        import time

        later = time.time() + 3600
        assert nums.plot_timeline(since=later).get_title() == "no tasks"
    finally:
        nums.shutdown()
    with pytest.raises(RuntimeError, match="no nums session"):
        nums.plot_timeline()


def test_explain_plot_has_bars_per_node_and_labels(tmp_path):
    nums.init(backend="serial", num_nodes=2, block_bytes=2**12)
    try:
        x = np.ones((256, 16))
        y = x.T @ x
        text = nums.explain(y, plot=True)
        ax = plt.gcf().axes[0]
        assert "plan by" in text
        bars = _bars(ax)
        assert len(bars) == 3 * 2  # peak memory, received, sent per node
        assert [t.get_text() for t in ax.get_legend().get_texts()] == [
            "peak memory", "received", "sent"]
        assert ax.get_ylabel() in ("B", "KiB", "MiB", "GiB")
        assert max(b.get_height() for b in bars) >= 1  # a unit that shows the figures
        assert [t.get_text().split("\n")[0] for t in ax.get_xticklabels()] == ["0", "1"]
        assert ax.get_title().startswith("plan by tree")
        _save(ax, tmp_path)
        assert float(y.max()) == 256.0 == float(y.min())  # the plan still runs
    finally:
        nums.shutdown()
