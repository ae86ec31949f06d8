"""Webhook URLs must resolve to public addresses only."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from statusboard.notifications import ssrf
from statusboard.notifications.models import Webhook


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "0.0.0.0",  # noqa: S104  (an address refused, not bound)
        "10.1.2.3",
        "172.16.0.1",
        "192.168.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::",
        "2002:c0a8:1::",
    ],
)
def test_not_public(address):
    assert not ssrf.is_public(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700::6810:84e5"])
def test_public(address):
    assert ssrf.is_public(address)


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.com/in",
        "http://hooks.example.com:8080/in?x=1",
        "https://public.example.net/",
        "https://93.184.215.14/",
    ],
)
def test_a_public_url_is_valid(url):
    ssrf.validate_webhook_url(url)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1/", "resolves to 127.0.0.1"),
        ("http://localhost:8000/", "resolves to 127.0.0.1"),
        ("http://[::1]/", "resolves to ::1"),
        ("http://v6loop.example.com/", "resolves to ::1"),
        ("http://mapped.example.com/", "resolves to ::ffff:127.0.0.1"),
        ("http://internal.example.com/", "resolves to 10.0.0.8"),
        ("http://mixed.example.com/", "resolves to 192.168.1.10"),
        ("http://metadata.example.com/", "resolves to 169.254.169.254"),
        ("http://nowhere.invalid/", "could not be resolved"),
        ("ftp://hooks.example.com/", "Use an http:// or https:// URL."),
        ("https://user:pw@hooks.example.com/", "Leave the user name and password out"),
        ("https://hooks.example.com:99999/", "The URL is not valid."),
        ("https:///path", "Use an http:// or https:// URL."),
    ],
)
def test_an_unsafe_url_is_refused(url, message):
    with pytest.raises(ValidationError) as info:
        ssrf.validate_webhook_url(url)

    assert message in info.value.messages[0]
    assert info.value.code == "unsafe_url"


@pytest.mark.django_db
def test_the_model_refuses_it_on_full_clean():
    webhook = Webhook(name="Local", url="http://127.0.0.1:9000/")

    with pytest.raises(ValidationError) as info:
        webhook.full_clean()

    assert "url" in info.value.message_dict


@override_settings(STATUSBOARD={"WEBHOOK_ALLOW_PRIVATE_ADDRESSES": True})
def test_private_addresses_can_be_allowed():
    ssrf.validate_webhook_url("http://127.0.0.1:9000/")
    ssrf.validate_webhook_url("http://internal.example.com/")
    # Allowed or not, a URL must still be http(s).
    with pytest.raises(ValidationError):
        ssrf.validate_webhook_url("file:///etc/passwd")


def test_safe_addresses_returns_what_to_connect_to():
    assert ssrf.safe_addresses("public.example.net", 443) == [
        "2606:4700::6810:84e5",
        "104.16.132.229",
    ]
    assert ssrf.safe_addresses("internal.example.com", 80, allow_private=True) == ["10.0.0.8"]
