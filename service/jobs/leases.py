"""Who holds a delivery's lease, and whether that holder is gone.

A lease names its holder as ``host:pid:nonce``. A lease normally ends when it runs out; one held
by a process on this host that no longer runs (a worker killed mid-attempt) is taken over at
once, so a restarted server resends in-flight deliveries without waiting out the lease. If the
pid was reused meanwhile, the lease simply runs out as usual.
"""

from __future__ import annotations

import functools
import os
import secrets
import socket
from pathlib import Path

_PROC = Path("/proc")


@functools.cache
def _hostname() -> str:
    return socket.gethostname()


def worker_identity() -> str:
    """A name for this dispatcher: host, pid and a nonce (a pid is reused across restarts)."""
    return f"{_hostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def _is_running(pid: int) -> bool:
    if (_PROC / "self" / "stat").exists():
        try:
            stat = (_PROC / str(pid) / "stat").read_text()
        except FileNotFoundError:
            return False
        except OSError:
            return True
        # A killed child its parent has not reaped yet is a zombie: gone for our purpose.
        return stat.rpartition(")")[2].split()[0] not in {"Z", "X"}
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_abandoned(holder: str) -> bool:
    """True when the holder is another process on this host that no longer runs."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != _hostname() or not pid_text.isdigit() or int(pid_text) == os.getpid():
        return False
    return not _is_running(int(pid_text))
