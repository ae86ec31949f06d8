"""Fixtures of the notification tests.

No test may reach beyond this machine: host names resolve through a fake
table, and every connection a webhook opens must go to a loopback address.
"""

from __future__ import annotations

import ipaddress
import socket

import pytest

from statusboard.notifications import ssrf

# Names the tests use, and what they "resolve" to.
FAKE_DNS = {
    "hooks.example.com": ["93.184.215.14"],
    "public.example.net": ["2606:4700::6810:84e5", "104.16.132.229"],
    "internal.example.com": ["10.0.0.8"],
    "mixed.example.com": ["93.184.215.14", "192.168.1.10"],
    "metadata.example.com": ["169.254.169.254"],
    "rebind.example.com": ["127.0.0.1"],
    "v6loop.example.com": ["::1"],
    "mapped.example.com": ["::ffff:127.0.0.1"],
    "localhost": ["127.0.0.1"],
}


def fake_resolve(host: str, port: int) -> list[str]:
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    if host not in FAKE_DNS:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return FAKE_DNS[host]


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """Resolve names from FAKE_DNS, and refuse any connection off this machine."""
    monkeypatch.setattr(ssrf, "resolve", fake_resolve)
    create_connection = socket.create_connection

    def loopback_only(address, *args, **kwargs):
        host = address[0]
        assert ipaddress.ip_address(host).is_loopback, f"a test tried to reach {host}"
        return create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", loopback_only)


@pytest.fixture
def allow_private(settings):
    """Let webhooks reach the receiver on 127.0.0.1, as the tests must."""
    settings.STATUSBOARD = {
        **getattr(settings, "STATUSBOARD", {}),
        "WEBHOOK_ALLOW_PRIVATE_ADDRESSES": True,
    }


@pytest.fixture
def receiver(httpserver, allow_private):
    """A real HTTP server on 127.0.0.1 for the webhooks to call."""
    return httpserver


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run what was deferred to the commit, as the real commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
