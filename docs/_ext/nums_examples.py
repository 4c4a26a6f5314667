"""Sphinx extension: every Python example in the docs' Markdown pages runs during the build.

Each page's fenced blocks whose info string is ``python`` are joined in order into one script
(later blocks may use what earlier ones defined, as a reader would) and run in a fresh
interpreter, in an empty temporary folder as the working directory, so examples may write
relative paths. A script that fails (non-zero exit or more than ``nums_examples_timeout``
seconds) is a build warning naming the page, the block's line and the script's stderr, so
``sphinx-build -W`` fails and the docs cannot drift from the code. Scripts of different pages
run two at a time.

A block that cannot run here says so in its info string with a reason, e.g.
```` ```python norun: needs a Ray cluster ````; it is shown highlighted as Python but not run.
Such blocks are counted in the build's log.

Examples must be quick (small arrays, small sessions) and stop what they start
(``nums.shutdown()``); anything a script leaves behind in its process group is killed when
it ends. ``-D nums_examples=0`` skips the runs (for quick previews of the layout only).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


@dataclass
class Page:
    docname: str
    blocks: list[tuple[int, str]] = field(default_factory=list)  # (first line, code)
    skipped: int = 0


def blocks_of(source: str) -> tuple[list[tuple[int, str]], int]:
    """The ``python`` fenced blocks of a Markdown source as ``(line, code)``, and how many
    ``python norun: ...`` blocks it has."""
    runnable, skipped = [], 0
    for token in MarkdownIt("commonmark").parse(source):
        if token.type != "fence":
            continue
        info = token.info.strip()
        if info == "python":
            runnable.append((token.map[0] + 1 if token.map else 0, token.content))
        elif info.startswith("python norun"):
            skipped += 1
    return runnable, skipped


def _collect(app: Sphinx, docname: str, source: list[str]) -> None:
    if not app.env.doc2path(docname).suffix == ".md":
        return
    blocks, skipped = blocks_of(source[0])
    pages = app.env.nums_example_pages = getattr(app.env, "nums_example_pages", {})
    pages[docname] = Page(docname, blocks, skipped)


def script_of(page: Page) -> str:
    """The page's blocks as one script; each block is preceded by a marker line, so that a
    traceback's line numbers lead back to the block."""
    parts = []
    for line, code in page.blocks:
        parts.append(f"# --- {page.docname}.md, block at line {line}\n{code}")
    return "\n".join(parts)


def run_page(page: Page, timeout: float) -> str | None:
    """Run the page's script; None if it succeeded, else what went wrong."""
    with tempfile.TemporaryDirectory(prefix="nums-docs-example-") as tmp:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        proc = subprocess.Popen([sys.executable, "-c", script_of(page)], cwd=tmp, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
            failure = None if proc.returncode == 0 else (
                f"exit status {proc.returncode}\n{err[-3000:]}")
        except subprocess.TimeoutExpired:
            failure = f"did not finish within {timeout} s"
        finally:
            try:  # whatever the script started and left running
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            if proc.returncode is None:
                proc.communicate()
        return failure


def _run(app: Sphinx, env) -> None:
    pages = [p for p in getattr(env, "nums_example_pages", {}).values()
             if p.docname in env.found_docs]
    env.nums_example_pages = {}
    if not app.config.nums_examples:
        return
    skipped = sum(p.skipped for p in pages)
    to_run = [p for p in pages if p.blocks]
    if not to_run:
        return
    logger.info(f"running the Python examples of {len(to_run)} page(s) "
                f"({sum(len(p.blocks) for p in to_run)} blocks; {skipped} marked norun)")
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda p: run_page(p, app.config.nums_examples_timeout),
                                to_run))
    for page, failure in zip(to_run, results, strict=True):
        if failure is not None:
            logger.warning(f"the Python examples of this page failed: {failure}",
                           location=(page.docname, page.blocks[0][0]),
                           type="nums", subtype="examples")


def setup(app: Sphinx) -> dict:
    app.add_config_value("nums_examples", True, "env", bool)
    app.add_config_value("nums_examples_timeout", 120.0, "env", float)
    app.connect("source-read", _collect)
    app.connect("env-updated", _run)
    return {"parallel_read_safe": False, "parallel_write_safe": True, "env_version": 1}
