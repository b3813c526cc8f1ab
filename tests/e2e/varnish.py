"""A real varnishd running deploy/varnish/default.vcl in front of a given origin port."""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).parents[2]
VCL = ROOT / "deploy" / "varnish" / "default.vcl"
LOCAL_BACKEND = ROOT / "deploy" / "varnish" / "local" / "backend.vcl"
START_TIMEOUT_S = 30.0


def backend_vcl(port: int, host: str = "127.0.0.1") -> str:
    """The shipped backend.vcl pointed at another origin address."""
    text = LOCAL_BACKEND.read_text()
    return text.replace('"127.0.0.1"', f'"{host}"').replace('"8000"', f'"{port}"')


def varnishd_command(
    workdir: Path, listen: str, vcl_dir: Path, storage: str = "malloc,64m"
) -> list[str]:
    """varnishd in the foreground, state in ``workdir``, the backend.vcl found in ``vcl_dir``."""
    return [
        shutil.which("varnishd") or "/usr/sbin/varnishd",
        "-F",
        # No privilege separation: the temporary directories are private to this user.
        "-j",
        "none",
        "-n",
        str(workdir / "varnishd"),
        "-a",
        listen,
        "-T",
        "127.0.0.1:0",
        "-f",
        str(VCL),
        "-p",
        f"vcl_path={vcl_dir}",
        "-s",
        storage,
    ]


def _wait_until_serving(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"varnishd exited with {process.returncode}:\n{log.read_text()}")
        try:
            # Any answer will do, even a 503 from an origin that is not up yet.
            urllib.request.urlopen(f"{url}/healthz", timeout=1).close()
            return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.05)
    raise RuntimeError(f"varnishd not answering after {START_TIMEOUT_S:g}s:\n{log.read_text()}")


@contextmanager
def running_varnish(
    workdir: Path, origin_port: int, port: int, storage: str = "malloc,64m"
) -> Iterator[str]:
    """varnishd on 127.0.0.1:``port`` in front of 127.0.0.1:``origin_port``; yields its URL."""
    vcl_dir = workdir / "vcl"
    vcl_dir.mkdir(parents=True, exist_ok=True)
    (vcl_dir / "backend.vcl").write_text(backend_vcl(origin_port))
    url = f"http://127.0.0.1:{port}"
    log_path = workdir / "varnishd.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            varnishd_command(workdir, f"127.0.0.1:{port}", vcl_dir, storage),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_serving(url, process, log_path)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
