"""Progress bars for long operations: the one place that decides, draws and waits.

A bar appears on stderr only when the work has run for ``progress_delay`` seconds (setting
and ``NUMS_PROGRESS_DELAY``, default 2), so short operations never flicker, and is cleared
when the work ends (or fails). Whether bars are shown is the ``progress`` setting
(``nums.init(progress=...)``, ``NUMS_PROGRESS``): ``None`` shows them when stderr is a
terminal, ``True``/``False`` always/never. While a bar is open (a model fit), the
operations inside it (its ``get``s) draw none of their own; a warning shown meanwhile (a
task's, relayed by the wait) clears the bar's line first, and the bar is drawn again below.

Users: :func:`get` and :func:`wait` of block refs (``BlockArray.get``/``persist``, the
writers of :mod:`nums.io` and ``nums.numpy.save``, ``read_csv``), counting blocks as they
complete through the backend's ``wait_some``; :class:`Bar` directly for iterations (the
GLM solvers).

A bar of our own (a few lines) rather than tqdm: no dependency, and the delay, the
clearing and the terminal check are exactly ours.
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from collections.abc import Sequence
from typing import Any, TextIO

from nums.core import context

REFRESH_S = 0.2  # at most five redraws per second; also the polling interval of waits
_active: list[Bar] = []  # bars open in this process, outermost first


def enabled(stream: TextIO | None = None) -> bool:
    """Whether bars are drawn on ``stream`` (default stderr) under the session's setting."""
    stream = sys.stderr if stream is None else stream
    setting = context.get().settings.progress
    if setting is None:
        try:
            return bool(stream.isatty())
        except (AttributeError, ValueError):  # no isatty, or closed
            return False
    return setting


class Bar:
    """A one-line progress bar: ``label |#####     | 12/40 blocks 3.1 s``.

    Use as a context manager; :meth:`update` counts work done. Nothing is drawn before
    ``delay`` seconds, nor when bars are off, nor inside another open bar.

    Parameters
    ----------
    label : str
        What is running (``"get"``, ``"nums.write"``, ``"LogisticRegression.fit"``).
    total : int, optional
        Units of work expected (None: a count without a bar).
    unit : str
        Name of the unit (``"blocks"``, ``"iterations"``).
    """

    def __init__(self, label: str, total: int | None = None, unit: str = "blocks",
                 stream: TextIO | None = None):
        self.label, self.total, self.unit = label, total, unit
        self.stream = sys.stderr if stream is None else stream
        self.done = 0
        self.started = time.monotonic()
        self.delay = context.get().settings.progress_delay
        self.quiet = bool(_active) or not enabled(self.stream)
        self.shown = False
        self._drawn_at = 0.0
        self._restore: tuple | None = None  # warnings.showwarning before and while open

    def __enter__(self) -> Bar:
        _active.append(self)
        if not self.quiet:  # a warning shown meanwhile clears the bar's line first
            previous = warnings.showwarning

            def showwarning(*args: Any, **kwargs: Any) -> None:
                self.close()  # the next update draws the bar again, below the warning
                previous(*args, **kwargs)

            self._restore = (previous, showwarning)
            warnings.showwarning = showwarning
        return self

    def __exit__(self, *exc_info: object) -> None:
        _active.remove(self)
        if self._restore is not None and warnings.showwarning is self._restore[1]:
            warnings.showwarning = self._restore[0]
        self.close()

    def update(self, n: int = 1) -> None:
        """Count ``n`` more units done (and redraw, at most every ``REFRESH_S``)."""
        self.done += n
        self.draw()

    def draw(self) -> None:
        now = time.monotonic()
        if self.quiet or now - self.started < self.delay or now - self._drawn_at < REFRESH_S:
            return
        self._drawn_at = now
        count = f"{self.done}/{self.total}" if self.total else f"{self.done}"
        tail = f" {count} {self.unit} {now - self.started:.1f} s"
        width = _columns(self.stream) - 1
        room = width - len(self.label) - len(tail) - 3
        bar = ""
        if self.total and room >= 10:
            filled = min(room, room * self.done // self.total)
            bar = " |" + "#" * filled + " " * (room - filled) + "|"
        self.stream.write(f"\r{(self.label + bar + tail)[:width]}\x1b[K")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        """Clear the bar's line if it was drawn."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False


def _columns(stream: TextIO) -> int:
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):  # not a terminal, or no file descriptor
        columns = 0
    return columns if columns > 0 else 80  # a terminal of unknown size reports 0


def wait(refs: Sequence[Any], label: str = "wait") -> None:
    """Wait until every ref is computed, with a bar of blocks done after the delay."""
    backend = context.get().backend
    refs = list({id(r): r for r in refs}.values())  # a ref may appear twice
    if not refs:
        return
    with Bar(label, len(refs)) as bar:
        if bar.quiet:
            backend.wait(refs)
            return
        pending, timeout = refs, bar.delay  # first, quietly for as long as the delay
        while pending:
            ready, pending = backend.wait_some(pending, timeout)
            bar.update(len(ready))
            timeout = REFRESH_S


def get(refs: Sequence[Any], label: str = "get") -> list:
    """The values of ``refs`` (``backend.get``), with a bar of blocks done while waiting."""
    if len(refs) > 1 and not _active and enabled():
        wait(refs, label)
    return context.get().backend.get(list(refs))
