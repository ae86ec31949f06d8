"""Keep webhooks away from the server's own network (server-side request forgery).

A webhook URL must resolve only to public addresses: loopback, private,
link-local, shared, reserved, multicast and documentation ranges are refused,
when the webhook is saved and again when each request is sent, unless
``STATUSBOARD["WEBHOOK_ALLOW_PRIVATE_ADDRESSES"]`` is true. The request then
connects to the very addresses that were checked, so a DNS answer that changes
in between (DNS rebinding) cannot slip through.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from statusboard.conf import app_settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

SCHEMES = {"http": 80, "https": 443}


class UnsafeURL(ValueError):
    """The URL may not be reached: wrong scheme, unresolvable, or not public."""


def resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to, in the resolver's order, without repeats."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[str] = []
    for _family, _type, _proto, _canonname, sockaddr in infos:
        address = str(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def _embedded(address: IPAddress) -> list[IPAddress]:
    # An IPv6 address may carry an IPv4 one that is what really gets reached.
    if isinstance(address, ipaddress.IPv6Address):
        inner: list[IPAddress] = []
        if address.ipv4_mapped:
            inner.append(address.ipv4_mapped)
        if address.sixtofour:
            inner.append(address.sixtofour)
        if address.teredo:
            inner.extend(address.teredo)
        return inner
    return []


def is_public(address: str | IPAddress) -> bool:
    """Whether ``address`` is a public unicast address."""
    if isinstance(address, str):
        address = ipaddress.ip_address(address)
    candidates = [address, *_embedded(address)]
    return all(ip.is_global and not ip.is_multicast for ip in candidates)


def split_url(url: str) -> tuple[str, str, int]:
    """The scheme, host and port of an http(s) URL; raise UnsafeURL otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeURL(_("The URL is not valid.")) from exc
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise UnsafeURL(_("Use an http:// or https:// URL."))
    if parts.username is not None or parts.password is not None:
        raise UnsafeURL(
            _("Leave the user name and password out of the URL: requests carry a signature.")
        )
    return parts.scheme, parts.hostname, port or SCHEMES[parts.scheme]


def safe_addresses(host: str, port: int, *, allow_private: bool | None = None) -> list[str]:
    """The addresses of ``host`` that a request may connect to.

    Raise UnsafeURL when the host does not resolve, or when any of its
    addresses is not public (unless private addresses are allowed).
    """
    if allow_private is None:
        allow_private = app_settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError) as exc:
        raise UnsafeURL(_("The host %(host)s could not be resolved.") % {"host": host}) from exc
    if not addresses:
        raise UnsafeURL(_("The host %(host)s could not be resolved.") % {"host": host})
    if not allow_private:
        refused = [address for address in addresses if not is_public(address)]
        if refused:
            raise UnsafeURL(
                _(
                    "The host %(host)s resolves to %(address)s, which is a loopback, "
                    "private or link-local address."
                )
                % {"host": host, "address": refused[0]}
            )
    return addresses


def validate_webhook_url(value: str) -> None:
    """Model and form validator: an http(s) URL whose host resolves to public addresses."""
    try:
        _scheme, host, port = split_url(value)
        if not app_settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
            safe_addresses(host, port, allow_private=False)
    except UnsafeURL as exc:
        raise ValidationError(str(exc.args[0]), code="unsafe_url") from exc
