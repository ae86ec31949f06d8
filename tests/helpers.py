"""Helpers shared by the tests of the pages."""

from __future__ import annotations

from django.contrib.auth.models import Permission

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
