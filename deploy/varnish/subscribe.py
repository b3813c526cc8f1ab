"""Subscribe the purge worker to the API's webhooks; prints the signing secret.

Used by ``make run-cdn``: earlier subscriptions with the same description are removed first, so
restarts do not pile them up. Reads API, TOKEN, URL and DESCRIPTION from the environment.
"""

from __future__ import annotations

import json
import os
import urllib.request


def call(method: str, path: str, body: object | None = None) -> object:
    """One admin API call with the token; the decoded JSON answer (None when empty)."""
    request = urllib.request.Request(
        os.environ["API"] + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={
            "Authorization": f"Bearer {os.environ['TOKEN']}",
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


def main() -> None:
    """Replace our subscription and print its secret."""
    description = os.environ.get("DESCRIPTION", "make run-cdn purge worker")
    listing = call("GET", "/v1/admin/webhooks")
    assert isinstance(listing, dict)
    for hook in listing["webhooks"]:
        if hook["description"] == description:
            call("DELETE", f"/v1/admin/webhooks/{hook['id']}")
    created = call(
        "POST", "/v1/admin/webhooks", {"url": os.environ["URL"], "description": description}
    )
    assert isinstance(created, dict)
    print(created["secret"])


if __name__ == "__main__":
    main()
