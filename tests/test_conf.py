from __future__ import annotations

import copy

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings

from statusboard.conf import DEFAULTS, app_settings

EXPECTED_DEFAULTS = {
    "INCIDENT_DAYS_IN_INDEX": 7,
    "OPEN_INCIDENT_IN_INDEX": True,
    "AUTO_REFRESH_INDEX_SECONDS": 0,
    "FAVICON_DEFAULT": "statusboard/icons/favicon-default.svg",
    "FAVICON_INDEX_DICT": {
        0: "statusboard/icons/favicon-operational.svg",
        1: "statusboard/icons/favicon-performance.svg",
        2: "statusboard/icons/favicon-partial.svg",
        3: "statusboard/icons/favicon-major.svg",
    },
    "PAGE_NAME": "Status",
    "PAGE_URL": "",
    "UPTIME_DAYS": 90,
    "UPTIME_WEIGHTS": {1: 0.0, 2: 0.3, 3: 1.0},
    # None in DEFAULTS: the host's DEFAULT_FROM_EMAIL (Django's own default here).
    "NOTIFICATION_FROM_EMAIL": "webmaster@localhost",
    "MAINTENANCE_NOTIFICATION_WINDOW_MINUTES": 60,
    "WEBHOOK_ALLOW_PRIVATE_ADDRESSES": False,
    "WEBHOOK_MAX_ATTEMPTS": 5,
    "WEBHOOK_RETRY_DELAY_SECONDS": 60,
    "WEBHOOK_TIMEOUT_SECONDS": 5,
    "CACHE_ALIAS": "default",
    "CACHE_TIMEOUT": 60,
    "STALE_TIMEOUT": 604800,
}

OVERRIDES = {
    "INCIDENT_DAYS_IN_INDEX": 3,
    "OPEN_INCIDENT_IN_INDEX": False,
    "AUTO_REFRESH_INDEX_SECONDS": 60,
    "FAVICON_DEFAULT": "myproject/favicon.svg",
    "FAVICON_INDEX_DICT": {
        0: "myproject/up.svg",
        1: "myproject/slow.svg",
        2: "myproject/partial.svg",
        3: "myproject/down.svg",
    },
    "PAGE_NAME": "Example Status",
    "PAGE_URL": "https://status.example.com/",
    "UPTIME_DAYS": 30,
    "UPTIME_WEIGHTS": {1: 0.1, 2: 0.5, 3: 0.9},
    "NOTIFICATION_FROM_EMAIL": "Status <status@example.com>",
    "MAINTENANCE_NOTIFICATION_WINDOW_MINUTES": 15,
    "WEBHOOK_ALLOW_PRIVATE_ADDRESSES": True,
    "WEBHOOK_MAX_ATTEMPTS": 3,
    "WEBHOOK_RETRY_DELAY_SECONDS": 10,
    "WEBHOOK_TIMEOUT_SECONDS": 2.5,
    "CACHE_ALIAS": "pages",
    "CACHE_TIMEOUT": 30,
    "STALE_TIMEOUT": None,
}


def test_every_key_has_a_property():
    assert set(DEFAULTS) == set(EXPECTED_DEFAULTS)
    for key in DEFAULTS:
        assert isinstance(getattr(type(app_settings), key), property)


@pytest.mark.parametrize("key", sorted(EXPECTED_DEFAULTS))
def test_default_without_statusboard_setting(settings, key):
    del settings.STATUSBOARD

    assert getattr(app_settings, key) == EXPECTED_DEFAULTS[key]


@pytest.mark.parametrize("key", sorted(EXPECTED_DEFAULTS))
@override_settings(STATUSBOARD={})
def test_default_with_empty_statusboard_setting(key):
    assert getattr(app_settings, key) == EXPECTED_DEFAULTS[key]


@pytest.mark.parametrize("key", sorted(EXPECTED_DEFAULTS))
def test_default_for_keys_the_host_leaves_out(key):
    others = {other: value for other, value in OVERRIDES.items() if other != key}

    with override_settings(STATUSBOARD=others):
        assert getattr(app_settings, key) == EXPECTED_DEFAULTS[key]


@pytest.mark.parametrize("key", sorted(OVERRIDES))
def test_override(key):
    with override_settings(STATUSBOARD={key: OVERRIDES[key]}):
        assert getattr(app_settings, key) == OVERRIDES[key]


def test_override_all_keys_at_once():
    with override_settings(STATUSBOARD=copy.deepcopy(OVERRIDES)):
        for key, value in OVERRIDES.items():
            assert getattr(app_settings, key) == value


@pytest.mark.parametrize("key", sorted(OVERRIDES))
def test_restored_after_override_settings(key):
    with override_settings(STATUSBOARD={key: OVERRIDES[key]}):
        pass

    assert getattr(app_settings, key) == EXPECTED_DEFAULTS[key]


def test_nested_override_settings_restore_the_outer_value():
    with override_settings(STATUSBOARD={"INCIDENT_DAYS_IN_INDEX": 3}):
        with override_settings(STATUSBOARD={"INCIDENT_DAYS_IN_INDEX": 1}):
            assert app_settings.INCIDENT_DAYS_IN_INDEX == 1
        assert app_settings.INCIDENT_DAYS_IN_INDEX == 3
    assert app_settings.INCIDENT_DAYS_IN_INDEX == 7


def test_override_settings_as_decorator_is_restored():
    @override_settings(STATUSBOARD={"AUTO_REFRESH_INDEX_SECONDS": 30})
    def read() -> int:
        return app_settings.AUTO_REFRESH_INDEX_SECONDS

    assert read() == 30
    assert app_settings.AUTO_REFRESH_INDEX_SECONDS == 0


