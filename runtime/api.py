"""The public API: ``remote`` functions and actors, ``put``, ``get``, ``wait``."""

from __future__ import annotations

import hashlib
import inspect
from typing import Any

from . import context, serialization
from .errors import SerializationError
from .options import ACTOR_OPTIONS, TASK_OPTIONS, resolved, validate
from .pickling import dumps
from .protocol import TaskSpec
from .refs import ObjectRef, note_contained


def _num_nodes() -> int | None:
    ctx = context.current
    return None if ctx is None else ctx.num_nodes


def _pickle_callable(obj: Any, what: str) -> tuple[bytes, bytes]:
    try:
        blob = dumps(obj)
    except Exception as e:  # noqa: BLE001
        raise SerializationError(f"could not pickle {what} {getattr(obj, '__qualname__', obj)!r}"
                                 f": {type(e).__name__}: {e}") from e
    return hashlib.blake2b(blob, digest_size=16).digest(), blob


def _arguments(args: tuple, kwargs: dict, name: str) -> tuple[tuple, list, list, Any]:
    """Payload (with top-level refs taken out), the refs' positions, nested ref ids, and
    the ref of the payload when it went through the store (to keep alive until submitted)."""
    plain_args = list(args)
    plain_kwargs = dict(kwargs)
    ref_args: list = []
    for i, a in enumerate(args):
        if isinstance(a, ObjectRef):
            ref_args.append((i, a.id))
            plain_args[i] = None
    for k, a in kwargs.items():
        if isinstance(a, ObjectRef):
            ref_args.append((k, a.id))
            plain_kwargs[k] = None
    with serialization.task_arguments():
        ser = serialization.serialize((plain_args, plain_kwargs), f"the arguments of {name}")
    if ser.size < serialization.INLINE_MAX:
        return ("i", None, *ser.inline()), ref_args, ser.contained, None
    # large arguments passed by value go through the store, never through a pipe
    with serialization.task_arguments():
        ref = context.get_context().put((plain_args, plain_kwargs))
    return ("ref", ref.id), ref_args, [], ref


def _submit(kind: str, name: str, fn_id: bytes | None, blob: bytes | None, args: tuple,
            kwargs: dict, opts: dict, actor_id: int | None = None,
            method: str | None = None) -> list[ObjectRef]:
    ctx = context.get_context()
    payload, ref_args, contained, payload_ref = _arguments(args, kwargs, name)
    n = 1 if kind == "actor_new" else opts.get("num_returns", 1)
    spec = TaskSpec(tid=ctx.new_id(), kind=kind, name=name, fn_id=fn_id, fn_blob=blob,
                    payload=payload, ref_args=ref_args, contained=contained,
                    return_ids=[ctx.new_id() for _ in range(n)], node=opts.get("node"),
                    max_retries=opts.get("max_retries", 0), actor_id=actor_id, method=method)
    if kind == "actor_new":
        ctx.create_actor(spec)
        return []
    refs = ctx.submit(spec)
    del payload_ref  # the task holds the payload now
    return refs


class RemoteFunction:
    """A function that runs as a task: ``f.remote(*args)`` returns an ObjectRef.

    ``f.options(node=..., num_returns=..., max_retries=...)`` returns a copy with other
    options. Calling ``f(...)`` directly is an error, as in Ray.
    """

    def __init__(self, fn: Any, options: dict):
        self._fn = fn
        self._options = options
        self._name = getattr(fn, "__qualname__", repr(fn))
        self._pickled: tuple[bytes, bytes] | None = None
        self.__doc__ = getattr(fn, "__doc__", None)

    def options(self, **options: Any) -> RemoteFunction:
        validate(options, TASK_OPTIONS, _num_nodes(), "task")
        if self._pickled is None:  # pickled once here, not again by every copy
            self._pickled = _pickle_callable(self._fn, "function")
        new = RemoteFunction(self._fn, {**self._options, **options})
        new._pickled = self._pickled
        return new

    def remote(self, *args: Any, **kwargs: Any) -> Any:
        opts = resolved(self._options, TASK_OPTIONS)
        node = opts["node"]
        nn = _num_nodes()
        if node is not None and nn is not None and node >= nn:
            validate({"node": node}, TASK_OPTIONS, nn, "task")
        if self._pickled is None:
            self._pickled = _pickle_callable(self._fn, "function")
        fn_id, blob = self._pickled
        refs = _submit("task", opts["name"] or self._name, fn_id, blob, args, kwargs, opts)
        return refs[0] if opts["num_returns"] == 1 else refs

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(f"remote function {self._name} cannot be called directly: "
                        f"use {self._name}.remote(...)")


