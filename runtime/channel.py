"""Length-prefixed pickled messages over a Unix socket pair.

The driver's side never blocks on a write: what the socket does not take at once is kept in
an outbox that the driver's I/O thread flushes when the socket is writable. Workers use
plain blocking sockets. Only control messages travel here; object data goes through shared
memory (small objects, under ``INLINE_MAX`` bytes, ride along inline, as in Ray).
"""

from __future__ import annotations

import pickle
import socket
import struct

_LEN = struct.Struct("<Q")


def encode(msg: object) -> bytes:
    """Frame ``msg`` for sending."""
    body = pickle.dumps(msg, protocol=5)
    return _LEN.pack(len(body)) + body


class BlockingChannel:
    """A worker's end: blocking ``send`` and ``recv`` of whole messages."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.sock.setblocking(True)

    def send(self, msg: object) -> None:
        self.sock.sendall(encode(msg))

    def _recv_exact(self, n: int) -> bytearray:
        buf = bytearray(n)
        view = memoryview(buf)
        got = 0
        while got < n:
            k = self.sock.recv_into(view[got:], n - got)
            if k == 0:
                raise EOFError("driver closed the channel")
            got += k
        return buf

    def recv(self) -> object:
        (n,) = _LEN.unpack(self._recv_exact(_LEN.size))
        return pickle.loads(self._recv_exact(n))


class DriverChannel:
    """The driver's end of one worker's socket: non-blocking writes, incremental reads."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.sock.setblocking(False)
        self.outbox = bytearray()
        self._inbox = bytearray()
        self.closed = False

    def fileno(self) -> int:
        return self.sock.fileno()

    def send(self, msg: object) -> None:
        """Queue ``msg``; write as much as the socket takes now."""
        if self.closed:
            return
        data = encode(msg)
        if not self.outbox:
            try:
                n = self.sock.send(data)
            except BlockingIOError:
                n = 0
            except OSError:
                self.closed = True
                return
            if n == len(data):
                return
            data = data[n:]
        self.outbox += data

    def flush(self) -> bool:
        """Write what the socket takes from the outbox; True when it is empty."""
        if not self.outbox or self.closed:
            return True
        try:
            n = self.sock.send(self.outbox)
        except BlockingIOError:
            return False
        except OSError:
            self.closed = True
            return True
        del self.outbox[:n]
        return not self.outbox

    def read(self) -> list[object] | None:
        """Messages now available; None once the peer has closed."""
        try:
            chunk = self.sock.recv(1 << 20)
        except BlockingIOError:
            return []
        except OSError:
            chunk = b""
        if not chunk:
            self.closed = True
            return None
        self._inbox += chunk
        out = []
        while len(self._inbox) >= _LEN.size:
            (n,) = _LEN.unpack_from(self._inbox)
            if len(self._inbox) < _LEN.size + n:
                break
            out.append(pickle.loads(memoryview(self._inbox)[_LEN.size:_LEN.size + n]))
            del self._inbox[:_LEN.size + n]
        return out
