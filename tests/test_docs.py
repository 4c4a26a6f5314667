"""The documentation site builds with warnings as errors, and every example in it runs.

``sphinx-build -W --keep-going`` of a copy of ``docs/`` into a temporary folder: the API
reference and the support table are generated from the code, numpydoc renders every
docstring (NumPy's, reused at runtime, included), and the ``python`` blocks of the Markdown
pages run in fresh interpreters (``docs/_ext/nums_examples.py``); any warning fails.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
sys.path.insert(0, str(DOCS / "_ext"))

import nums_examples  # noqa: E402

pytestmark = pytest.mark.docs


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("docs")
    src, out = root / "src", root / "html"
    shutil.copytree(DOCS, src, ignore=shutil.ignore_patterns("_build", "reference",
                                                               "__pycache__"))
    shutil.copy(DOCS.parent / "README.md", root / "README.md")  # included by a page
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         str(src), str(out)], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-6000:]
    return src, out


def test_site_builds_without_warnings_and_runs_its_examples(site):
    src, out = site
    for page in ("index", "getting_started", "guide", "cluster", "benchmarks", "io",
                 "reference/index", "reference/numpy_support"):
        assert (out / f"{page}.html").is_file(), page


def test_reference_covers_every_public_name(site):
    import nums
    import nums.models
    import nums.monitor
    import nums.numpy as nps
    import runtime

    src, out = site
    pages = {p.stem for p in (out / "reference" / "generated").glob("*.html")}
    for module in (nums, nps, nps.linalg, nps.fft, nps.random, nps.emath, nps.lib,
                   nps.lib.stride_tricks, nps.strings, nps.char, nums.models, nums.monitor,
                   runtime):
        for name in module.__all__:
            if name == "__version__" or isinstance(getattr(module, name), types.ModuleType):
                continue
            assert f"{module.__name__}.{name}" in pages, f"{module.__name__}.{name}"
    for name in nps.fallbacks():
        assert f"nums.numpy.{name}" in pages, name
    html = (out / "reference" / "generated" / "nums.numpy.sum.html").read_text()
    assert "nums implementation of" in html and "Parameters" in html


def test_support_table_is_the_registry_current_output(site):
    import nums.numpy as nps

    src, out = site
    assert (src / "reference" / "numpy_support.md").read_text() == nps.support_table()


def test_examples_runner_reports_failures_and_honours_norun():
    source = ("# t\n\n```python\nx = 1\n```\n\n```python norun: needs a cluster\nboom()\n```\n"
              "\n```python\nassert x == 2, 'x is 1'\n```\n\n```\nnot python\n```\n")
    blocks, skipped = nums_examples.blocks_of(source)
    assert [line for line, _ in blocks] == [3, 11] and skipped == 1
    page = nums_examples.Page("t", blocks, skipped)
    failure = nums_examples.run_page(page, timeout=60)
    assert failure is not None and "x is 1" in failure
    assert nums_examples.failing_line(page, failure) == 12  # the assert's line in the page
    page.blocks[1] = (11, "assert x == 1\n")
    assert nums_examples.run_page(page, timeout=60) is None
    slow = nums_examples.Page("slow", [(1, "import time\ntime.sleep(30)\n")])
    assert "did not finish" in nums_examples.run_page(slow, timeout=1)
