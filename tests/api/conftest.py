from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from tests.factories import UserFactory


@pytest.fixture
def api_client() -> APIClient:
    """An anonymous API client."""
    return APIClient()


@pytest.fixture
def client_for() -> Callable[..., APIClient]:
    """``client_for(user)``: an API client signed in as ``user``."""

    def make(user: object) -> APIClient:
        api_client = APIClient()
        api_client.force_authenticate(user)
        return api_client

    return make


@pytest.fixture
def user_with_perms(db) -> Callable[..., object]:
    """``user_with_perms("add_incident", ...)``: a user (not staff) holding those
    statusboard permissions."""

    def make(*codenames: str, **kwargs: object) -> object:
        user = UserFactory(**kwargs)
        user.user_permissions.set(
            Permission.objects.filter(content_type__app_label="statusboard", codename__in=codenames)
        )
        return user

    return make


@pytest.fixture
def writer(db) -> object:
    """A user (not staff) holding every statusboard permission."""
    user = UserFactory()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="statusboard"))
    return user


@pytest.fixture
def writer_client(client_for, writer) -> APIClient:
    return client_for(writer)


@pytest.fixture
def staff_writer(db) -> object:
    """A staff user holding every statusboard permission."""
    user = UserFactory(staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="statusboard"))
    return user


@pytest.fixture
def staff_client(client_for, staff_writer) -> APIClient:
    return client_for(staff_writer)
