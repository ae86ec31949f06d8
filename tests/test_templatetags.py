"""The ``statusboard`` template tag library."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django import forms
from django.template import Context, Template
from django.utils import timezone, translation

from statusboard.models import IncidentStatus, ServiceStatus
from statusboard.templatetags import statusboard as tags
from tests.htmlcheck import parse


def render(source: str, **context: object) -> str:
    return Template("{% load statusboard %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("status", "css_class", "icon", "words"),
    [
        (0, "success", "bi-check-circle-fill", "Operational"),
        (1, "info", "bi-dash-circle-fill", "Performance issues"),
        (2, "warning", "bi-exclamation-triangle-fill", "Partial outage"),
        (3, "danger", "bi-x-circle-fill", "Major outage"),
    ],
)
def test_service_status_badge_has_colour_icon_and_words(status, css_class, icon, words):
    badge = parse(render("{% service_status_badge s %}", s=status)).find("span")

    assert f"text-bg-{css_class}" in badge.classes
    assert badge.find("i").attrs == {"class": f"bi {icon}", "aria-hidden": "true"}
    assert badge.text == words
    assert badge.attrs["data-service-status"] == str(status)


@pytest.mark.parametrize(
    ("status", "words"),
    [(0, "Investigating"), (1, "Identified"), (2, "Watching"), (3, "Fixed")],
)
def test_incident_status_badge(status, words):
    badge = parse(render("{% incident_status_badge s %}", s=status)).find("span")
    assert badge.text == words
    assert badge.find("i", class_=tags.INCIDENT_STATUS_ICONS[status]) is not None


def test_unknown_statuses_still_render():
    assert parse(render("{% service_status_badge 9 %}")).text == "Unknown"
    assert parse(render("{% incident_status_badge 'x' %}")).text == "Unknown"
    assert render("{{ 9|service_status_class:'dark' }}") == "dark"


def test_impact_badge():
    assert parse(render("{% impact_badge 3 %}")).text == "Impact: Critical"


@pytest.mark.parametrize(
    ("status", "text"),
    [
        (0, "All systems are operational"),
        (1, "Some systems are experiencing performance issues"),
        (2, "Some systems are experiencing partial outages"),
        (3, "Some systems are experiencing major outages"),
        (None, ""),
    ],
)
def test_summary_text(status, text):
    assert render("{{ s|service_status_summary_text }}", s=status) == text


def test_the_original_filters_keep_working():
    """Hosts' templates written for the original django-statusboard."""
    assert render("{{ 3|service_status_class:'' }}") == "danger"
    assert render("{{ '0'|service_status_summary_text:'' }}") == "All systems are operational"
    assert render("{{ 0|incident_status_class:'' }}") == "danger"
    assert render("{{ 3|incident_status_class:'' }}") == "success"


def test_every_status_has_a_class_and_an_icon():
    for status in ServiceStatus:
        assert status in tags.SERVICE_STATUS_CLASSES and status in tags.SERVICE_STATUS_ICONS
    for status in IncidentStatus:
        assert status in tags.INCIDENT_STATUS_CLASSES and status in tags.INCIDENT_STATUS_ICONS


def test_checkbox_filters():
    class Form(forms.Form):
        flag = forms.BooleanField()
        many = forms.MultipleChoiceField(choices=[("a", "A")], widget=forms.CheckboxSelectMultiple)
        text = forms.CharField()

    form = Form()
    assert tags.is_checkbox(form["flag"]) and not tags.is_checkbox(form["text"])
    assert tags.is_multiple_checkbox(form["many"]) and not tags.is_multiple_checkbox(form["flag"])


NOW = datetime.datetime(2024, 6, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("delta", "english", "italian"),
    [
        (datetime.timedelta(seconds=-20), "just now", "proprio ora"),
        (datetime.timedelta(hours=-3, minutes=-10), "3 hours ago", "3 ore fa"),
        (datetime.timedelta(days=-1), "1 day ago", "1 giorno fa"),
        (datetime.timedelta(days=2, hours=1), "in 2 days", "tra 2 giorni"),
    ],
)
def test_relative_text(delta, english, italian):
    # Django keeps the number and its unit together with a no-break space.
    assert tags.relative_text(NOW + delta, NOW).replace("\xa0", " ") == english
    with translation.override("it"):
        assert tags.relative_text(NOW + delta, NOW).replace("\xa0", " ") == italian


def test_relative_time_element_is_in_the_current_time_zone():
    value = timezone.now() - datetime.timedelta(minutes=5)

    with timezone.override(zoneinfo.ZoneInfo("America/New_York")):
        element = parse(render("{% relative_time t %}", t=value)).find("time")

    when = datetime.datetime.fromisoformat(element.attrs["datetime"])
    assert when == value.replace(microsecond=0)
    new_york = zoneinfo.ZoneInfo("America/New_York")
    assert when.utcoffset() == value.astimezone(new_york).utcoffset()
    assert element.text == "5 minutes ago"
    assert element.attrs["title"]
    assert "data-statusboard-relative" in element.attrs


def test_exact_time_uses_the_sites_time_zone():
    value = datetime.datetime(2024, 1, 1, 23, 30, tzinfo=datetime.UTC)  # 00:30 in Rome
    element = parse(render("{% exact_time t %}", t=value)).find("time")
    assert element.attrs["datetime"] == "2024-01-02T00:30:00+01:00"
    assert element.text == "Jan. 2, 2024, 12:30 a.m."


def test_time_tags_accept_none():
    assert render("{% relative_time t %}{% exact_time t %}", t=None) == ""
