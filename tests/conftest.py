from __future__ import annotations

import pytest

from tests.factories import UserFactory


@pytest.fixture
def staff_user(db):
    return UserFactory(staff=True)


@pytest.fixture
def superuser(db):
    return UserFactory(superuser=True)
