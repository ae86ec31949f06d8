from __future__ import annotations

from io import StringIO

import pytest
from django.core.checks import Error, Tags, run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from statusboard.checks import REQUIRED_APPS, check_required_apps, check_settings
from statusboard.conf import DEFAULTS
from statusboard.models import Incident


def statusboard_ids(messages) -> list[str]:
    return [message.id for message in messages if message.id.startswith("statusboard.")]


def check(statusboard) -> list[Error]:
    with override_settings(STATUSBOARD=statusboard):
        return check_settings()


def test_registered_with_django(settings):
    settings.STATUSBOARD = {"INCIDENT_DAYS_IN_INDEX": -1}

    assert statusboard_ids(run_checks()) == ["statusboard.E004"]


def test_no_statusboard_setting_is_valid(settings):
    del settings.STATUSBOARD

    assert check_settings() == []
    assert check_required_apps() == []
    assert statusboard_ids(run_checks()) == []


@pytest.mark.parametrize(
    "statusboard",
    [
        {},
        {
            "INCIDENT_DAYS_IN_INDEX": 3,
            "OPEN_INCIDENT_IN_INDEX": True,
            "AUTO_REFRESH_INDEX_SECONDS": 60,
            "FAVICON_DEFAULT": "myproject/favicon.svg",
            "FAVICON_INDEX_DICT": {3: "myproject/favicon-down.svg"},
            "PAGE_NAME": "Example Status",
            "PAGE_URL": "https://status.example.com/",
        },
        {
            "INCIDENT_DAYS_IN_INDEX": 0,
            "OPEN_INCIDENT_IN_INDEX": False,
            "AUTO_REFRESH_INDEX_SECONDS": 0,
            "FAVICON_INDEX_DICT": {},
            "PAGE_URL": "",
        },
        {"INCIDENT_DAYS_IN_INDEX": 1, "AUTO_REFRESH_INDEX_SECONDS": 86_400},
        {"INCIDENT_DAYS_IN_INDEX": 36_500},
        {"FAVICON_INDEX_DICT": {0: "a.svg", 1: "b.svg", 2: "c.svg", 3: "d.svg"}},
        {"PAGE_URL": "http://localhost:8000/statusboard/"},
    ],
)
def test_valid_configuration_gives_no_message(statusboard):
    assert check(statusboard) == []
    with override_settings(STATUSBOARD=statusboard):
        assert statusboard_ids(run_checks()) == []


# E001


@pytest.mark.parametrize("statusboard", [None, [], [("INCIDENT_DAYS_IN_INDEX", 3)], "x", 7])
def test_statusboard_not_a_dict(statusboard):
    [error] = check(statusboard)

    assert isinstance(error, Error)
    assert error.id == "statusboard.E001"
    assert error.msg == f"STATUSBOARD must be a dict, not {type(statusboard).__name__}."
    assert "STATUSBOARD = {" in error.hint


# E002


@pytest.mark.parametrize(
    ("key", "suggestion"),
    [
        ("INCIDENT_DAYS_IN_INDX", "INCIDENT_DAYS_IN_INDEX"),
        ("INCIDENTS_DAYS_IN_INDEX", "INCIDENT_DAYS_IN_INDEX"),
        ("OPEN_INCIDENTS_IN_INDEX", "OPEN_INCIDENT_IN_INDEX"),
        ("AUTO_REFRESH_INDEX_SECOND", "AUTO_REFRESH_INDEX_SECONDS"),
        ("FAVICON_DEFALT", "FAVICON_DEFAULT"),
        ("FAVICONS_INDEX_DICT", "FAVICON_INDEX_DICT"),
        ("PAGE_NAMES", "PAGE_NAME"),
        ("incident_days_in_index", "INCIDENT_DAYS_IN_INDEX"),
        ("Auto_Refresh_Index_Seconds", "AUTO_REFRESH_INDEX_SECONDS"),
    ],
)
def test_unknown_key_suggests_the_closest_key(key, suggestion):
    [error] = check({key: 3})

    assert error.id == "statusboard.E002"
    assert error.msg == f"STATUSBOARD has an unknown key {key!r}."
    assert error.hint == f"Did you mean {suggestion!r}?"


@pytest.mark.parametrize("key", ["THEME", "refresh", 3, None])
def test_unknown_key_with_nothing_close_lists_the_valid_keys(key):
    [error] = check({key: 3})

    assert error.id == "statusboard.E002"
    assert error.msg == f"STATUSBOARD has an unknown key {key!r}."
    assert error.hint.startswith("Valid keys are: AUTO_REFRESH_INDEX_SECONDS, CACHE_ALIAS, ")
    assert error.hint == f"Valid keys are: {', '.join(sorted(DEFAULTS))}."


