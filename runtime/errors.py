"""Exceptions raised by the runtime.

A task's own exception is re-raised by ``get`` as an instance of a class derived from both
:class:`TaskError` and the original exception type, so ``except ValueError`` still works and the
message carries the remote traceback.
"""

from __future__ import annotations

import functools
import importlib
import os
import pickle
import sys
import traceback
import warnings

from .pickling import dumps


class RuntimeError_(Exception):
    """Base class of every error the runtime raises on its own account."""


class NotInitializedError(RuntimeError_):
    """The runtime was used before :func:`runtime.init` (or after :func:`runtime.shutdown`)."""


class ShutdownError(NotInitializedError):
    """:func:`runtime.shutdown` ran (in another thread) while this thread waited in ``get``
    or ``wait``."""


class ObjectLostError(RuntimeError_):
    """The value of an object was lost (its node, its spill file) and could not be made
    again from the task that made it."""

    def __init__(self, message: str = "", oid: int | None = None):
        super().__init__(message)
        self.oid = oid

    def __reduce__(self):
        return (type(self), (str(self.args[0]) if self.args else "", self.oid))


class ObjectFreedError(RuntimeError_, KeyError):
    """``get`` of an object that was freed or that this runtime never knew."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0]) if self.args else ""


class GetTimeoutError(RuntimeError_, TimeoutError):
    """``get`` did not complete within its timeout."""


class WorkerCrashedError(RuntimeError_):
    """The worker process running a task died more often than the task's ``max_retries``."""


class ActorDiedError(RuntimeError_):
    """The process of an actor died; its pending and later calls fail with this error."""


class SerializationError(RuntimeError_, TypeError):
    """A function, argument or return value could not be pickled."""


class TaskError(RuntimeError_):
    """An exception raised inside a task, re-raised in the caller.

    Attributes
    ----------
    cause : BaseException or None
        The original exception object, when it could be unpickled.
    remote_traceback : str
        The traceback formatted in the worker.
    task_name : str
        The qualified name of the function or method that raised.
    """

    cause: BaseException | None = None
    remote_traceback: str = ""
    task_name: str = ""
    _info: tuple = ()

    def __reduce__(self):
        # derived classes are made at run time: rebuild them rather than pickle them by name
        if self._info:
            return (as_task_error, (self.cause, *self._info))
        return super().__reduce__()


_derived: dict[type, type] = {}


def as_task_error(cause: BaseException | None, type_name: str, message: str,
                  remote_traceback: str, task_name: str) -> BaseException:
    """Build the exception ``get`` raises for a failed task.

    The result is an instance of ``TaskError`` and, where Python allows it, of the type of
    ``cause`` too, with ``str()`` giving the original message followed by the remote traceback.
    """
    text = message
    if remote_traceback:
        text += f"\n\nRemote traceback (task {task_name}):\n{remote_traceback.rstrip()}"
    if isinstance(cause, RuntimeError_) and not isinstance(cause, TaskError):
        cause.args = (text,)  # our own errors (e.g. WorkerCrashedError) keep their type
        return cause
    if isinstance(cause, TaskError) and cause.cause is not None:
        cause = cause.cause  # a task that re-raised another task's error: keep the original type
    base = type(cause) if cause is not None else None
    err: BaseException | None = None
    if base is not None and not issubclass(base, TaskError):
        cls = _derived.get(base)
        if cls is None:
            try:
                cls = type(f"TaskError[{base.__name__}]", (TaskError, base),
                           {"__str__": lambda self: self._text, "__module__": __name__})
            except TypeError:  # final or layout-incompatible exception types
                cls = None
            _derived[base] = cls
        if cls is not None:
            try:
                try:
                    err = cls.__new__(cls)
                except TypeError:  # MemoryError and others refuse a foreign __new__
                    err = cls(*cause.args)
                try:  # (the attributes its __init__ sets from its arguments: a
                    base.__init__(err, *cause.args)  # UnicodeError's, SystemExit's code)
                except Exception:  # noqa: BLE001 - an __init__ of other arguments
                    pass
                err.args = cause.args
                err.__dict__.update(getattr(cause, "__dict__", {}))
            except Exception:  # noqa: BLE001 - any construction failure falls back below
                err = None
    if err is None:
        err = TaskError(f"{type_name}: {text}")
    err._text = text
    err._info = (type_name, message, remote_traceback, task_name)
    err.cause = cause
    err.remote_traceback = remote_traceback
    err.task_name = task_name
    return err


