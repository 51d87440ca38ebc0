#!/usr/bin/env python3
"""Escalate a ticket of your own service desk to Tuki, and follow it: standard library only.

    TUKI_API_TOKEN=tuki_... python3 escalate.py --base https://support.example.com \\
        --reference INC0012345 --subject "Invoices are not sent" --description "Since 9:00 ..."

It files the request with your desk's ticket number as ``external_reference``. Filing is safe to retry: the same
reference answers with the request made the first time (200 instead of 201), so a time-out or a crash between
sending and hearing the answer never makes a second request. With ``--follow`` it then checks the request every
``--every`` seconds and prints each new public reply and state until the request is resolved or closed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
from typing import Any

RETRIES = 5


def call(base: str, token: str, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    """One API call; retried with backoff on network errors, 429 (as Retry-After says) and 5xx answers."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    for attempt in range(RETRIES):
        # The address's scheme is checked in main(): http or https only.
        request = urllib.request.Request(f"{base}/api/v1{path}", data=data, headers=headers, method=method)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            answer = json.loads(error.read() or b"{}")
            if error.code == 429 or error.code >= 500:
                time.sleep(float(error.headers.get("Retry-After") or 2**attempt))
                continue
            raise SystemExit(f"{method} {path}: {error.code} {answer.get('code')}: {answer.get('detail')}") from None
        except OSError:
            time.sleep(2**attempt)
    raise SystemExit(f"{method} {path}: no answer after {RETRIES} tries")


def escalate(base: str, token: str, reference: str, subject: str, description: str, priority: int) -> dict[str, Any]:
    payload = {
        "subject": subject,
        "description": description,
        "priority": priority,
        "external_reference": reference,
    }
    status, request = call(base, token, "POST", "/requests", payload)
    print(f"{'filed' if status == 201 else 'already filed as'} {request['id']} for {reference}", flush=True)
    return dict(request)


def follow(base: str, token: str, identifier: str, every: float, limit: float) -> dict[str, Any]:
    """Print new public replies and states until the request is resolved or closed (or ``limit`` seconds pass)."""
    seen: set[int] = set()
    state = ""
    deadline = time.monotonic() + limit
    while True:
        _status, request = call(base, token, "GET", f"/requests/{identifier}")
        for event in request["events"]:
            if event["id"] not in seen and event["kind"] == "reply":
                print(f"reply from {event['actor']['name'] if event['actor'] else 'Tuki'}: {event['body']}", flush=True)
            seen.add(event["id"])
        if request["state"] != state:
            state = request["state"]
            print(f"state: {state}", flush=True)
        if state in ("resolved", "closed", "cancelled") or time.monotonic() > deadline:
            return dict(request)
        time.sleep(every)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="Tuki's address, such as https://support.example.com")
    parser.add_argument("--reference", required=True, help="your desk's own ticket number")
    parser.add_argument("--subject", required=True)
    parser.add_argument("--description", default="")
    parser.add_argument("--priority", type=int, default=3, choices=[1, 2, 3, 4])
    parser.add_argument("--follow", action="store_true", help="print replies and states until resolved")
    parser.add_argument("--every", type=float, default=60, help="seconds between checks with --follow")
    parser.add_argument("--limit", type=float, default=86_400, help="stop following after this many seconds")
    args = parser.parse_args()
    token = os.environ.get("TUKI_API_TOKEN", "")
    if not token:
        parser.error("set TUKI_API_TOKEN to an API token made in Tuki's settings")
    base = args.base.rstrip("/")
    if not base.startswith(("https://", "http://")):
        parser.error("--base must be an http or https address")
    request = escalate(base, token, args.reference, args.subject, args.description, args.priority)
    if args.follow:
        follow(base, token, request["id"], args.every, args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
