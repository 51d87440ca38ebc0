"""The SSRF guard: no delivery to private, loopback, link-local, multicast, reserved or unspecified addresses,
unless the supplier allows the host."""

from __future__ import annotations

import pytest

from tuki.webhooks.addresses import RefusedAddress, check_url


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://127.0.0.1/hook", "loopback"),
        ("https://127.8.9.10/hook", "loopback"),
        ("https://[::1]/hook", "loopback"),
        ("https://0.0.0.0/hook", "unspecified"),
        ("https://[::]/hook", "unspecified"),
        ("https://169.254.169.254/latest/meta-data/", "link_local"),
        ("https://[fe80::1]/hook", "link_local"),
        ("https://10.1.2.3/hook", "private"),
        ("https://172.16.0.1/hook", "private"),
        ("https://192.168.1.1/hook", "private"),
        ("https://[fd00::1]/hook", "private"),
        ("https://224.0.0.1/hook", "multicast"),
        ("https://[ff02::1]/hook", "multicast"),
        ("https://240.0.0.1/hook", "reserved"),
        ("https://100.64.0.1/hook", "reserved"),  # carrier-grade NAT: not global
        ("https://[::ffff:127.0.0.1]/hook", "loopback"),  # IPv4-mapped IPv6
        ("https://[::ffff:169.254.169.254]/hook", "link_local"),
        ("https://[2002:7f00:1::]/hook", "loopback"),  # 6to4 wrapping 127.0.0.1
        ("https://localhost/hook", "loopback"),  # a name that resolves to a loopback address
    ],
)
def test_refused_addresses(url: str, reason: str) -> None:
    with pytest.raises(RefusedAddress) as refused:
        check_url(url, allowed_hosts=[])
    assert refused.value.code == reason


def test_a_name_resolving_to_any_private_address_is_refused() -> None:
    def resolver(host: str, port: int) -> list[str]:
        return ["93.184.215.14", "10.0.0.5"]

    with pytest.raises(RefusedAddress):
        check_url("https://hooks.example.com/in", allowed_hosts=[], resolver=resolver)


def test_a_public_address_passes_and_is_what_to_connect_to() -> None:
    def resolver(host: str, port: int) -> list[str]:
        assert (host, port) == ("hooks.example.com", 8443)
        return ["93.184.215.14"]

    target = check_url("https://Hooks.Example.com:8443/in?x=1", allowed_hosts=[], resolver=resolver)
    assert (target.scheme, target.host, target.port, target.path, target.address) == (
        "https",
        "hooks.example.com",
        8443,
        "/in?x=1",
        "93.184.215.14",
    )


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://93.184.215.14/hook", "insecure"),
        ("ftp://93.184.215.14/hook", "malformed"),
        ("https:///hook", "malformed"),
        ("https://user:secret@93.184.215.14/hook", "credentials"),
        ("https://no-such-host.invalid/hook", "unresolvable"),
    ],
)
def test_other_refusals(url: str, reason: str) -> None:
    with pytest.raises(RefusedAddress) as refused:
        check_url(url, allowed_hosts=[])
    assert refused.value.code == reason


def test_an_allowed_host_may_be_private_and_plain_http() -> None:
    target = check_url("http://localhost:8080/hook", allowed_hosts=["LOCALHOST"])
    assert target.address in {"127.0.0.1", "::1"} and target.port == 8080
    assert check_url("https://127.0.0.1/hook", allowed_hosts=["127.0.0.1"]).address == "127.0.0.1"
    # Allowing one host allows no other.
    with pytest.raises(RefusedAddress):
        check_url("https://127.0.0.2/hook", allowed_hosts=["127.0.0.1"])
