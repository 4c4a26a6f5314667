"""Each session's private spill folder: created 0700, files 0600, removed at exit.

A session spills into ``<root>/rt-spill-<pid>-<random>`` (``root``: the ``spill_dir`` given
to ``init``, else the system temp directory), so two sessions, or two users, sharing a root
never see each other's files. The folder is removed by ``shutdown`` (and so at normal exit),
by a SIGTERM handler, and otherwise (SIGKILL, a crash) by the next session that starts with
the same root: folders of this user whose process is gone are orphans.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
import threading

PREFIX = "rt-spill-"
_NAME = re.compile(re.escape(PREFIX) + r"(\d+)-[A-Za-z0-9_]+$")
FILE_MODE = 0o600


def default_root() -> str:
    return tempfile.gettempdir()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def remove_orphans(root: str) -> list[str]:
    """Remove this user's session folders under ``root`` whose process has exited; returns
    their paths. A folder whose process id was reused by a live process is kept (a leak,
    never a loss)."""
    removed = []
    try:
        names = os.listdir(root)
    except OSError:
        return removed
    uid = os.getuid()
    for name in names:
        m = _NAME.match(name)
        if m is None or int(m.group(1)) == os.getpid():
            continue
        path = os.path.join(root, name)
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if st.st_uid != uid or not os.path.isdir(path) or os.path.islink(path):
            continue
        if not _alive(int(m.group(1))):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def new_session_dir(root: str | None) -> str:
    """Create this session's private folder under ``root`` (made if missing), after removing
    orphans there."""
    root = os.path.abspath(os.path.expanduser(root or default_root()))
    os.makedirs(root, exist_ok=True)
    remove_orphans(root)
    # mkdtemp creates the folder with mode 0700 and a name nobody else can take
    return tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=root)


def create_private(path: str):
    """Open ``path`` for writing, created with mode 0600 (whatever the umask)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0),
                 FILE_MODE)
    return os.fdopen(fd, "wb")


class TermHandler:
    """On SIGTERM, remove the session's folder, then die of SIGTERM as before.

    Installed only from the main thread and only over the default action (a handler the
    program set itself is left alone); ``uninstall`` puts the default back. The handler does
    not take the driver's lock (the signal may arrive while the main thread holds it): it
    removes the folder and lets the workers see their socket close.
    """

    def __init__(self, folder: str):
        self.folder = folder
        self.installed = False
        if threading.current_thread() is not threading.main_thread():
            return
        try:
            if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
                return
            signal.signal(signal.SIGTERM, self._on_term)
            self.installed = True
        except (ValueError, OSError):  # not the main interpreter, or no signals here
            pass

    def _on_term(self, signum, frame) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)

    def uninstall(self) -> None:
        if not self.installed or threading.current_thread() is not threading.main_thread():
            return
        try:
            if signal.getsignal(signal.SIGTERM) == self._on_term:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
        except (ValueError, OSError):
            pass
        self.installed = False
