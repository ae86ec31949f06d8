"""The notification settings and their system checks."""

from __future__ import annotations

import pytest
from django.test import override_settings

from statusboard.checks import check_settings
from statusboard.conf import app_settings


def check(statusboard):
    with override_settings(STATUSBOARD=statusboard):
        return check_settings()


def test_from_email_defaults_to_default_from_email(settings):
    settings.DEFAULT_FROM_EMAIL = "noreply@example.com"

    assert app_settings.NOTIFICATION_FROM_EMAIL == "noreply@example.com"


@pytest.mark.parametrize(
    "statusboard",
    [
        {"NOTIFICATION_FROM_EMAIL": None},
        {"NOTIFICATION_FROM_EMAIL": "Status <status@example.com>"},
        {"MAINTENANCE_NOTIFICATION_WINDOW_MINUTES": 1},
        {"MAINTENANCE_NOTIFICATION_WINDOW_MINUTES": 10_080},
        {"WEBHOOK_ALLOW_PRIVATE_ADDRESSES": True},
        {"WEBHOOK_MAX_ATTEMPTS": 1},
        {"WEBHOOK_MAX_ATTEMPTS": 20},
        {"WEBHOOK_RETRY_DELAY_SECONDS": 1},
        {"WEBHOOK_TIMEOUT_SECONDS": 0.5},
        {"WEBHOOK_TIMEOUT_SECONDS": 60},
    ],
)
def test_valid(statusboard):
    assert check(statusboard) == []


@pytest.mark.parametrize(
    ("statusboard", "error_id", "message"),
    [
        ({"NOTIFICATION_FROM_EMAIL": ""}, "statusboard.E003", "an email address or None"),
        ({"NOTIFICATION_FROM_EMAIL": 1}, "statusboard.E003", "an email address or None"),
        ({"WEBHOOK_ALLOW_PRIVATE_ADDRESSES": 1}, "statusboard.E003", "True or False"),
        ({"WEBHOOK_MAX_ATTEMPTS": "5"}, "statusboard.E003", "must be an integer"),
        ({"WEBHOOK_MAX_ATTEMPTS": 0}, "statusboard.E004", "from 1 to 20, not 0"),
        ({"WEBHOOK_MAX_ATTEMPTS": 21}, "statusboard.E004", "from 1 to 20, not 21"),
        ({"WEBHOOK_RETRY_DELAY_SECONDS": 0}, "statusboard.E004", "from 1 to 86400"),
        ({"WEBHOOK_RETRY_DELAY_SECONDS": -1}, "statusboard.E004", "0 or more"),
        ({"WEBHOOK_TIMEOUT_SECONDS": "5"}, "statusboard.E003", "must be a number"),
        ({"WEBHOOK_TIMEOUT_SECONDS": True}, "statusboard.E003", "must be a number"),
        ({"WEBHOOK_TIMEOUT_SECONDS": 0}, "statusboard.E004", "more than 0 and at most 60"),
        ({"WEBHOOK_TIMEOUT_SECONDS": 61}, "statusboard.E004", "more than 0 and at most 60"),
        ({"MAINTENANCE_NOTIFICATION_WINDOW_MINUTES": 0}, "statusboard.E004", "from 1 to 10080"),
    ],
)
def test_invalid(statusboard, error_id, message):
    [error] = check(statusboard)

    assert error.id == error_id
    assert message in error.msg
    assert error.hint
