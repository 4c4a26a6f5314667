"""Sphinx configuration of the NumS documentation site.

Build: ``sphinx-build -W --keep-going docs docs/_build/html`` (``pip install -e ".[docs]"``).
``tests/test_docs.py`` (marker ``docs``) runs exactly that into a temporary folder.

Why Sphinx: numpydoc renders the NumPy-style docstrings the code already has (and the ones
``nums.numpy`` takes from NumPy at runtime) as NumPy's own documentation does, autosummary
makes the API reference from ``__all__``, and myst-parser keeps the guides in Markdown.

Nothing here uses the network: no intersphinx (the build must work offline).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import nums_reference  # noqa: E402

# the API reference and the NumPy support table, from the code being documented (not a copy)
nums_reference.generate(HERE)

project = "NumS"
author = "the NumS developers"
copyright = "the NumS developers"
release = version = __import__("nums").__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
    "nums_examples",  # runs every ```python block of the Markdown pages (docs/_ext)
    "nums_refs",  # NumPy's cross-references inside reused NumPy docstrings (docs/_ext)
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = [
    "_build",
    # the tracked copy of the support table, for readers of the repository; the site shows
    # reference/numpy_support.md, generated from the registry at build time
    "numpy_support.md",
    "README.md",
]
templates_path: list[str] = []

# -- MyST: headings get anchors so pages can link to sections ([text](io.md#s3))
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]

# -- autodoc / autosummary: the stub pages are written by nums_reference.generate, so
# autosummary only makes the tables (its own generation would import everything again)
autosummary_generate = False
autodoc_typehints = "none"  # NumPy's style: types are in the Parameters section
autodoc_member_order = "alphabetical"
autodoc_default_options = {}
add_module_names = False

# -- numpydoc
numpydoc_show_class_members = False  # members are documented by autodoc's :members:
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()
numpydoc_attributes_as_param_list = False

# Warnings are errors (-W). Cross-references are not "nitpicky": the reused NumPy docstrings
# name hundreds of NumPy objects (``ndarray.sum``, ``ufunc.reduce``) this site does not have,
# and without the network there is no intersphinx to resolve them; they render as code.
nitpicky = False
suppress_warnings: list[str] = []

# -- HTML: the PyData theme (NumPy's)
html_theme = "pydata_sphinx_theme"
html_title = "NumS"
html_static_path: list[str] = []
html_theme_options = {
    "navigation_with_keys": False,
    "header_links_before_dropdown": 6,
    "show_toc_level": 2,
    "navbar_end": ["navbar-icon-links"],
    "secondary_sidebar_items": ["page-toc"],
}
# a page of the API reference per name: no section navigation in its left sidebar (it would
# list every name on every one of ~600 pages, a quadratic build)
html_sidebars = {"reference/generated/*": []}
html_show_sourcelink = False
html_copy_source = False
