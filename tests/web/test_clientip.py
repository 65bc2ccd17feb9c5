"""The client address for the audit log and login throttling, direct and behind a proxy."""

from __future__ import annotations

from typing import Any

from django.test import RequestFactory

from juesuan.web.clientip import client_ip


def _request(remote: str, forwarded: str | None = None) -> Any:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_direct_connections_use_the_socket_address_and_ignore_forwarded_headers(settings: Any) -> None:
    settings.BEHIND_PROXY = False
    assert client_ip(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_behind_a_proxy_the_last_forwarded_hop_is_the_client(settings: Any) -> None:
    settings.BEHIND_PROXY = True
    # The first entry came from the client and may be forged; the proxy appended the last one.
    assert client_ip(_request("127.0.0.1", "1.2.3.4, 198.51.100.1")) == "198.51.100.1"
    assert client_ip(_request("127.0.0.1", "not-an-address")) == "127.0.0.1"
    assert client_ip(_request("127.0.0.1")) == "127.0.0.1"


def test_login_failures_are_counted_per_forwarded_client(settings: Any, client: Any, world: Any) -> None:
    from axes.models import AccessAttempt

    settings.BEHIND_PROXY = True
    client.post("/accounts/login/", {"username": "unit_a", "password": "wrong"}, REMOTE_ADDR="127.0.0.1",
                HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.9"]
