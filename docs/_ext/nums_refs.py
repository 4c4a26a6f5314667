"""Sphinx extension: NumPy's own cross-references inside the reused NumPy docstrings.

``nums.numpy``'s docstrings are NumPy's (taken from the installed NumPy at runtime, see
``nums/numpy/_docstrings.py``), so they contain references into NumPy's manual:
``:ref:`ufuncs.kwargs```, ``:doc:`/reference/...```, ``:term:`array_like```. This site has no
such labels and, offline, no intersphinx to find them at numpy.org. On the API reference's
pages, and only there, a reference that cannot be resolved is shown as its text; anywhere
else it stays a warning (an error under ``-W``), so our own pages cannot link to nothing.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

API_PAGES = "reference/"  # all generated from docstrings


def _as_text(app: Sphinx, env, node: nodes.Element, contnode: nodes.Element):
    if node.get("refdoc", "").startswith(API_PAGES) and node.get("refdomain") == "std":
        return contnode
    return None


def setup(app: Sphinx) -> dict:
    app.connect("missing-reference", _as_text)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
