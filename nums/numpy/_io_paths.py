"""Paths of nums.numpy's file functions, made absolute in the user's process."""

from __future__ import annotations

import os
from typing import Any


def task_path(file: Any) -> str:
    """``file`` (a str or os.PathLike) as an absolute path, resolved against the current
    directory of the user's process. Tasks read and write the file in worker processes,
    whose current directory does not follow ``os.chdir`` in the user's process (nor a
    notebook's ``%cd``): a relative path would name another file there."""
    return os.path.abspath(os.fspath(file))
