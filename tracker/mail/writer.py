"""One writer per delivery run: every outbox write of the run, grouped into few commits.

Why: each message needs two durable writes, `transmitting` just before its body and its outcome
after.  Done as a transaction each from worker threads, they queued for SQLite's write lock in
its busy handler, which sleeps, and a run spent far longer waiting for the lock than talking to
the mail server.  Here one thread owns one connection: requests queue while a transaction
commits, and the next transaction carries all of them (group commit).

What stays guaranteed: a `transmitting` mark is committed before its body goes out (the sender
awaits its future).  An outcome is posted (`post_grouped`) without waiting; it rides with the
next awaited request (typically the next message's `transmitting` mark) or is committed at
`close`.  A crash in between leaves that row `transmitting`, which recovery reports as
`uncertain`: never a duplicate, never a silent loss.

All methods are called from the event loop's thread; only `_run` runs in the writer thread.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection

from tracker.store.database import Database

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass
class _Request:
    action: Callable[..., Any]
    args: tuple[Any, ...]
    future: asyncio.Future[Any] | None
    """None for a posted request: nobody waits for it."""
    grouped: bool = False
    """`action` takes the argument tuples of every such request of a transaction at once and
    returns one result per tuple: one statement for many messages instead of one each."""


_STOP = object()


class OutboxWriter:
    """Runs outbox writes in a thread of its own, many requests per transaction."""

    def __init__(self, db: Database) -> None:
        self._engine = db.engine.execution_options(immediate=True)  # BEGIN IMMEDIATE on SQLite
        self._loop = asyncio.get_running_loop()
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._failure: BaseException | None = None
        self._posted: list[_Request] = []
        """Posted requests waiting for the next awaited one: they need no transaction of their
        own, so they do not wake the writer."""
        self._thread = threading.Thread(target=self._run, name="outbox-writer", daemon=True)
        self._thread.start()

    async def call(self, action: Callable[..., T], *args: Any) -> T:
        """Run `action(connection, *args)` in the next transaction; return once committed."""
        future: asyncio.Future[T] = self._loop.create_future()
        self._submit(_Request(action, args, future))
        return await future

    def call_grouped(self, action: Callable[[Connection, list[tuple[Any, ...]]], list[T]],
                     *args: Any) -> asyncio.Future[T]:
        """Like `call`, but `action(connection, [args, ...])` serves every request for it in
        the transaction with one statement, returning one result per request.  Returns the
        result's future at once: a sender overlaps it with the SMTP dialogue, and a task
        wrapped around a coroutine cost more than the statement itself."""
        future: asyncio.Future[T] = self._loop.create_future()
        self._submit(_Request(action, args, future, grouped=True))
        return future

    def post_grouped(self, action: Callable[[Connection, list[tuple[Any, ...]]], list[Any]],
                     *args: Any) -> None:
        """Run `action` with the next awaited request, without waiting: an outcome that needs no
        transaction of its own.  `action` serves many requests at once (see `call_grouped`)."""
        self._posted.append(_Request(action, args, None, grouped=True))

    def _submit(self, request: _Request) -> None:
        """Queue the posted requests, then this one: the writer keeps their order."""
        for posted in self._posted:
            self._queue.put(posted)
        self._posted.clear()
        self._queue.put(request)

    async def close(self) -> None:
        """Commit what is still queued and stop; a failed posted write is raised here."""
        for posted in self._posted:
            self._queue.put(posted)
        self._posted.clear()
        self._queue.put(_STOP)
        await asyncio.to_thread(self._thread.join)
        if self._failure is not None:
            raise self._failure

    def _run(self) -> None:
        connection: Connection | None = None
        try:
            while True:
                batch, stopping = self._next_batch()
                if batch:
                    connection = connection or self._engine.connect()
                    if not self._commit(connection, batch):
                        connection.close()  # a broken connection is not reused
                        connection = None
                if stopping:
                    return
        finally:
            if connection is not None:
                connection.close()

    def _next_batch(self) -> tuple[list[_Request], bool]:
        """Wait for one request, then take every request already queued behind it."""
        first = self._queue.get()
        if first is _STOP:
            return [], True
        batch = [first]
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return batch, False
            if item is _STOP:
                return batch, True
            batch.append(item)

    def _commit(self, connection: Connection, batch: list[_Request]) -> bool:
        try:
            with connection.begin():
                results = _run_batch(connection, batch)
        except Exception as exc:
            if any(request.future is None for request in batch):
                self._failure = self._failure or exc
                log.error("could not record the outcome of a delivery: %s", exc)
            self._loop.call_soon_threadsafe(
                _fail, [r.future for r in batch if r.future is not None], exc)
            return False
        # One wake-up of the event loop per transaction, not per request.
        self._loop.call_soon_threadsafe(_succeed, [
            (request.future, result) for request, result in zip(batch, results, strict=True)
            if request.future is not None])
        return True


def _run_batch(connection: Connection, batch: list[_Request]) -> list[Any]:
    """Every request's result, in order; grouped requests run together where the first of
    them stood (requests of one transaction never depend on each other's order: a sender
    waits for a claim before it marks or finishes the claimed rows)."""
    results: list[Any] = [None] * len(batch)
    done: set[Callable[..., Any]] = set()
    for index, request in enumerate(batch):
        if not request.grouped:
            results[index] = request.action(connection, *request.args)
        elif request.action not in done:
            done.add(request.action)
            members = [i for i, r in enumerate(batch) if r.grouped and r.action is request.action]
            answers = request.action(connection, [batch[i].args for i in members])
            for member, answer in zip(members, answers, strict=True):
                results[member] = answer
    return results


def _succeed(settled: list[tuple[asyncio.Future[Any], Any]]) -> None:
    for future, result in settled:
        if not future.done():
            future.set_result(result)


def _fail(futures: list[asyncio.Future[Any]], exc: BaseException) -> None:
    for future in futures:
        if not future.done():
            future.set_exception(exc)
