"""The client's address: REMOTE_ADDR unless Tuki is told it sits behind proxies, then the entry of
X-Forwarded-For that the outermost trusted proxy wrote, never one the client could choose."""

from __future__ import annotations

from django.test import RequestFactory, override_settings

from tuki.core.client_address import client_address, forwarded_client


def _request(remote: str, forwarded: str | None = None) -> object:
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_without_a_proxy_the_header_is_ignored() -> None:
    assert client_address(_request("203.0.113.7", "198.51.100.2")) == "203.0.113.7"  # type: ignore[arg-type]


@override_settings(TUKI_BEHIND_PROXY=True, TUKI_TRUSTED_PROXIES=1)
def test_behind_a_proxy_the_entry_it_wrote_counts() -> None:
    assert client_address(_request("10.0.0.1", "198.51.100.2, 203.0.113.7")) == "203.0.113.7"  # type: ignore[arg-type]
    # No header, or one that does not hold an address: the proxy's own address, never the client's words.
    assert client_address(_request("10.0.0.1")) == "10.0.0.1"  # type: ignore[arg-type]
    assert client_address(_request("10.0.0.1", "198.51.100.2, not-an-address")) == "10.0.0.1"  # type: ignore[arg-type]


def test_the_entry_counts_from_the_right_by_the_number_of_proxies() -> None:
    header = "192.0.2.1, 203.0.113.7, 10.0.0.2"
    assert forwarded_client(header, proxies=1) == "10.0.0.2"
    assert forwarded_client(header, proxies=2) == "203.0.113.7"
    assert forwarded_client(" 2001:db8::1 ", proxies=1) == "2001:db8::1"
    assert forwarded_client("203.0.113.7", proxies=2) == "203.0.113.7"  # shorter than the chain: all ours
    assert forwarded_client("", proxies=1) == ""
    assert forwarded_client(" , ", proxies=1) == ""