def test_unknown_key_is_not_validated_further():
    assert statusboard_ids(check({"INCIDENT_DAYS_IN_INDX": "a week"})) == ["statusboard.E002"]


# E003


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("INCIDENT_DAYS_IN_INDEX", "7"),
        ("INCIDENT_DAYS_IN_INDEX", 7.0),
        ("INCIDENT_DAYS_IN_INDEX", None),
        ("INCIDENT_DAYS_IN_INDEX", True),
        ("INCIDENT_DAYS_IN_INDEX", False),
        ("AUTO_REFRESH_INDEX_SECONDS", "60"),
        ("AUTO_REFRESH_INDEX_SECONDS", 0.5),
        ("AUTO_REFRESH_INDEX_SECONDS", True),
        ("AUTO_REFRESH_INDEX_SECONDS", False),
    ],
)
def test_integer_key_of_wrong_type(key, value):
    [error] = check({key: value})

    assert error.id == "statusboard.E003"
    assert error.msg == f"STATUSBOARD[{key!r}] must be an integer, not {type(value).__name__}."
    assert error.hint.startswith(f"Set STATUSBOARD[{key!r}] to a whole number")


@pytest.mark.parametrize("value", [1, 0, "True", "yes", None])
def test_boolean_key_of_wrong_type(value):
    [error] = check({"OPEN_INCIDENT_IN_INDEX": value})

    assert error.id == "statusboard.E003"
    assert (
        error.msg == f"STATUSBOARD['OPEN_INCIDENT_IN_INDEX'] must be True or False, not {value!r}."
    )
    assert error.hint == "Set STATUSBOARD['OPEN_INCIDENT_IN_INDEX'] to True or False."


@pytest.mark.parametrize("value", ["", None, 1, ["favicon.svg"]])
def test_favicon_default_of_wrong_type(value):
    [error] = check({"FAVICON_DEFAULT": value})

    assert error.id == "statusboard.E003"
    assert "FAVICON_DEFAULT" in error.msg
    assert "static file" in error.hint


@pytest.mark.parametrize("value", [None, [], [(3, "down.svg")], "down.svg"])
def test_favicon_index_dict_not_a_dict(value):
    [error] = check({"FAVICON_INDEX_DICT": value})

    assert error.id == "statusboard.E003"
    assert error.msg == (
        f"STATUSBOARD['FAVICON_INDEX_DICT'] must be a dict, not {type(value).__name__}."
    )


@pytest.mark.parametrize("path", ["", None, 3, b"down.svg"])
def test_favicon_index_dict_value_of_wrong_type(path):
    [error] = check({"FAVICON_INDEX_DICT": {3: path}})

    assert error.id == "statusboard.E003"
    assert error.msg == (
        f"STATUSBOARD['FAVICON_INDEX_DICT'][3] must be a non-empty string, not {path!r}."
    )


@pytest.mark.parametrize("value", ["", "   ", None, 1])
def test_page_name_of_wrong_type(value):
    [error] = check({"PAGE_NAME": value})

    assert error.id == "statusboard.E003"
    assert "PAGE_NAME" in error.msg


@pytest.mark.parametrize("value", [None, 1, b"https://status.example.com/"])
def test_page_url_of_wrong_type(value):
    [error] = check({"PAGE_URL": value})

    assert error.id == "statusboard.E003"
    assert error.msg == f"STATUSBOARD['PAGE_URL'] must be a string, not {type(value).__name__}."


# E004


@pytest.mark.parametrize("key", ["INCIDENT_DAYS_IN_INDEX", "AUTO_REFRESH_INDEX_SECONDS"])
@pytest.mark.parametrize("value", [-1, -30])
def test_negative_integer(key, value):
    [error] = check({key: value})

    assert error.id == "statusboard.E004"
    assert error.msg == f"STATUSBOARD[{key!r}] must be 0 or more, not {value}."
    assert error.hint == "Use 0 to turn it off."


@pytest.mark.parametrize("value", [36_501, 800_000, 10**9])
def test_incident_days_in_index_too_large(value):
    [error] = check({"INCIDENT_DAYS_IN_INDEX": value})

    assert error.id == "statusboard.E004"
    assert error.msg == f"STATUSBOARD['INCIDENT_DAYS_IN_INDEX'] must be 36500 or less, not {value}."


@pytest.mark.django_db
def test_largest_incident_days_in_index_accepted_still_works():
    with override_settings(STATUSBOARD={"INCIDENT_DAYS_IN_INDEX": 36_500}):
        assert check_settings() == []
        assert list(Incident.objects.in_index()) == []


# E005


