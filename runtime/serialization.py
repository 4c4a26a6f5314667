"""Values to bytes and back: pickle protocol 5 with out-of-band buffers.

An object in the store is a *region*: the in-band pickle (the header), then each out-of-band
buffer at a 64-byte aligned offset. ``layout`` lists ``(offset, length)`` of the buffers
relative to the region's start. Reading a region gives zero-copy, read-only numpy arrays;
``on_release`` is called once no value made from the region is alive any more (so the
owner can unpin the memory).
"""

from __future__ import annotations

import contextvars
import ctypes
import os
import pickle
import weakref
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import refs
from .allocator import align_up
from .errors import SerializationError
from .pickling import dumps, fast_dumps
from .spill import create_private

INLINE_MAX = 100 * 1024  # objects smaller than this travel inline with control messages
Layout = tuple[tuple[int, int], ...]


@dataclass
class Serialized:
    """A value as header bytes plus out-of-band buffers, and the refs it contains."""

    header: bytes
    buffers: list[memoryview]
    contained: list[int]

    @property
    def size(self) -> int:
        """Payload bytes: header plus buffers (what counts as the object's size)."""
        return len(self.header) + sum(b.nbytes for b in self.buffers)

    def layout(self) -> Layout:
        off = len(self.header)
        out = []
        for b in self.buffers:
            off = align_up(off)
            out.append((off, b.nbytes))
            off += b.nbytes
        return tuple(out)

    def region_size(self) -> int:
        lay = self.layout()
        return lay[-1][0] + lay[-1][1] if lay else len(self.header)

    def inline(self) -> tuple[bytes, tuple[bytes, ...]]:
        """The value as plain bytes, for messages."""
        return self.header, tuple(bytes(b) for b in self.buffers)


_TASK_ARGUMENTS = contextvars.ContextVar("runtime_task_arguments", default=False)


class task_arguments:  # noqa: N801 - used as a function: ``with task_arguments():``
    """The block in which a task's arguments are pickled: an object that stands for data
    held elsewhere (a caller's distributed array captured by a function the task runs)
    can pickle as its value there (see :func:`for_task`)."""

    def __enter__(self) -> None:
        self._token = _TASK_ARGUMENTS.set(True)

    def __exit__(self, *exc_info: object) -> None:
        _TASK_ARGUMENTS.reset(self._token)


def for_task() -> bool:
    """Whether what is being pickled now goes to a task (its arguments)."""
    return _TASK_ARGUMENTS.get()


def serialize(value: object, what: str = "value") -> Serialized:
    """Pickle ``value`` (cloudpickle, protocol 5) keeping large buffers out of band."""
    bufs: list[pickle.PickleBuffer] = []
    refs.start_collecting()
    try:
        try:  # the C pickler is several times faster; cloudpickle handles the rest
            header = fast_dumps(value, bufs.append)
        except Exception:  # noqa: BLE001 - lambdas, a script's functions, ... need cloudpickle
            bufs.clear()
            refs.stop_collecting()
            refs.start_collecting()
            header = dumps(value, bufs.append)
    except Exception as e:  # noqa: BLE001 - any pickling failure becomes one clear error
        refs.stop_collecting()
        raise SerializationError(f"could not pickle {what}: {type(e).__name__}: {e}") from e
    contained = refs.stop_collecting()
    raws = []
    for b in bufs:
        try:
            raws.append(b.raw())
        except BufferError:  # non-contiguous buffer: copy it to a contiguous one
            raws.append(memoryview(bytes(b)))
    return Serialized(header, raws, contained)


def write_region(dst: memoryview, offset: int, ser: Serialized) -> Layout:
    """Copy a serialized value into ``dst`` at ``offset``; return its layout."""
    hl = len(ser.header)
    dst[offset:offset + hl] = ser.header
    lay = ser.layout()
    for (rel, n), b in zip(lay, ser.buffers):
        if n:
            target = np.frombuffer(dst, np.uint8, count=n, offset=offset + rel)
            np.copyto(target, np.frombuffer(b, np.uint8))  # numpy releases the GIL here
    return lay


def loads_inline(header: bytes, buffers: tuple[bytes, ...]) -> object:
    """Value of an inline object."""
    return pickle.loads(header, buffers=buffers)


