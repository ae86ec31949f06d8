from __future__ import annotations

import pytest

from tests.factories import UserFactory


@pytest.fixture
def staff_user(db):
    return UserFactory(staff=True)


@pytest.fixture
def superuser(db):
    return UserFactory(superuser=True)


@pytest.fixture
def freezer_now(monkeypatch):
    """Fix ``django.utils.timezone.now`` to a given aware datetime."""
    from django.utils import timezone

    def freeze(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return freeze