def error_info(exc: BaseException, name: str) -> tuple:
    """An exception as it travels between processes: (pickled exception or None, type name,
    message, traceback text, task name). Exceptions made by the runtime itself carry no
    traceback."""
    tb = ("".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
          if exc.__traceback__ is not None else "")
    try:  # its class, arguments and attributes (rebuilt by _rebuilt: an exception whose
        # __init__ takes other arguments than it passes on would not unpickle)
        blob = dumps((type(exc), exc.args, dict(getattr(exc, "__dict__", {}))))
    except Exception:  # noqa: BLE001 - unpicklable exceptions travel as text only
        blob = None
    return (blob, type(exc).__name__, str(exc), tb, name)


def _rebuilt(cls: type, args: tuple, state: dict) -> BaseException:
    """An exception of ``cls`` with ``args`` and attributes ``state``: made by its class
    from its arguments where that works, else without its ``__init__``."""
    try:
        exc = cls(*args)
    except Exception:  # noqa: BLE001 - an __init__ of other arguments
        exc = cls.__new__(cls)
        exc.args = args
    exc.__dict__.update(state)
    return exc


def error_cause(info: tuple) -> BaseException | None:
    """The exception that ``error_info`` describes, rebuilt in this process; None when it
    travelled as text only or cannot be rebuilt here."""
    blob = info[0]
    if blob is None:
        return None
    try:
        return _rebuilt(*pickle.loads(blob))
    except Exception:  # noqa: BLE001 - its class is not importable here
        return None


def raise_error_info(info: tuple) -> None:
    """Raise, in this process, the exception described by ``error_info``."""
    _, type_name, message, tb, name = info
    raise as_task_error(error_cause(info), type_name, message, tb, name)


MAX_WARNINGS = 20  # distinct warnings reported per task


def describe_warnings(caught: list) -> list[tuple[str, str, str]]:
    """The distinct warnings a task raised, as ``(category module, category qualname,
    message)``, for the caller to raise again (:func:`reissue_warnings`)."""
    seen: list[tuple[str, str, str]] = []
    for w in caught:
        item = (w.category.__module__, w.category.__qualname__, str(w.message))
        if item not in seen:
            seen.append(item)
            if len(seen) >= MAX_WARNINGS:
                break
    return seen


def _warning_category(module: str, qualname: str) -> type[Warning]:
    try:
        obj: object = importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except Exception:  # noqa: BLE001 - a category the caller cannot import
        return UserWarning
    return obj if isinstance(obj, type) and issubclass(obj, Warning) else UserWarning


# folders whose frames a warning skips to blame the user's line: the runtime's own, and
# those of libraries built on it that register themselves (nums does)
_INTERNAL_DIRS: list[str] = [os.path.dirname(os.path.abspath(__file__)) + os.sep]


def add_internal_package(folder: str) -> None:
    """Make :func:`warn` skip the frames of the files under ``folder`` (a package built on
    the runtime registers its own folder, so that its warnings name its users' lines)."""
    folder = os.path.join(os.path.abspath(folder), "")
    if folder not in _INTERNAL_DIRS:
        _INTERNAL_DIRS.append(folder)
        _is_internal.cache_clear()


@functools.lru_cache(maxsize=1024)
def _is_internal(filename: str) -> bool:
    if filename.startswith("<"):  # <string>, <stdin>, a notebook cell: the user's code
        return False
    return os.path.abspath(filename).startswith(tuple(_INTERNAL_DIRS))


def warn(message: str | Warning, category: type[Warning] = UserWarning) -> None:
    """``warnings.warn`` blaming the first frame of the call stack outside the runtime and
    the registered packages (:func:`add_internal_package`): the user's file and line, as
    NumPy's warnings name the line that called NumPy. When every frame is internal (a
    thread of the runtime), the direct caller is blamed.

    Every warning the runtime and nums raise, or raise again, goes through here.
    """
    frame, level = sys._getframe(1), 2  # stacklevel 2: the caller of this function
    while frame is not None and _is_internal(frame.f_code.co_filename):
        frame, level = frame.f_back, level + 1
    if frame is not None and _shown_before(message, category, frame):
        return
    warnings.warn(message, category, stacklevel=2 if frame is None else level)


