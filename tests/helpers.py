"""Helpers shared by the tests of the pages."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib.auth.models import Permission
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import UserFactory


def user_with_perms(*codenames: str, **kwargs: object):
    """A signed-in-able user holding exactly the statusboard permissions given."""
    user = UserFactory(**kwargs)
    if codenames:
        user.user_permissions.set(
            Permission.objects.filter(content_type__app_label="statusboard", codename__in=codenames)
        )
        assert user.user_permissions.count() == len(codenames), codenames
    return user


def app_routes() -> dict[str, URLPattern]:
    """Every named route of the app, by its full name (``statusboard:incident:edit``)."""

    def walk(resolver: URLResolver, namespace: tuple[str, ...]) -> Iterator[tuple[str, URLPattern]]:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = (*namespace, pattern.namespace) if pattern.namespace else namespace
                yield from walk(pattern, inner)
            elif pattern.name:
                yield ":".join((*namespace, pattern.name)), pattern

    return {name: p for name, p in walk(get_resolver(), ()) if name.startswith("statusboard:")}