class ActorClass:
    """A class whose instances live in their own worker process: ``C.remote(...)``."""

    def __init__(self, cls: type, options: dict):
        self._cls = cls
        self._options = options
        self._name = cls.__qualname__
        self._pickled: tuple[bytes, bytes] | None = None
        self._methods = frozenset(n for n, _ in inspect.getmembers(cls, callable)
                                  if not n.startswith("__"))

    def options(self, **options: Any) -> ActorClass:
        validate(options, ACTOR_OPTIONS, _num_nodes(), "actor")
        new = ActorClass(self._cls, {**self._options, **options})
        new._pickled = self._pickled
        return new

    def remote(self, *args: Any, **kwargs: Any) -> ActorHandle:
        opts = resolved(self._options, ACTOR_OPTIONS)
        if self._pickled is None:
            self._pickled = _pickle_callable(self._cls, "class")
        fn_id, blob = self._pickled
        ctx = context.get_context()
        aid = ctx.new_id()
        _submit("actor_new", f"{self._name}.__init__", fn_id, blob, args, kwargs,
                {"node": opts["node"]}, actor_id=aid)
        return ActorHandle(aid, self._name, self._methods, counted=True)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(f"actor class {self._name} cannot be instantiated directly: "
                        f"use {self._name}.remote(...)")


class ActorHandle:
    """A handle to an actor; ``h.method.remote(...)`` runs calls in submission order.

    Handles can be passed to tasks. The actor's process ends when no handle is left.
    """

    def __init__(self, actor_id: int, name: str, methods: frozenset, *, counted: bool = False):
        self._id = actor_id
        self._name = name
        self._methods = methods
        if not counted:
            context.get_context().incref(actor_id)

    def __getattr__(self, item: str) -> ActorMethod:
        if item.startswith("_") or item not in self._methods:
            raise AttributeError(f"actor {self._name} has no method {item!r}")
        return ActorMethod(self, item, {})

    def __del__(self) -> None:
        ctx = context.current
        if ctx is not None:
            try:
                ctx.decref(self._id)
            except Exception:  # noqa: BLE001
                pass

    def __reduce__(self):
        note_contained(self._id)
        return (ActorHandle, (self._id, self._name, self._methods))

    def __repr__(self) -> str:
        return f"ActorHandle({self._name}, {self._id:#x})"


class ActorMethod:
    """``handle.method``: ``.remote(*args)`` and ``.options(num_returns=...)``."""

    def __init__(self, handle: ActorHandle, name: str, options: dict):
        self._handle, self._method, self._options = handle, name, options

    def options(self, **options: Any) -> ActorMethod:
        validate(options, {"num_returns": TASK_OPTIONS["num_returns"]}, None, "actor method")
        return ActorMethod(self._handle, self._method, {**self._options, **options})

    def remote(self, *args: Any, **kwargs: Any) -> Any:
        h = self._handle
        n = self._options.get("num_returns", 1)
        refs = _submit("call", f"{h._name}.{self._method}", None, None, args, kwargs,
                       {"num_returns": n, "max_retries": 0}, actor_id=h._id,
                       method=self._method)
        return refs[0] if n == 1 else refs


def remote(obj: Any = None, **options: Any) -> Any:
    """Make a function a task, or a class an actor: ``@remote`` or ``@remote(num_returns=2)``.

    Parameters
    ----------
    obj : callable or class
        The function or class.
    **options
        Task options: ``node``, ``num_returns``, ``max_retries``, ``name``; actor options:
        ``node``, ``name``.
    """
    if obj is None:
        return lambda o: remote(o, **options)
    if inspect.isclass(obj):
        validate(options, ACTOR_OPTIONS, _num_nodes(), "actor")
        return ActorClass(obj, options)
    if not callable(obj):
        raise TypeError(f"remote() takes a function or a class, not {type(obj).__name__}")
    validate(options, TASK_OPTIONS, _num_nodes(), "task")
    return RemoteFunction(obj, options)