def loads_region(mm, offset: int, header_len: int, layout: Layout,
                 on_release: Callable[[], None]) -> object:
    """Value of a region of the mapped segment ``mm``, zero-copy for its buffers.

    ``on_release`` runs once no value derived from the region's buffers is alive.
    """
    if not layout:
        value = pickle.loads(memoryview(mm)[offset:offset + header_len])
        on_release()
        return value
    total = layout[-1][0] + layout[-1][1]
    region = (ctypes.c_char * total).from_buffer(mm, offset)
    view = memoryview(region).cast("B").toreadonly()
    weakref.finalize(region, on_release)
    bufs = [view[a:a + n] for a, n in layout]
    header = view[:header_len]
    del region, view
    if len(bufs) == 1:  # (a NumPy array, usually: rebuilt from its header's form once seen)
        key = bytes(header)
        form = _ARRAY_FORMS.get(key, _UNSEEN)
        if form is not _UNSEEN and form is not None:
            return np.frombuffer(bufs[0], form[0]).reshape(form[1], order=form[2])
    value = pickle.loads(header, buffers=bufs)
    if len(bufs) == 1 and form is _UNSEEN:
        if len(_ARRAY_FORMS) >= _ARRAY_FORMS_MAX:
            _ARRAY_FORMS.clear()
        _ARRAY_FORMS[key] = _array_form(value, bufs[0])
    return value


# the headers of arrays read from regions (pickles of ``dtype``, ``shape`` and ``order``:
# byte-equal headers rebuild alike) -> that form, or None for any other value; unpickling
# costs ten times NumPy's ``frombuffer`` and ``reshape`` of the buffer
_ARRAY_FORMS: dict[bytes, tuple | None] = {}
_ARRAY_FORMS_MAX = 4096
_UNSEEN = object()


def _array_form(value: object, buf: memoryview) -> tuple | None:
    """``(dtype, shape, order)`` of ``value`` when it is a plain array holding all of
    ``buf`` in C or Fortran order, else None."""
    if type(value) is not np.ndarray or value.nbytes != buf.nbytes or value.dtype.hasobject:
        return None
    c, f = value.flags.c_contiguous, value.flags.f_contiguous
    if not (c or f):
        return None
    if value.size and value.ctypes.data != np.frombuffer(buf, np.uint8).ctypes.data:
        return None  # (not the buffer itself)
    return value.dtype, value.shape, "C" if c else "F"


def loads_file(path: str, header_len: int, layout: Layout) -> object:
    """Value of a spilled object, read from its file into private memory."""
    if path is None:  # its last copy went with a lost node: the reader's recovery makes it again
        raise FileNotFoundError("the object has no copy left")
    with open(path, "rb") as f:
        data = bytearray(f.read())
    mv = memoryview(data)
    return pickle.loads(mv[:header_len], buffers=[mv[a:a + n] for a, n in layout])


def write_file(path: str, ser: Serialized) -> Layout:
    """Write a serialized value to ``path`` in region form (temporary name, then rename)."""
    lay = ser.layout()
    tmp = path + ".tmp"
    with create_private(tmp) as f:
        f.write(ser.header)
        pos = len(ser.header)
        for (rel, n), b in zip(lay, ser.buffers):
            f.write(b"\0" * (rel - pos))
            f.write(b)
            pos = rel + n
    os.replace(tmp, path)
    return lay


def map_fd(fd: int, capacity: int):
    """Map a node store's segment (by its descriptor) in this process.

    The mapping asks for transparent huge pages: where the kernel gives them to shared
    memory (``/sys/kernel/mm/transparent_hugepage/shmem_enabled`` is ``advise``, or
    ``within_size``/``always``), a pass over a block misses the TLB 512 times less often
    (measured here: 1e8 float64 summed by one process in 25 ms instead of 37 ms). With the
    kernel's default (``never``) the request changes nothing.
    """
    import mmap

    from . import segments
    mm = mmap.mmap(fd, capacity)
    try:
        mm.madvise(mmap.MADV_HUGEPAGE)
    except (AttributeError, OSError):  # not Linux, or a kernel without THP
        pass
    segments.register(mm)
    return mm
