"""A real S3-compatible server for the tests: moto's server mode on a free port, with a bucket of the test's own."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

KEY_ID, SECRET = "tuki-test-key", "tuki-test-secret-0123456789"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_s3_server(port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=1)  # noqa: S310 - loopback
            return server
        except OSError:
            if server.poll() is not None:
                raise RuntimeError("moto_server stopped at start-up") from None
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("moto_server did not answer within 30 s")


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    port = free_port()
    server = start_s3_server(port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def s3_bucket(s3_endpoint: str, settings: Any) -> Any:
    """Default storage on a fresh bucket of the S3 server, configured as TUKI_S3_* would; the bucket's client."""
    name = f"tuki-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET, region_name="eu-north-1"
    )
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"})
    settings.STORAGES = settings.STORAGES | {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_endpoint,
                "region_name": "eu-north-1",
                "access_key": KEY_ID,
                "secret_key": SECRET,
                "file_overwrite": False,
                "default_acl": None,
                "addressing_style": "path",
            },
        }
    }
    client.tuki_bucket = name
    return client


def keys(client: Any) -> list[str]:
    listed = client.list_objects_v2(Bucket=client.tuki_bucket)
    return sorted(item["Key"] for item in listed.get("Contents", []))