@pytest.mark.parametrize("status", [4, -1, "3", "major", None, True, 3.0])
def test_favicon_index_dict_key_not_a_status(status):
    [error] = check({"FAVICON_INDEX_DICT": {status: "down.svg"}})

    assert error.id == "statusboard.E005"
    assert error.msg == (
        f"STATUSBOARD['FAVICON_INDEX_DICT'] has the key {status!r}, which is not a service status."
    )
    assert error.hint == "Use the integer statuses 0, 1, 2 and 3 as keys."


def test_favicon_index_dict_reports_every_bad_entry():
    errors = check({"FAVICON_INDEX_DICT": {0: "up.svg", "3": "", 4: "x.svg", 2: None}})

    assert statusboard_ids(errors) == [
        "statusboard.E005",
        "statusboard.E003",
        "statusboard.E005",
        "statusboard.E003",
    ]


# E006


def test_required_apps():
    assert {"django.contrib.auth", "django.contrib.contenttypes"} <= set(REQUIRED_APPS)


@pytest.mark.parametrize(
    "missing",
    [*([app] for app in REQUIRED_APPS), list(REQUIRED_APPS)],
    ids=[*REQUIRED_APPS, "all"],
)
def test_required_app_missing(missing):
    installed = [app for app in REQUIRED_APPS if app not in missing] + ["statusboard"]
    # Only the compatibility checks: Django's own checks for auth break without it.
    with override_settings(INSTALLED_APPS=installed):
        direct = check_required_apps()
        through_django = statusboard_ids(run_checks(tags=[Tags.compatibility]))

    assert [error.id for error in direct] == ["statusboard.E006"] * len(missing)
    assert [error.msg for error in direct] == [
        f"statusboard needs {app!r} in INSTALLED_APPS." for app in missing
    ]
    assert [error.hint for error in direct] == [
        f"Add {app!r} to INSTALLED_APPS." for app in missing
    ]
    assert through_django == ["statusboard.E006"] * len(missing)


def test_required_apps_restored_after_override_settings():
    with override_settings(INSTALLED_APPS=["statusboard"]):
        assert check_required_apps() != []

    assert check_required_apps() == []


# E007


@pytest.mark.parametrize(
    "value", ["status.example.com", "ftp://status.example.com/", "https://", "/statusboard/"]
)
def test_page_url_not_an_http_url(value):
    [error] = check({"PAGE_URL": value})

    assert error.id == "statusboard.E007"
    assert error.msg == f"STATUSBOARD['PAGE_URL'] is not an http(s) URL: {value!r}."


# Several at once


def test_every_problem_is_reported():
    errors = check(
        {
            "INCIDENT_DAYS_IN_INDEX": "7",
            "OPEN_INCIDENT_IN_INDEX": 1,
            "AUTO_REFRESH_INDEX_SECONDS": -5,
            "FAVICON_INDEX_DICT": {5: "x.svg"},
            "INCIDENT_DAYS": 3,
        }
    )

    assert statusboard_ids(errors) == [
        "statusboard.E003",
        "statusboard.E003",
        "statusboard.E004",
        "statusboard.E005",
        "statusboard.E002",
    ]
    assert all(isinstance(error, Error) for error in errors)


# manage.py check


def test_check_command_passes_with_valid_settings(settings):
    settings.STATUSBOARD = {"INCIDENT_DAYS_IN_INDEX": 3}
    out = StringIO()

    call_command("check", stdout=out)

    assert "System check identified no issues" in out.getvalue()


def test_check_command_fails_with_the_id_and_hint(settings):
    settings.STATUSBOARD = {"INCIDENT_DAYS_IN_INDX": 3}

    with pytest.raises(SystemCheckError) as excinfo:
        call_command("check")

    output = str(excinfo.value)
    assert "(statusboard.E002) STATUSBOARD has an unknown key 'INCIDENT_DAYS_IN_INDX'." in output
    assert "HINT: Did you mean 'INCIDENT_DAYS_IN_INDEX'?" in output


def test_check_command_reports_a_missing_app():
    with (
        override_settings(INSTALLED_APPS=["django.contrib.contenttypes", "statusboard"]),
        pytest.raises(SystemCheckError) as excinfo,
    ):
        call_command("check", tag=[Tags.compatibility])

    assert "(statusboard.E006) statusboard needs 'django.contrib.auth' in INSTALLED_APPS." in str(
        excinfo.value
    )


@pytest.mark.parametrize(
    "settings_value",
    [
        {"FAVICON_DEFAULT": "/static/statusboard/favicon.svg"},
        {"FAVICON_INDEX_DICT": {3: "https://cdn.example.com/down.svg"}},
    ],
)
def test_a_url_where_a_static_path_belongs_is_a_warning(settings, settings_value):
    settings.STATUSBOARD = settings_value

    messages = check_settings()

    assert [message.id for message in messages] == ["statusboard.W001"]
    assert "static()" in messages[0].hint
