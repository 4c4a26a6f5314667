"""Watching a nums session: the live dashboard and plots of its tasks.

:func:`start` (``nums.dashboard()``) serves a page on 127.0.0.1 that polls the session's
figures: per node the store in use and spilled, bytes sent and received, the tasks running
and queued on each worker, a timeline of the most recent tasks, and the plan of the last
operation. One dashboard runs per process; :func:`stop` (called by ``nums.shutdown()``) ends
it. ``nums.init(dashboard=True)`` or ``NUMS_DASHBOARD=1`` starts it with the session.

:func:`nums.monitor.plots.plot_timeline` (``nums.plot_timeline()``) draws the tasks of
the last job with matplotlib.
"""

from __future__ import annotations

import sys
import threading

from nums.core import context
from nums.monitor.server import Dashboard

__all__ = ["start", "stop", "current", "Dashboard"]

_lock = threading.Lock()
_running: Dashboard | None = None


def start(port: int | None = None, host: str = "127.0.0.1") -> Dashboard:
    """Serve the dashboard (or return the one already running).

    Parameters
    ----------
    port : int, optional
        TCP port; 0 picks a free one. Default: the session's ``dashboard_port``
        (``NUMS_DASHBOARD_PORT``) when a session runs, else 0.
    host : str, optional
        Address to listen on; loopback by default. Anyone who can reach it and knows the
        token sees the session's figures and task names (never data).

    Returns
    -------
    Dashboard
        With ``.url`` (including ``?token=...``) and ``.stop()``.
    """
    global _running
    with _lock:
        if port is None:
            ctx = context.current()
            port = ctx.settings.dashboard_port if ctx is not None else 0
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            raise ValueError(f"port must be an int in [0, 65535] (0: a free port), got {port!r}")
        if _running is not None and _running.running:
            if port not in (0, _running.port) or host != _running.host:
                raise RuntimeError(f"a dashboard already runs at {_running.url}; stop it "
                                   "first (its .stop() or nums.shutdown())")
            return _running
        _running = Dashboard(host, port)
        return _running


def stop() -> None:
    """Stop the running dashboard, if any."""
    global _running
    with _lock:
        dash, _running = _running, None
    if dash is not None:
        dash.stop()


def current() -> Dashboard | None:
    """The running dashboard, or None."""
    dash = _running
    return dash if dash is not None and dash.running else None


def _on_session(ctx: context.Context) -> None:
    """Start the dashboard with a session whose settings ask for it, and print its URL."""
    if ctx.settings.dashboard and current() is None:
        dash = start(ctx.settings.dashboard_port)
        print(f"nums dashboard: {dash.url}", file=sys.stderr, flush=True)


context.SESSION_STARTED.append(_on_session)
