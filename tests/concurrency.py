"""Racing calls in threads, for the tests that show concurrent writers lose nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any


def run_in_threads(target: Callable[..., object], arguments: Iterable[tuple[Any, ...]]) -> None:
    """Call ``target`` once per argument tuple, each call in its own thread; wait for them all."""
    threads = [threading.Thread(target=target, args=args) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
