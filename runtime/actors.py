"""Actors in the driver: each one a dedicated worker process running calls in order.

A mixin of ``Driver``; methods run with the driver's lock held (``create_actor`` takes it).
Calls wait in ``Actor.queue`` in submission order; the head is sent as soon as its arguments
are ready, so calls are pipelined but never reordered. An actor whose handles are all gone
finishes its queued calls, then its process is told to exit.
"""

from __future__ import annotations

from collections import deque

from .errors import ActorDiedError, error_info
from .processes import WorkerProc
from .protocol import TaskSpec


class Actor:
    __slots__ = ("id", "node", "worker", "queue", "init_error", "dead", "unreferenced", "name")

    def __init__(self, aid: int, node: int, worker: WorkerProc, name: str):
        self.id = aid
        self.node = node
        self.worker = worker
        self.queue: deque[TaskSpec] = deque()
        self.init_error: tuple | None = None
        self.dead: tuple | None = None
        self.unreferenced = False
        self.name = name


class ActorScheduling:
    """Creating actors and sending their calls in order (a mixin of Driver)."""

    def create_actor(self, spec: TaskSpec) -> None:
        with self.lock:
            self._drain()
            node = spec.node if spec.node is not None else next(self._rr) % self.num_nodes
            spec.node = node
            w = self._spawn(node, actor_id=spec.actor_id)
            self.actors[spec.actor_id] = Actor(spec.actor_id, node, w, spec.name)
            self.table.actor_refs[spec.actor_id] += 1  # taken over by the handle
            self._submit(spec, initial_refs=1)
            self._flush()

    def _pump_actor(self, actor: Actor) -> None:
        while actor.queue:
            spec = actor.queue[0]
            if spec.deps_pending:
                return
            actor.queue.popleft()
            err = actor.dead or (actor.init_error if spec.kind == "call" else None)
            err = err or self._failed_dep(spec)
            if err is not None:
                self._finish(spec, ("e", err), actor.node)
                continue
            msg = self._task_message(spec, actor.worker)
            actor.worker.inflight[spec.tid] = spec
            self._send(actor.worker, msg)
        if actor.unreferenced and not actor.worker.inflight and actor.dead is None:
            actor.dead = error_info(ActorDiedError(f"actor {actor.name} was released"),
                                     actor.name)
            actor.worker.retiring = True
            self._send(actor.worker, ("exit",))

    def _actor_unreferenced(self, aid: int) -> None:
        actor = self.actors.get(aid)
        if actor is not None:
            actor.unreferenced = True
            self._pump_actor(actor)
