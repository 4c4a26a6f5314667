"""Sphinx extension: every Python example in the docs' Markdown pages runs during the build.

Each page's fenced blocks whose info string is ``python`` are joined in order into one script
(later blocks may use what earlier ones defined, as a reader would) and run in a fresh
interpreter, in an empty temporary folder as the working directory, so examples may write
relative paths. A script that fails (non-zero exit or more than ``nums_examples_timeout``
seconds) is a build warning naming the page, the block's line and the script's stderr, so
``sphinx-build -W`` fails and the docs cannot drift from the code.

Every build runs every page's examples, changed or not (the code they exercise may have
changed): they start when the builder is initialised, two scripts at a time, while Sphinx
reads the sources, and are waited for once reading is done.

A block that cannot run here says so in its info string with a reason, e.g.
```` ```python norun: needs a Ray cluster ````; it is shown highlighted as Python but not run.
Such blocks are counted in the build's log.

Examples must be quick (small arrays, small sessions) and stop what they start
(``nums.shutdown()``); anything a script leaves behind in its process group is killed when
it ends. ``-D nums_examples=0`` skips the runs (for quick previews of the layout only).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.matching import Matcher

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


def script_of(page: Page) -> str:
    """The page's blocks as one script; each block is preceded by a marker line, so that a
    traceback's line numbers lead back to the block."""
    parts = []
    for line, code in page.blocks:
        parts.append(f"# --- {page.docname}.md, block at line {line}\n{code.rstrip()}")
    return "\n".join(parts)


def page_line(page: Page, script_line: int) -> int:
    """The line of the Markdown page that is line ``script_line`` of :func:`script_of`."""
    at = 1
    for line, code in page.blocks:
        n = len(code.rstrip().splitlines())
        if at < script_line <= at + n:  # the block's lines follow its marker line
            return line + script_line - at  # (line is the fence's; its code starts below)
        at += n + 1
    return page.blocks[0][0]


def failing_line(page: Page, stderr: str) -> int:
    """The page line of the last script frame of a traceback (the first block if none)."""
    frames = re.findall(r'File "<string>", line (\d+)', stderr)
    return page_line(page, int(frames[-1])) if frames else page.blocks[0][0]


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


def _start(app: Sphinx) -> None:
    """Start running every page's examples, in the background while Sphinx reads."""
    app._nums_examples = []
    if not app.config.nums_examples:
        return
    srcdir = Path(app.srcdir)
    excluded = Matcher(app.config.exclude_patterns)
    pages = []
    for path in sorted(srcdir.rglob("*.md")):
        rel = path.relative_to(srcdir).as_posix()
        if excluded(rel) or any(part[:1] in "_." for part in rel.split("/")[:-1]):
            continue  # excluded, or in _build, _ext, .venv, ...
        blocks, skipped = blocks_of(path.read_text(encoding="utf-8"))
        pages.append(Page(rel[:-len(".md")], blocks, skipped))
    to_run = [p for p in pages if p.blocks]
    logger.info(f"running the Python examples of {len(to_run)} page(s) "
                f"({sum(len(p.blocks) for p in to_run)} blocks; "
                f"{sum(p.skipped for p in pages)} marked norun)")
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="nums-examples")
    timeout = app.config.nums_examples_timeout
    app._nums_examples = [(page, pool.submit(run_page, page, timeout)) for page in to_run]
    pool.shutdown(wait=False)


def _report(app: Sphinx, env) -> None:
    """Wait for the examples (started at builder-inited) and report each failing page."""
    runs, app._nums_examples = app._nums_examples, []
    for page, future in runs:
        failure = future.result()
        if failure is not None:
            logger.warning(f"the Python examples of this page failed: {failure}",
                           location=(page.docname, failing_line(page, failure)),
                           type="nums", subtype="examples")


def setup(app: Sphinx) -> dict:
    app.add_config_value("nums_examples", True, "env", bool)
    app.add_config_value("nums_examples_timeout", 120.0, "env", float)
    app.connect("builder-inited", _start)
    app.connect("env-updated", _report)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
