"""Ratios measured in pairs: the baselines and a case loaded in turn, several rounds.

On this 2-core virtual machine the same server's throughput drifts by 10 to 20 % from one
minute to the next (the host's load moves; wrk shares the cores). A baseline measured once,
minutes before a case, carries that drift into the case's ratio. Here each round loads the
baselines right before the case, and the ratio reported is the median of the rounds' own ratios,
so a slow minute slows both sides of its round.

Two baselines, both bare ASGI apps sending the article's bytes (bench/baseline.py): the *same
response*, headers included, so the ratio is what the service's own code costs; and the *body*
with four headers, the baseline of the other cases, so the ratio includes what the headers the
API contract requires (CORS, ``Surrogate-Key``, ``Vary``...) cost the server.
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.run import Load, Server, wrk

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


@dataclass(frozen=True)
class Baselines:
    """The URLs of the two baselines (see the module's docstring)."""

    same_response: str
    body_only: str


@contextmanager
def baseline_servers(work: Path) -> Iterator[Baselines]:
    """Both baselines serving what ``measure_baseline`` saved in ``work``."""
    body = {"BASELINE_BODY": str(work / "body.json")}
    with ExitStack() as stack:
        urls = []
        for env in ({**body, "BASELINE_HEADERS": str(work / "headers.json")}, body):
            server = Server("bench.baseline:app", env, False)
            stack.callback(server.stop)
            server.wait_ready("/")
            urls.append(server.base + "/")
        yield Baselines(*urls)


def paired_wrk(name: str, url: str, baselines: Baselines, rounds: int = ROUNDS) -> Load:
    """The case's round with the median ratio to the same-response baseline of its round
    (``baseline_rps`` is that baseline's, so ``Load.ratio`` is the median ratio); every round's
    ratio in ``rounds``, and the median ratio to the body-only baseline in ``body_only_ratio``."""
    cases, body_only = [], []
    for _ in range(rounds):
        same = wrk("baseline, same response", baselines.same_response)
        body = wrk("baseline, same body", baselines.body_only)
        case = wrk(name, url)
        case.baseline_rps = same.rps
        cases.append(case)
        body_only.append(case.rps / body.rps)
    cases.sort(key=lambda load: load.rps / (load.baseline_rps or 1.0))
    median = cases[len(cases) // 2]
    median.rounds = [load.rps / (load.baseline_rps or 1.0) for load in cases]
    median.body_only_ratio = statistics.median(body_only)
    return median