# what :func:`warn` showed under a "default", "module" or "once" filter, for each list of
# filters it was shown under: Python forgets what it showed whenever the filters change, and
# every ``catch_warnings`` (the runtime's around a task, NumPy's own) changes them and puts
# them back, so a warning repeated at a user's line would show each time, where NumPy's
# shows once. The filters the user sets still count: under another list of them a warning
# shows again.
_shown: dict[tuple, tuple] = {}  # (list id, filters) -> (the list, the keys shown under it)
_SHOWN_LISTS = 16


def _shown_before(message: str | Warning, category: type[Warning], frame: object) -> bool:
    """Whether the user's filters show ``message`` at ``frame``'s line only once and it was
    shown there already (remembering it otherwise)."""
    if isinstance(message, Warning):
        text, category = str(message), type(message)
    else:
        text = str(message)
    filename, lineno = frame.f_code.co_filename, frame.f_lineno
    module = frame.f_globals.get("__name__", "<string>")
    # the list itself counts (``catch_warnings`` makes a new one: a new block of the user's
    # forgets, as Python's; nums's own put the list back), held so its id is not reused
    filters = (id(warnings.filters), tuple(warnings.filters))
    action = warnings.defaultaction
    for act, msg, cat, mod, ln in filters[1]:  # (the first filter that matches, as Python's)
        if ((msg is None or msg.match(text)) and issubclass(category, cat)
                and (mod is None or mod.match(module)) and (ln == 0 or ln == lineno)):
            action = act
            break
    key = {"default": (filename, text, category, lineno), "module": (filename, text, category),
           "once": (text, category)}.get(action)
    if key is None:
        return False
    held = _shown.get(filters)
    if held is None:
        if len(_shown) >= _SHOWN_LISTS:
            _shown.clear()
        held = _shown[filters] = (warnings.filters, set())
    shown = held[1]
    if key in shown:
        return True
    shown.add(key)
    return False


class warnings_at_caller:  # noqa: N801 - used as a function: ``with warnings_at_caller():``
    """Run a block in this process (a task of an in-process backend, NumPy called on the
    driver) and raise its warnings again when it ends without error, through :func:`warn`:
    each distinct one once, at the user's line rather than the line inside the block.

    ``seen``: the (category, message) pairs already raised again, which are not raised
    again (and the new ones, added): the blocks of one operation, run one after the other,
    warn of the same thing, which NumPy's one call does once.

    ``on_error``: raise them also when the block raises (before its error, as NumPy warns
    of what it met before the error it raises), for a block whose error is the caller's
    answer rather than a cue to try another way.

    A class rather than ``contextlib.contextmanager``, whose frames would be blamed.
    """

    def __init__(self, on_error: bool = False, seen: set | None = None):
        self._on_error = on_error
        self._seen = seen

    def __enter__(self) -> None:
        self._catch = warnings.catch_warnings(record=True)
        self._caught = self._catch.__enter__()
        warnings.simplefilter("always")  # the caller's filters decide, as on a worker

    def __exit__(self, *exc_info: object) -> None:
        self._catch.__exit__(*exc_info)
        if exc_info[0] is None or self._on_error:
            for key, w in {(w.category, str(w.message)): w for w in self._caught}.items():
                if self._seen is not None:
                    if key in self._seen:
                        continue
                    self._seen.add(key)
                warn(w.message, w.category)


def reissue_warnings(reported: list[tuple[str, str, str]]) -> None:
    """Raise in the caller the warnings that tasks reported (same category and message), so
    that its filters, ``-W error`` and ``pytest.warns`` see them, at the user's line
    (:func:`warn`): Python's default filter shows each distinct message once per line.
    Each distinct warning is raised once (the blocks of one operation warn of the same
    thing, as NumPy's one call does once)."""
    for module, qualname, message in dict.fromkeys(reported):
        warn(message, _warning_category(module, qualname))