def test_pytest_django_settings_fixture(settings):
    settings.STATUSBOARD = {"OPEN_INCIDENT_IN_INDEX": False}
    assert app_settings.OPEN_INCIDENT_IN_INDEX is False

    settings.STATUSBOARD = {"OPEN_INCIDENT_IN_INDEX": True}
    assert app_settings.OPEN_INCIDENT_IN_INDEX is True


def test_value_changed_in_place_is_seen_on_next_access():
    # Nothing is cached: a host that edits its dict at run time is heard.
    host = {"INCIDENT_DAYS_IN_INDEX": 3}
    with override_settings(STATUSBOARD=host):
        assert app_settings.INCIDENT_DAYS_IN_INDEX == 3
        host["INCIDENT_DAYS_IN_INDEX"] = 5
        assert app_settings.INCIDENT_DAYS_IN_INDEX == 5


@pytest.mark.parametrize("value", [None, [], "INCIDENT_DAYS_IN_INDEX=3", 3])
def test_statusboard_not_a_dict_gives_the_defaults(value):
    # manage.py check reports it (statusboard.E001); pages keep working meanwhile.
    with override_settings(STATUSBOARD=value):
        for key, default in EXPECTED_DEFAULTS.items():
            assert getattr(app_settings, key) == default


def test_falsy_overrides_are_not_replaced_by_defaults():
    with override_settings(
        STATUSBOARD={"INCIDENT_DAYS_IN_INDEX": 0, "OPEN_INCIDENT_IN_INDEX": False}
    ):
        assert app_settings.INCIDENT_DAYS_IN_INDEX == 0
        assert app_settings.OPEN_INCIDENT_IN_INDEX is False


def test_favicon_index_dict_merges_a_partial_host_dict_with_the_defaults():
    with override_settings(STATUSBOARD={"FAVICON_INDEX_DICT": {3: "myproject/down.svg"}}):
        assert app_settings.FAVICON_INDEX_DICT == {
            0: "statusboard/icons/favicon-operational.svg",
            1: "statusboard/icons/favicon-performance.svg",
            2: "statusboard/icons/favicon-partial.svg",
            3: "myproject/down.svg",
        }


def test_favicon_index_dict_empty_host_dict_gives_the_defaults():
    with override_settings(STATUSBOARD={"FAVICON_INDEX_DICT": {}}):
        assert EXPECTED_DEFAULTS["FAVICON_INDEX_DICT"] == app_settings.FAVICON_INDEX_DICT


def test_favicon_index_dict_restored_after_override_settings():
    with override_settings(STATUSBOARD={"FAVICON_INDEX_DICT": {0: "myproject/up.svg"}}):
        assert app_settings.FAVICON_INDEX_DICT[0] == "myproject/up.svg"

    assert EXPECTED_DEFAULTS["FAVICON_INDEX_DICT"] == app_settings.FAVICON_INDEX_DICT


def test_uptime_weights_merges_a_partial_host_dict_with_the_defaults():
    with override_settings(STATUSBOARD={"UPTIME_WEIGHTS": {2: 0.5}}):
        assert app_settings.UPTIME_WEIGHTS == {1: 0.0, 2: 0.5, 3: 1.0}

    assert EXPECTED_DEFAULTS["UPTIME_WEIGHTS"] == app_settings.UPTIME_WEIGHTS


def test_host_dict_is_never_mutated():
    host = {
        "INCIDENT_DAYS_IN_INDEX": 3,
        "FAVICON_INDEX_DICT": {3: "myproject/down.svg"},
        "UPTIME_WEIGHTS": {2: 0.5},
    }
    snapshot = copy.deepcopy(host)

    with override_settings(STATUSBOARD=host):
        for key in EXPECTED_DEFAULTS:
            getattr(app_settings, key)
        icons = app_settings.FAVICON_INDEX_DICT
        icons[3] = "elsewhere.svg"
        icons[0] = "elsewhere.svg"
        weights = app_settings.UPTIME_WEIGHTS
        weights[2] = 1.0
        weights[1] = 1.0

        assert host == snapshot
        assert app_settings.FAVICON_INDEX_DICT[3] == "myproject/down.svg"
        assert app_settings.UPTIME_WEIGHTS[2] == 0.5


def test_defaults_are_never_mutated():
    snapshot = copy.deepcopy(DEFAULTS)

    app_settings.FAVICON_INDEX_DICT[0] = "elsewhere.svg"
    app_settings.UPTIME_WEIGHTS[3] = 0.0
    with override_settings(
        STATUSBOARD={"FAVICON_INDEX_DICT": {1: "myproject/slow.svg"}, "UPTIME_WEIGHTS": {}}
    ):
        app_settings.FAVICON_INDEX_DICT[2] = "elsewhere.svg"
        app_settings.UPTIME_WEIGHTS[2] = 1.0

    assert snapshot == DEFAULTS
    assert EXPECTED_DEFAULTS["FAVICON_INDEX_DICT"] == app_settings.FAVICON_INDEX_DICT


@pytest.mark.parametrize(
    "path",
    [
        EXPECTED_DEFAULTS["FAVICON_DEFAULT"],
        *EXPECTED_DEFAULTS["FAVICON_INDEX_DICT"].values(),
    ],
)
def test_default_favicons_ship_as_static_files(path):
    assert finders.find(path), f"{path} is not among the static files"
