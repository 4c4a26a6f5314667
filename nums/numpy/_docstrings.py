"""Docstrings and signatures of nums.numpy's public functions, made from NumPy's at runtime.

A nums function's own docstring says what nums does differently ("nums notes"); the
registry (:mod:`nums.numpy._registry`) and the fallback (:mod:`nums.numpy._fallback`) call
:func:`compose` to turn it into one NumPy-style docstring:

- NumPy's one-line summary first (so ``help`` and the API reference's tables read as NumPy's);
- then a paragraph naming the nums implementation and what differs;
- then NumPy's extended summary and sections (Parameters, Returns, See Also, Notes, ...),
  taken from the installed numpy object, with a ``block_shape`` parameter added where the
  nums function takes one;
- without NumPy's Examples section: those examples run NumPy, not nums, and the docs build
  executes every example it shows (``help(numpy.<name>)`` still has them).

:func:`signature` gives a wrapper that takes ``*args, **kwargs`` (or a nums ufunc) NumPy's
real signature, so ``inspect.signature`` and ``help`` show the arguments that are accepted.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from typing import Any

# a section header of a NumPy docstring: a title, then a line of dashes as long
_HEADER = re.compile(r"^([A-Z][A-Za-z' ]*)\n-+[ \t]*$", re.M)
# a leading call signature line: "zeros(shape, dtype=None, ...)", "exp(x, /, out=None, ...)"
_SIGNATURE_START = re.compile(r"^[\w.]+\(")
# a Parameters entry: "name : type" or "name" (plain names only; "*args", "a1, a2, ..." not)
_PARAM = re.compile(r"^(\w+(?:, \w+)*)(?: :.*)?$")
_NOTES_PREFIX = re.compile(r"^nums implementation of [`]*[\w.]+[`]*\s*[.:;]?\s*")
_WIDTH = 88  # the lines we write (NumPy's keep theirs)
_BLOCK_SHAPE = ("block_shape : tuple of ints, optional\n"
                "    The shape of the result's blocks (nums only); by default one chosen from "
                "the\n    session's ``block_bytes`` setting.")


def split_sections(doc: str) -> tuple[str, list[tuple[str, str]]]:
    """``doc`` (cleaned) as its text before the first section header and its
    ``(title, body)`` sections in order."""
    heads = list(_HEADER.finditer(doc))
    if not heads:
        return doc.strip(), []
    sections = []
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(doc)
        sections.append((m.group(1).strip(), doc[m.end():end].strip("\n")))
    return doc[:heads[0].start()].strip(), sections


def strip_signature(text: str) -> str:
    """NumPy's docstrings of C functions and ufuncs open with call signature lines (a call
    may continue over several lines)."""
    lines = text.splitlines()
    i = 0
    while i < len(lines) and _SIGNATURE_START.match(lines[i]):
        depth = 0
        while i < len(lines):
            depth += lines[i].count("(") - lines[i].count(")")
            i += 1
            if depth <= 0:
                break
        while i < len(lines) and lines[i].strip() in ("", "--"):  # "--": a text signature's end
            i += 1
    return "\n".join(lines[i:]).strip()


def _mark_unaccepted(body: str, accepted: set[str] | None) -> str:
    """NumPy's Parameters entries that the nums function does not accept, marked so."""
    if accepted is None:
        return body
    out = []
    for line in body.splitlines():
        out.append(line)
        m = _PARAM.match(line)
        if m and not {n.strip() for n in m.group(1).split(",")} & accepted:
            out.append("    *nums*: not accepted (a ``TypeError``).")
    return "\n".join(out)


def notes_of(impl: Any) -> str:
    """The nums notes of ``impl``: its own docstring without a leading "nums implementation
    of numpy.x" phrase."""
    notes = _NOTES_PREFIX.sub("", inspect.cleandoc(impl.__doc__ or ""))
    return notes[:1].upper() + notes[1:]


def compose(np_obj: Any, full_name: str, lead: str, notes: str = "",
            impl: Any = None) -> str:
    """The docstring of a nums function that stands for NumPy's ``full_name``.

    ``lead`` is the sentence that says what the nums function is ("nums implementation of
    ``numpy.sum``."), ``notes`` what it does differently (may be empty); ``impl``, when
    given, is the nums function whose signature decides which of NumPy's parameters are
    marked as not accepted and whether ``block_shape`` is documented.
    """
    head, sections = split_sections(strip_signature(inspect.getdoc(np_obj) or ""))
    summary, _, extended = head.partition("\n\n")
    accepted = _accepted(impl, np_obj)
    parts = [summary.strip() or f"``{full_name}``.", textwrap.fill(lead, _WIDTH)]
    if notes:
        parts.append(notes)
    parts.append(textwrap.fill(f"The rest is NumPy's documentation of ``{full_name}`` (its "
                               f"examples: ``help({full_name})``).", _WIDTH))
    if extended.strip():
        parts.append(extended.strip())
    for title, body in sections:
        if title == "Examples":
            continue
        if title == "Parameters":
            body = _mark_unaccepted(body, accepted)
            if accepted and "block_shape" in accepted and "block_shape" not in body:
                body = body.rstrip() + "\n" + _BLOCK_SHAPE
        parts.append(f"{title}\n{'-' * len(title)}\n{body}")
    return "\n\n".join(parts) + "\n"


def _accepted(impl: Any, np_obj: Any) -> set[str] | None:
    """The names of NumPy's parameters that ``impl`` accepts: its own parameter names, and
    NumPy's positional ones that impl also takes by position under another name; None when it
    takes anything (``**kwargs``, a ufunc) or is not given."""
    if impl is None or hasattr(impl, "_ufunc"):
        return None
    try:
        ours = list(inspect.signature(impl).parameters.values())
    except (TypeError, ValueError):
        return None
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in ours):
        return None
    accepted = {p.name for p in ours}
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    n_positional = sum(p.kind in positional for p in ours)
    try:
        theirs = list(inspect.signature(np_obj).parameters.values())
    except (TypeError, ValueError):
        theirs = []
    accepted |= {p.name for p in theirs[:n_positional] if p.kind in positional}
    return accepted


def signature(impl: Any, np_obj: Any) -> inspect.Signature | None:
    """NumPy's signature for ``impl`` when impl's own says less (``*args``, or a nums ufunc),
    with the keyword-only arguments impl adds (``block_shape``); None to keep impl's own."""
    try:
        ours = inspect.signature(impl)
    except (TypeError, ValueError):
        ours = None
    kinds = {p.kind for p in ours.parameters.values()} if ours is not None else set()
    generic = ours is None or hasattr(impl, "_ufunc") or inspect.Parameter.VAR_POSITIONAL in kinds
    if not generic:
        return None
    try:
        theirs = inspect.signature(np_obj)
    except (TypeError, ValueError):
        return None
    params = [p for p in theirs.parameters.values() if p.name != "self"]
    first = next(iter(ours.parameters.values()), None) if ours is not None else None
    if first is not None and first.name == "self":  # a method: keep its self
        params.insert(0, first.replace(kind=inspect.Parameter.POSITIONAL_ONLY))
    extra = [p for p in (ours.parameters.values() if ours is not None else ())
             if p.kind is inspect.Parameter.KEYWORD_ONLY and p.name not in theirs.parameters]
    if extra:
        var_kw = [p for p in params if p.kind is inspect.Parameter.VAR_KEYWORD]
        params = [p for p in params if p.kind is not inspect.Parameter.VAR_KEYWORD]
        params += extra + var_kw
    try:
        return theirs.replace(parameters=params)
    except ValueError:
        return None
