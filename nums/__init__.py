"""NumS: a NumPy-compatible distributed array system.

``import nums.numpy as np`` gives NumPy's namespace on arrays split into blocks, each block
operation a task on a backend. A session starts on first use with settings from the
``NUMS_*`` environment variables, or explicitly with :func:`init`.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

from nums.core import context as _context
from runtime.errors import add_internal_package as _add_internal_package

# The public subpackages and the I/O functions load on first use (PEP 562 ``__getattr__``
# below): a worker process that unpickles a task's kernel imports ``nums`` itself, and
# loading the whole NumPy namespace there cost each worker 0.6 s of CPU before its first
# task. ``import nums.numpy`` (or any use of ``nums.read``, ``nums.models``, ...) loads it
# in the driver; it installs BlockArray's NumPy API (operators, methods, indexing).
_IO_NAMES = frozenset({"delete", "exists", "read", "read_csv", "read_hdf5", "read_zarr",
                       "write", "write_csv", "write_hdf5", "write_zarr"})

if os.environ.get("NUMS_DASHBOARD"):
    # the dashboard starts with a session when the settings ask for it: its hook must be
    # registered before the first session (nums.init imports it for ``dashboard=True``)
    import nums.monitor  # noqa: F401

# warnings from nums and its tasks name the user's line, not nums's (runtime.errors.warn)
_add_internal_package(__path__[0])
__version__ = "0.1.0.dev0"


def init(
    backend: str | None = None,
    num_nodes: int | None = None,
    workers_per_node: int | None = None,
    cluster_shape: tuple[int, ...] | None = None,
    block_bytes: int | None = None,
    address: str | None = None,
    optimizer: str | None = None,
    object_store_bytes: int | None = None,
    spill_dir: str | None = None,
    task_retries: int | None = None,
    progress: bool | None = None,
    progress_delay: float | None = None,
    local_bytes: int | None = None,
    dashboard: bool | None = None,
    dashboard_port: int | None = None,
) -> None:
    """Start a nums session (ending the current one, if any).

    Parameters
    ----------
    backend : {"embedded", "serial", "ray"}, optional
        Engine that runs block tasks. Default ``NUMS_BACKEND``, else ``"embedded"`` when the
        ``runtime`` package can be imported and ``"serial"`` otherwise. ``"ray"`` runs on a
        Ray cluster (``pip install -e ".[ray]"`` in the checkout); its nodes are the
        cluster's alive nodes with CPUs.
    num_nodes : int, optional
        Number of (virtual) nodes. Default ``NUMS_NUM_NODES`` or the product of
        ``cluster_shape``, else 1.
    workers_per_node : int, optional
        Worker processes per node (embedded backend). Default ``NUMS_WORKERS_PER_NODE``, else
        the runtime's choice.
    cluster_shape : tuple of int, optional
        Grid of nodes for block-cyclic placement. Default ``NUMS_CLUSTER_SHAPE``, else
        ``(num_nodes,)``.
    block_bytes : int, optional
        Target size of a block in bytes for arrays created without ``block_shape=``.
        Default ``NUMS_BLOCK_BYTES``, else 64 MiB (on a 2-core machine the per-task cost
        makes larger blocks faster; smaller ones spread better over many workers).
    address : str, optional
        Ray backend only: ``None`` starts a local Ray, ``"auto"``, ``"host:port"`` or
        ``"ray://host:port"`` joins a running cluster. Default ``NUMS_ADDRESS``. If Ray is
        already initialised in this process, that session is used and left running by
        :func:`shutdown`.
    optimizer : {"tree", "cyclic"}, optional
        How block operations are placed on nodes. ``"tree"`` (default, ``NUMS_OPTIMIZER``)
        plans every operation with the tree search of :mod:`nums.core.graph.search`, which
        minimises the largest per-node memory plus network load; ``"cyclic"`` puts every task
        of an output block on that block's block-cyclic node (for comparison). See
        :func:`explain`.
    object_store_bytes : int, optional
        Embedded backend only: the capacity of each node's shared-memory store. Default
        ``NUMS_OBJECT_STORE_BYTES``, else the runtime's (30% of memory over the nodes).
        Objects beyond it are spilled to ``spill_dir``.
    spill_dir : str, optional
        Embedded backend only: the folder for spilled objects. Default ``NUMS_SPILL_DIR``,
        else the runtime's (a temporary folder).
    task_retries : int, optional
        How many times a block task runs again when the process running it dies (embedded
        and Ray backends; attempts that never started are not counted). Default
        ``NUMS_TASK_RETRIES``, else 3.
    progress : bool, optional
        Progress bars on stderr for work that runs longer than ``progress_delay``: a
        ``get``/``persist`` of many blocks (blocks done), I/O (blocks or parts written and
        read), model fits (iterations). ``None`` (default, ``NUMS_PROGRESS`` unset) shows
        them when stderr is a terminal; ``True``/``False`` (``NUMS_PROGRESS=1``/``0``)
        always/never. A bar is cleared when its work ends.
    progress_delay : float, optional
        Seconds of work before a bar appears, so that short operations never flicker.
        Default ``NUMS_PROGRESS_DELAY``, else 2.
    local_bytes : int, optional
        Arrays of one block and at most this many bytes live in the driver as numpy arrays
        and operations on them run there with NumPy, without a task (a task's round trip
        costs far more than NumPy on a small array); they join distributed operations
        unchanged. ``0`` distributes every array. Default ``NUMS_LOCAL_BYTES``, else 64 MiB, the
        default block size (measured: ``asv_bench/benchmarks/bench_small.py``).
    dashboard : bool, optional
        Start the live dashboard (:func:`dashboard`) with the session and print its URL on
        stderr. Default ``NUMS_DASHBOARD`` (``1``/``0``), else False.
    dashboard_port : int, optional
        Its port on 127.0.0.1; 0 picks a free one. Default ``NUMS_DASHBOARD_PORT``, else 0.
    """
    if dashboard:
        import nums.monitor  # noqa: F401 - registers the hook that starts it with the session
    _context.init(
        backend=backend,
        num_nodes=num_nodes,
        workers_per_node=workers_per_node,
        cluster_shape=cluster_shape,
        block_bytes=block_bytes,
        address=address,
        optimizer=optimizer,
        object_store_bytes=object_store_bytes,
        spill_dir=spill_dir,
        task_retries=task_retries,
        progress=progress,
        progress_delay=progress_delay,
        local_bytes=local_bytes,
        dashboard=dashboard,
        dashboard_port=dashboard_port,
    )


def shutdown() -> None:
    """End the current session and release every object it holds; stop the dashboard."""
    monitor = sys.modules.get("nums.monitor")
    if monitor is not None:  # (a dashboard runs only once the monitor is loaded)
        monitor.stop()
    _context.shutdown()


def dashboard(port: int | None = None):
    """Serve a live dashboard of the session on 127.0.0.1 (or return the one running).

    The page shows, per node, the object store in use (against its capacity, with the peak)
    and spilled, the bytes sent and received, the tasks run; the tasks running and queued on
    every worker; a timeline of the most recent tasks; and the plan of the last operation
    (what :func:`explain` shows). It polls every half second. Figures a backend cannot give
    are named on the page (Ray's task timeline, for example). It runs until ``.stop()`` or
    :func:`shutdown`. See ``docs/dashboard.md``.

    Parameters
    ----------
    port : int, optional
        TCP port; 0 picks a free one. Default: the session's ``dashboard_port``.

    Returns
    -------
    nums.monitor.Dashboard
        ``.url`` is the address to open, with a secret token
        (``http://127.0.0.1:PORT/?token=...``): a request without it gets 403.
        ``.stop()`` stops serving.
    """
    from nums import monitor

    return monitor.start(port)


def plot_timeline(since: float | None = None, gap: float = 1.0, ax=None):
    """Draw the tasks of the last job, one row per node and worker (needs matplotlib).

    The last job is the most recent run of tasks without a pause longer than ``gap``
    seconds; ``since`` (a ``time.time()``) draws every logged task started after it instead.
    The backend keeps the last 10,000 tasks (embedded and serial; Ray does not report its
    tasks to nums and raises RuntimeError). Returns the matplotlib Axes.
    """
    from nums.monitor.plots import plot_timeline as _plot

    return _plot(since=since, gap=gap, ax=ax)


def metrics() -> list[dict]:
    """Per-node figures of the backend.

    Returns a list with one dict per node, with keys ``node``, ``store_bytes``,
    ``peak_store_bytes``, ``bytes_received``, ``bytes_sent`` and ``tasks_run`` (the
    embedded backend adds ``written_in_place``: blocks that writes changed in place, where
    no other array, view or task held them, rather than in a copy).
    """
    return _context.get().backend.metrics()


def explain(x, plot: bool = False) -> str:
    """The plan of ``x`` as text, without running it.

    ``x`` is the result of an operation (``X.T @ X``, ``A.sum(axis=0)``, ``x * y + 1``, ...)
    whose value has not been used yet: nums submits an operation's tasks when its result is
    first used. The report gives, per node, the memory held at the start and at the peak,
    the bytes received and sent (predicted from block sizes alone, in the bytes the backend
    counts), the number of tasks, the objective ``max(peak) + max(received) + max(sent)``,
    the block-cyclic plan's totals for comparison, and the node of each output block.

    Parameters
    ----------
    x : BlockArray
        A result whose blocks are not computed yet.
    plot : bool, optional
        Also draw the per-node figures as bars (needs matplotlib).

    Returns
    -------
    str
        The report (also returned when plotting).
    """
    from nums.core.array.planning import explain_array

    return explain_array(x, plot=plot)


def settings():
    """The settings of the current session (starting one if needed)."""
    return _context.get().settings


__all__ = ["init", "shutdown", "metrics", "explain", "settings", "dashboard", "plot_timeline",
           "read", "read_csv", "write",
           "write_csv", "read_hdf5", "write_hdf5", "read_zarr", "write_zarr", "delete",
           "exists", "__version__"]
_SUBPACKAGES = ["numpy", "models", "io"]  # public, but not in __all__: ``import *`` must not
                                          # bind ``numpy`` to nums.numpy


def __dir__() -> list[str]:
    """The public names: ``__all__`` and the public subpackages (no helpers, no internals
    such as ``nums.core``)."""
    return __all__ + _SUBPACKAGES


def __getattr__(name: str) -> Any:
    """The public subpackages and the I/O functions, loaded on first use."""
    if name in _SUBPACKAGES:
        return importlib.import_module(f"nums.{name}")
    if name in _IO_NAMES:
        return getattr(importlib.import_module("nums.io"), name)
    raise AttributeError(f"module 'nums' has no attribute {name!r}")