def put(value: Any, node: int | None = None) -> ObjectRef:
    """Store ``value`` (on ``node``'s store, default 0) and return its ObjectRef."""
    nn = _num_nodes()
    if node is not None:
        validate({"node": node}, TASK_OPTIONS, nn, "put")
    if isinstance(value, ObjectRef):
        raise TypeError("put() of an ObjectRef: pass the ref itself instead")
    return context.get_context().put(value, node)


def get(refs: ObjectRef | list[ObjectRef], timeout: float | None = None) -> Any:
    """Value of an ObjectRef, or a list of values for a list of refs.

    Numpy arrays come back as read-only views on shared memory (zero-copy). A task's exception
    is raised here, as its own type, with the remote traceback in the message.
    """
    ctx = context.get_context()
    if isinstance(refs, ObjectRef):
        return ctx.get_values([refs.id], timeout)[0]
    refs = list(refs)
    for r in refs:
        if not isinstance(r, ObjectRef):
            raise TypeError(f"get() takes ObjectRefs, not {type(r).__name__}")
    return ctx.get_values([r.id for r in refs], timeout)


def wait(refs: list[ObjectRef], num_returns: int = 1,
         timeout: float | None = None) -> tuple[list[ObjectRef], list[ObjectRef]]:
    """Split ``refs`` into (ready, not ready) once ``num_returns`` are ready or at timeout."""
    refs = list(refs)
    if not 0 <= num_returns <= len(refs):
        raise ValueError(f"num_returns={num_returns} must be between 0 and len(refs)={len(refs)}")
    ready_ids = set(context.get_context().wait([r.id for r in refs], num_returns, timeout))
    ready = [r for r in refs if r.id in ready_ids][:max(num_returns, 0)]
    taken = {r.id for r in ready}
    return ready, [r for r in refs if r.id not in taken]


def output_buffer(shape: int | tuple[int, ...], dtype: Any = float) -> Any:
    """A new, writable numpy array for a task's result, allocated in the node's store.

    Inside a task, a large array made here and returned as the task's (whole) result becomes
    the result object without being copied: fill it, return it, and do not write to it
    afterwards (the object is immutable from then on). Elsewhere (in the driver, in small
    sizes, or when the store is full) it is a plain ``numpy.empty``. Memory of a buffer the
    task does not return is given back when the task ends.
    """
    import numpy as np

    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    ctx = context.current
    maker = getattr(ctx, "output_buffer", None)
    if maker is None:
        return np.empty(shape, dtype)
    return maker(shape, dtype)


def donated(arr: Any, shared: bool = False) -> Any:
    """``arr``, an argument of the running task read from the store, as a writable array
    over the same memory when the task is the only holder of its object; else None.

    The task may then write it in place and return it as its (whole) result, which becomes
    the result object without a copy: a task that changes part of a large block (``x[0] =
    1``) need not copy the rest. The object is handed over only when nothing else can read
    it any more: no other reference (an ObjectRef in the driver, another task's argument,
    an object containing it), no zero-copy value of it alive elsewhere, none on disk; its
    copies on other nodes (made for earlier readers, read by no one now) are dropped. When
    one other reference stands in the way, the request waits for it to go (the caller
    replacing its array's block drops it just after submitting the task), at most about the
    time a copy would take. ``shared``: the task takes the object as several of its
    arguments and reads them all before it writes (as ``out[key] = f(args)`` computed in a
    new array first). A task given an object this way is not run again if its worker dies:
    the object's value went with it (the task fails with ``WorkerCrashedError``). Outside
    a task of the embedded runtime (the driver, Ray) it is None.
    """
    ctx = context.current
    if not getattr(ctx, "is_worker", False):
        return None
    return ctx.donated(arr, shared)
