"""System checks for the ``STATUSBOARD`` settings and the apps statusboard needs.

Ids are never reused: a retired check keeps its number.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from statusboard.conf import DEFAULTS

REQUIRED_APPS = (
    "django.contrib.auth",
    "django.contrib.contenttypes",
    # The management pages confirm each change with a flash message.
    "django.contrib.messages",
)

STATUS_KEYS = (0, 1, 2, 3)

# Far more than a page shows, and far below where the date arithmetic for the
# oldest day shown overflows (an OverflowError, so a 500 on the index).
MAXIMUMS = {"INCIDENT_DAYS_IN_INDEX": 36_500}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _non_negative_int(key: str, value: Any) -> list[CheckMessage]:
    if not _is_int(value):
        return [
            Error(
                f"STATUSBOARD[{key!r}] must be an integer, not {type(value).__name__}.",
                hint=f"Set STATUSBOARD[{key!r}] to a whole number such as {DEFAULTS[key]!r}.",
                id="statusboard.E003",
            )
        ]
    if value < 0:
        return [
            Error(
                f"STATUSBOARD[{key!r}] must be 0 or more, not {value}.",
                hint="Use 0 to turn it off.",
                id="statusboard.E004",
            )
        ]
    if key in MAXIMUMS and value > MAXIMUMS[key]:
        return [
            Error(
                f"STATUSBOARD[{key!r}] must be {MAXIMUMS[key]} or less, not {value}.",
                hint=f"Use a number of days from 0 to {MAXIMUMS[key]}.",
                id="statusboard.E004",
            )
        ]
    return []


def _boolean(key: str, value: Any) -> list[CheckMessage]:
    if isinstance(value, bool):
        return []
    return [
        Error(
            f"STATUSBOARD[{key!r}] must be True or False, not {value!r}.",
            hint=f"Set STATUSBOARD[{key!r}] to True or False.",
            id="statusboard.E003",
        )
    ]


def _url_instead_of_path(label: str, value: str) -> list[CheckMessage]:
    # The original django-statusboard's README built these with static(), which
    # gives a URL; the templates pass the value to {% static %}, which wants a path.
    if not value.startswith(("/", "http://", "https://")):
        return []
    return [
        Warning(
            f"{label} is {value!r}, a URL: it should be the path of a static file.",
            hint="Give the path that static() takes, e.g. 'myproject/favicon.svg', "
            "not the result of static().",
            id="statusboard.W001",
        )
    ]


def _static_path(key: str, value: Any) -> list[CheckMessage]:
    if isinstance(value, str) and value:
        return _url_instead_of_path(f"STATUSBOARD[{key!r}]", value)
    return [
        Error(
            f"STATUSBOARD[{key!r}] must be a non-empty string, not {value!r}.",
            hint="Give the path of a static file, e.g. 'myproject/favicon.svg'.",
            id="statusboard.E003",
        )
    ]


def _favicon_dict(key: str, value: Any) -> list[CheckMessage]:
    if not isinstance(value, dict):
        return [
            Error(
                f"STATUSBOARD[{key!r}] must be a dict, not {type(value).__name__}.",
                hint="Map service statuses 0-3 to static file paths, e.g. {3: 'down.svg'}.",
                id="statusboard.E003",
            )
        ]
    errors: list[CheckMessage] = []
    for status, path in value.items():
        if status not in STATUS_KEYS or not _is_int(status):
            errors.append(
                Error(
                    f"STATUSBOARD[{key!r}] has the key {status!r}, which is not a service status.",
                    hint="Use the integer statuses 0, 1, 2 and 3 as keys.",
                    id="statusboard.E005",
                )
            )
        if isinstance(path, str) and path:
            errors.extend(_url_instead_of_path(f"STATUSBOARD[{key!r}][{status!r}]", path))
        else:
            errors.append(
                Error(
                    f"STATUSBOARD[{key!r}][{status!r}] must be a non-empty string, not {path!r}.",
                    hint="Give the path of a static file, e.g. 'myproject/favicon-down.svg'.",
                    id="statusboard.E003",
                )
            )
    return errors


def _page_name(key: str, value: Any) -> list[CheckMessage]:
    if isinstance(value, str) and value.strip():
        return []
    return [
        Error(
            f"STATUSBOARD[{key!r}] must be a non-empty string, not {value!r}.",
            hint="Give the name of the status page, e.g. 'Example Status'.",
            id="statusboard.E003",
        )
    ]


def _page_url(key: str, value: Any) -> list[CheckMessage]:
    if not isinstance(value, str):
        return [
            Error(
                f"STATUSBOARD[{key!r}] must be a string, not {type(value).__name__}.",
                hint="Give the status page's http(s) URL, or '' to build it from each request.",
                id="statusboard.E003",
            )
        ]
    if not value:
        return []
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return [
            Error(
                f"STATUSBOARD[{key!r}] is not an http(s) URL: {value!r}.",
                hint="Give an absolute URL such as 'https://status.example.com/', "
                "or '' to build it from each request.",
                id="statusboard.E007",
            )
        ]
    return []


def _uptime_days(key: str, value: Any) -> list[CheckMessage]:
    return _int_between(
        key, value, 1, 3650, "Use the number of days the uptime bars cover, e.g. 90."
    )


def _uptime_weights(key: str, value: Any) -> list[CheckMessage]:
    if not isinstance(value, dict):
        return [
            Error(
                f"STATUSBOARD[{key!r}] must be a dict, not {type(value).__name__}.",
                hint="Map statuses 1-3 to how much of their time counts as down, e.g. {2: 0.5}.",
                id="statusboard.E003",
            )
        ]
    errors: list[CheckMessage] = []
    for status, weight in value.items():
        if not _is_int(status) or status not in (1, 2, 3):
            errors.append(
                Error(
                    f"STATUSBOARD[{key!r}] has the key {status!r}, which is not a status "
                    "that can count as down.",
                    hint="Use the integer statuses 1, 2 and 3 as keys.",
                    id="statusboard.E005",
                )
            )
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 <= weight <= 1:
            errors.append(
                Error(
                    f"STATUSBOARD[{key!r}][{status!r}] must be a number from 0 to 1, "
                    f"not {weight!r}.",
                    hint="0 means the time does not count as down, 1 that it counts in full.",
                    id="statusboard.E004",
                )
            )
    return errors


def _int_between(key: str, value: Any, low: int, high: int, hint: str) -> list[CheckMessage]:
    errors = _non_negative_int(key, value)
    if not errors and not low <= value <= high:
        errors.append(
            Error(
                f"STATUSBOARD[{key!r}] must be from {low} to {high}, not {value}.",
                hint=hint,
                id="statusboard.E004",
            )
        )
    return errors


def _webhook_max_attempts(key: str, value: Any) -> list[CheckMessage]:
    return _int_between(key, value, 1, 20, "Use the number of attempts per delivery, e.g. 5.")


def _webhook_retry_delay(key: str, value: Any) -> list[CheckMessage]:
    return _int_between(key, value, 1, 86_400, "Use the seconds before the first retry, e.g. 60.")


def _maintenance_notification_window(key: str, value: Any) -> list[CheckMessage]:
    return _int_between(
        key, value, 1, 10_080, "Use a number of minutes longer than the cron interval, e.g. 60."
    )


def _webhook_timeout(key: str, value: Any) -> list[CheckMessage]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return [
            Error(
                f"STATUSBOARD[{key!r}] must be a number, not {type(value).__name__}.",
                hint=f"Set STATUSBOARD[{key!r}] to a number of seconds such as 5.",
                id="statusboard.E003",
            )
        ]
    if not 0 < value <= 60:
        return [
            Error(
                f"STATUSBOARD[{key!r}] must be more than 0 and at most 60, not {value}.",
                hint="Use a few seconds, e.g. 5: a slow receiver holds up the worker.",
                id="statusboard.E004",
            )
        ]
    return []


def _optional_email(key: str, value: Any) -> list[CheckMessage]:
    if value is None or (isinstance(value, str) and value.strip()):
        return []
    return [
        Error(
            f"STATUSBOARD[{key!r}] must be an email address or None, not {value!r}.",
            hint="Give a sender such as 'Status <status@example.com>', "
            "or None to use DEFAULT_FROM_EMAIL.",
            id="statusboard.E003",
        )
    ]


def _cache_alias(key: str, value: Any) -> list[CheckMessage]:
    if isinstance(value, str) and value in settings.CACHES:
        return []
    return [
        Error(
            f"STATUSBOARD[{key!r}] is {value!r}, which is not an alias in CACHES.",
            hint=f"Use one of {sorted(settings.CACHES)}, or add that cache to CACHES.",
            id="statusboard.E008",
        )
    ]


def _positive_seconds(key: str, value: Any) -> list[CheckMessage]:
    errors = _non_negative_int(key, value)
    if not errors and value == 0:
        errors.append(
            Error(
                f"STATUSBOARD[{key!r}] must be at least 1 second.",
                hint=f"Use a number of seconds such as {DEFAULTS[key]!r}.",
                id="statusboard.E004",
            )
        )
    return errors


def _optional_positive_seconds(key: str, value: Any) -> list[CheckMessage]:
    return [] if value is None else _positive_seconds(key, value)


VALIDATORS: dict[str, Callable[[str, Any], list[CheckMessage]]] = {
    "INCIDENT_DAYS_IN_INDEX": _non_negative_int,
    "OPEN_INCIDENT_IN_INDEX": _boolean,
    "AUTO_REFRESH_INDEX_SECONDS": _non_negative_int,
    "FAVICON_DEFAULT": _static_path,
    "FAVICON_INDEX_DICT": _favicon_dict,
    "PAGE_NAME": _page_name,
    "PAGE_URL": _page_url,
    "UPTIME_DAYS": _uptime_days,
    "UPTIME_WEIGHTS": _uptime_weights,
    "NOTIFICATION_FROM_EMAIL": _optional_email,
    "MAINTENANCE_NOTIFICATION_WINDOW_MINUTES": _maintenance_notification_window,
    "WEBHOOK_ALLOW_PRIVATE_ADDRESSES": _boolean,
    "WEBHOOK_MAX_ATTEMPTS": _webhook_max_attempts,
    "WEBHOOK_RETRY_DELAY_SECONDS": _webhook_retry_delay,
    "WEBHOOK_TIMEOUT_SECONDS": _webhook_timeout,
    "CACHE_ALIAS": _cache_alias,
    "CACHE_TIMEOUT": _positive_seconds,
    "STALE_TIMEOUT": _optional_positive_seconds,
}


@register(Tags.compatibility)
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    user_settings = getattr(settings, "STATUSBOARD", {})
    if not isinstance(user_settings, dict):
        return [
            Error(
                f"STATUSBOARD must be a dict, not {type(user_settings).__name__}.",
                hint="Set STATUSBOARD = {...} with the keys described in the docs, or remove it.",
                id="statusboard.E001",
            )
        ]
    errors: list[CheckMessage] = []
    for key, value in user_settings.items():
        if key not in DEFAULTS:
            close = difflib.get_close_matches(str(key).upper(), DEFAULTS, n=1)
            hint = (
                f"Did you mean {close[0]!r}?"
                if close
                else ("Valid keys are: " + ", ".join(sorted(DEFAULTS)) + ".")
            )
            errors.append(
                Error(f"STATUSBOARD has an unknown key {key!r}.", hint=hint, id="statusboard.E002")
            )
            continue
        errors.extend(VALIDATORS[key](key, value))
    return errors


@register(Tags.compatibility)
def check_required_apps(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    return [
        Error(
            f"statusboard needs {app!r} in INSTALLED_APPS.",
            hint=f"Add {app!r} to INSTALLED_APPS.",
            id="statusboard.E006",
        )
        for app in REQUIRED_APPS
        if not apps.is_installed(app)
    ]
