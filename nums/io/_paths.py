"""Where a dataset lives: URLs (plain paths, ``file://``) resolved to local folders."""

from __future__ import annotations

import os
from pathlib import Path


def local_path(url: str | os.PathLike) -> Path:
    """The local folder of ``url`` (a path or a ``file://`` URL); S3 URLs raise a clear
    NotImplementedError until the S3 store exists."""
    text = os.fspath(url)
    if text.startswith("s3://"):
        raise NotImplementedError(f"nums I/O: S3 URLs are not supported yet ({text!r}); "
                                  "use a local path")
    if text.startswith("file://"):
        text = text[len("file://"):]
    elif "://" in text:
        raise ValueError(f"nums I/O: unsupported URL scheme in {text!r} (a path, file:// "
                         "or s3://)")
    return Path(text).expanduser()
