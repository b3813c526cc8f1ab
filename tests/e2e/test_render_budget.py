"""While an editor's pathological Markdown is being rendered, the worker still answers."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx

from tests.admin_flow import DRAFT
from tests.e2e.conftest import prepared_database, running_server

PATHOLOGICAL = "![" * 10_000  # half a second of CommonMark parsing or more, at a field's limit


def test_healthz_answers_within_a_second_during_a_pathological_render(tmp_path: Path) -> None:
    database = tmp_path / "content.db"
    [editor] = prepared_database(database, ("Erin Editor", "editor"))
    with (
        running_server(database, workers=1) as base_url,
        httpx.Client(base_url=base_url, timeout=30) as client,
    ):
        etag = client.get(DRAFT, headers=editor).headers["etag"]
        # Six such fields in one section: seconds of rendering, whatever the machine.
        items = [{"title": f"Item {n}", "body": PATHOLOGICAL} for n in range(6)]
        section = {"kind": "benefits", "key": "benefits", "title": "Benefits", "items": items}
        answers: list[httpx.Response] = []
        saving = threading.Thread(
            target=lambda: answers.append(
                client.put(
                    f"{DRAFT}/sections/benefits", json=section, headers={**editor, "If-Match": etag}
                )
            )
        )
        started = time.perf_counter()
        saving.start()
        probes = []
        while saving.is_alive() and time.perf_counter() - started < 20:
            before = time.perf_counter()
            assert client.get("/healthz").status_code == 200
            probes.append(time.perf_counter() - before)
            time.sleep(0.05)
        saving.join()
        took = time.perf_counter() - started
    assert answers[0].status_code == 400, answers[0].text
    assert took > 1.5  # the renders did run for that long
    assert len(probes) >= 5, probes  # asked again and again while it ran
    assert max(probes) < 1.0, probes
