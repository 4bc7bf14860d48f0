"""Pure work done in a forked child, its results handed back in order.

A delivery run is bound by one core: its event loop speaks SMTP, and composing the mails
(rendering, encoding headers) took as much of that core as the SMTP dialogue.  Composing needs
nothing but what the process already holds, so a child forked after the tick is decided does
it on the second core and sends each chunk's result down a pipe; the sending process only
unpickles it.  The child never touches the database, the network or the parent's files: it
computes, writes to the pipe, and leaves with `os._exit`.  Where `fork` does not exist, or
the process already runs other threads (see `may_fork`), the work runs in the process itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
from collections.abc import AsyncGenerator, Callable, Iterator, Sequence
from multiprocessing.connection import Connection, Pipe
from typing import Generic, TypeVar

from tracker.errors import RuntimeFailure

In = TypeVar("In")
Out = TypeVar("Out")


FORK_FROM = 1000
"""From this many mails on, a forked child composes them; a smaller tick is composed in less
time than forking saves."""


@contextlib.contextmanager
def composed(work: Callable[[In], Out], chunks: Sequence[In], mails: int
             ) -> Iterator[AsyncGenerator[Out, None]]:
    """`work(chunk)` for each chunk in order: in a forked child when the tick has `mails` from
    FORK_FROM on and the process may fork, else here as they are asked for.  The child, if
    any, is gone when the block ends."""
    forked = ForkedChunks(work, chunks) if mails >= FORK_FROM and may_fork() else None
    try:
        yield forked.results() if forked is not None else _here(work, chunks)
    finally:
        if forked is not None:
            forked.close()


async def _here(work: Callable[[In], Out], chunks: Sequence[In]) -> AsyncGenerator[Out, None]:
    for chunk in chunks:
        yield work(chunk)


def may_fork() -> bool:
    """Only a process with one thread forks: a child has only the thread that forked, and a
    lock another thread held at that moment (an import's, a logger's) would stay locked in it
    for good.  So the CLI forks before its delivery starts threads; the daemon, whose scheduler
    runs jobs in threads, composes in the process."""
    return hasattr(os, "fork") and threading.active_count() == 1


class ForkedChunks(Generic[In, Out]):
    """`work(chunk)` for each chunk, computed ahead in a child (the pipe's buffer paces it)."""

    def __init__(self, work: Callable[[In], Out], chunks: Sequence[In]) -> None:
        reader, writer = Pipe(duplex=False)
        self._pid = os.fork()
        if self._pid == 0:  # the child
            reader.close()
            _compute(work, chunks, writer)  # never returns
        writer.close()
        self._reader: Connection | None = reader
        self._left = len(chunks)

    async def results(self) -> AsyncGenerator[Out, None]:
        """Each chunk's result in order; the child's exception is raised here as its own."""
        try:
            while self._left:
                reader = self._reader
                assert reader is not None
                try:
                    kind, value = await asyncio.to_thread(reader.recv)
                except (EOFError, OSError):
                    raise RuntimeFailure.said("compose.stopped") from None
                if kind == "error":
                    raise value
                self._left -= 1
                yield value
        finally:
            self.close()

    def close(self) -> None:
        """Stop the child if it is still working, and reap it."""
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._pid > 0:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = -1


def _compute(work: Callable[[In], Out], chunks: Sequence[In], writer: Connection) -> None:
    status = 0
    try:
        for chunk in chunks:
            writer.send(("result", work(chunk)))
    except BrokenPipeError:  # the parent stopped listening: nothing left to do
        status = 1
    except BaseException as exc:  # handed to the parent, which raises it
        status = 1
        try:
            writer.send(("error", exc))
        except Exception:  # e.g. an exception that does not pickle
            with contextlib.suppress(Exception):  # else the parent sees the pipe close
                writer.send(("error", RuntimeFailure.said("compose.failed", detail=str(exc))))
    finally:
        os._exit(status)
