"""Running a dispatcher in a test's event loop, and waiting on what it does."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from service.jobs.dispatcher import Dispatcher
from tests.http_servers import Receiver


@asynccontextmanager
async def running(dispatcher: Dispatcher) -> AsyncIterator[Dispatcher]:
    """The dispatcher started, and stopped afterwards whatever happens."""
    await dispatcher.start()
    try:
        yield dispatcher
    finally:
        await dispatcher.stop()


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait until ``condition()`` holds, failing after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.01)


async def received(receiver: Receiver, count: int, timeout: float = 5.0) -> list[Any]:
    """The receiver's first ``count`` requests, waited for off the event loop."""
    return await asyncio.to_thread(receiver.wait_for, count, timeout)
