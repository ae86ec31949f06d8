"""The notification emails, through Django's locmem outbox."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client

from statusboard.models import IncidentStatus, ServiceStatus
from statusboard.notifications import tokens
from tests.factories import (
    EmailSubscriberFactory,
    IncidentFactory,
    IncidentUpdateFactory,
    MaintenanceFactory,
    ServiceFactory,
    ServiceGroupFactory,
)
from tests.htmlcheck import parse

pytestmark = pytest.mark.django_db


def by_recipient() -> dict[str, mail.EmailMessage]:
    return {message.to[0]: message for message in mail.outbox}


def test_one_message_per_subscriber_with_no_other_address_in_it(run_on_commit):
    subscribers = [EmailSubscriberFactory() for _ in range(3)]
    service = ServiceFactory(name="API")

    with run_on_commit():
        service.set_status(ServiceStatus.MAJOR_OUTAGE)

    assert len(mail.outbox) == 3
    addresses = {s.email for s in subscribers}
    for message in mail.outbox:
        assert len(message.to) == 1
        assert not message.cc and not message.bcc
        others = addresses - set(message.to)
        text = message.message().as_string()
        assert not any(other in text for other in others)
    assert set(by_recipient()) == addresses


def test_plain_text_and_html_with_the_unsubscribe_headers(run_on_commit, settings):
    settings.STATUSBOARD = {"PAGE_NAME": "Acme Status"}
    subscriber = EmailSubscriberFactory(page_url="https://status.example.com/statusboard/")
    service = ServiceFactory(name="API")

    with run_on_commit():
        service.set_status(ServiceStatus.PARTIAL_OUTAGE)

    [message] = mail.outbox
    assert message.subject == "[Acme Status] API: Partial outage"
    assert message.from_email == "webmaster@localhost"
    assert "API is now: Partial outage" in message.body
    assert "from Operational to Partial outage" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    doc = parse(html)
    assert "API is now: Partial outage" in doc.find("h1").text

    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://status.example.com/statusboard/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = unsubscribe.strip("<>")
    assert url in message.body
    assert any(a.attrs.get("href") == url for a in doc.find_all("a"))
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert tokens.read_unsubscribe_token(token) == (subscriber.pk, subscriber.email)


def test_one_click_unsubscribe_from_the_header_works_without_a_session(run_on_commit):
    subscriber = EmailSubscriberFactory()
    with run_on_commit():
        ServiceFactory().set_status(ServiceStatus.MAJOR_OUTAGE)
    [message] = mail.outbox
    path = message.extra_headers["List-Unsubscribe"].strip("<>").split("example.com", 1)[1]

    # What a mail client sends by itself (RFC 8058): a POST, no cookie, no CSRF token.
    response = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert not type(subscriber).objects.filter(pk=subscriber.pk).exists()


def test_the_link_uses_page_url_when_it_is_set(run_on_commit, settings):
    settings.STATUSBOARD = {"PAGE_URL": "https://status.acme.test/"}
    EmailSubscriberFactory(page_url="http://old.example.com/")

    with run_on_commit():
        ServiceFactory().set_status(ServiceStatus.MAJOR_OUTAGE)

    [message] = mail.outbox
    assert message.extra_headers["List-Unsubscribe"].startswith(
        "<https://status.acme.test/statusboard/unsubscribe/"
    )


def test_in_the_subscribers_language(run_on_commit):
    EmailSubscriberFactory(email="en@example.com", language="en")
    EmailSubscriberFactory(email="it@example.com", language="it")
    service = ServiceFactory(name="API")

    with run_on_commit():
        service.set_status(ServiceStatus.MAJOR_OUTAGE)

    messages = by_recipient()
    assert "Major outage" in messages["en@example.com"].subject
    italian = messages["it@example.com"]
    assert "Major outage" not in italian.subject, italian.subject
    assert italian.alternatives[0][0].startswith('<!DOCTYPE html>\n\n<html lang="it"')


def test_only_interested_subscribers_hear_about_a_service(run_on_commit):
    api, web = ServiceFactory(name="API"), ServiceFactory(name="Web")
    backend = ServiceGroupFactory()
    api.groups.set([backend])
    EmailSubscriberFactory(email="all@example.com")
    EmailSubscriberFactory(email="api@example.com", services=[api])
    EmailSubscriberFactory(email="group@example.com", groups=[backend])
    EmailSubscriberFactory(email="web@example.com", services=[web])

    with run_on_commit():
        api.set_status(ServiceStatus.MAJOR_OUTAGE)

    assert sorted(by_recipient()) == ["all@example.com", "api@example.com", "group@example.com"]


def test_a_hidden_service_is_never_emailed_about(run_on_commit):
    EmailSubscriberFactory()
    hidden = ServiceFactory(hidden=True, name="Secret DB")

    with run_on_commit():
        hidden.set_status(ServiceStatus.MAJOR_OUTAGE)
        IncidentUpdateFactory(incident=IncidentFactory(name="Blip", services=[hidden]))

    # The incident is public (it is on the status page); its hidden service is not.
    [message] = mail.outbox
    assert message.subject.endswith("New incident: Blip")
    assert "Secret DB" not in message.body
    assert "Secret DB" not in message.alternatives[0][0]


def test_incident_emails(run_on_commit):
    EmailSubscriberFactory()
    api = ServiceFactory(name="API")
    incident = IncidentFactory(name="Errors", services=[api])

    with run_on_commit():
        IncidentUpdateFactory(incident=incident, description="We are *on it*.")
    with run_on_commit():
        IncidentUpdateFactory(incident=incident, status=IncidentStatus.WATCHING)
    with run_on_commit():
        IncidentUpdateFactory(incident=incident, fixed=True)

    subjects = [message.subject for message in mail.outbox]
    assert subjects == [
        "[Status] New incident: Errors",
        "[Status] Incident update: Errors",
        "[Status] Resolved: Errors",
    ]
    first = mail.outbox[0]
    assert "We are *on it*." in first.body
    assert "<em>on it</em>" in first.alternatives[0][0]
    assert "Services: API" in first.body


def test_maintenance_emails(run_on_commit):
    EmailSubscriberFactory()
    with run_on_commit():
        MaintenanceFactory(name="Database upgrade", description="Short.")

    [message] = mail.outbox
    assert message.subject == "[Status] Maintenance scheduled: Database upgrade"
    assert "Starts:" in message.body
    assert "Short." in message.body


def test_notification_from_email_setting(run_on_commit, settings):
    settings.STATUSBOARD = {"NOTIFICATION_FROM_EMAIL": "Status <status@example.com>"}
    EmailSubscriberFactory()

    with run_on_commit():
        ServiceFactory().set_status(ServiceStatus.MAJOR_OUTAGE)

    assert mail.outbox[0].from_email == "Status <status@example.com>"


def test_a_failing_email_backend_does_not_break_the_change(run_on_commit, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_email.BrokenBackend"
    EmailSubscriberFactory()
    service = ServiceFactory()

    with run_on_commit():
        service.set_status(ServiceStatus.MAJOR_OUTAGE)

    service.refresh_from_db()
    assert service.status == ServiceStatus.MAJOR_OUTAGE


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages):
        if self.fail_silently:  # As Django's own backends do for mail_admins().
            return 0
        raise ConnectionRefusedError("SMTP is down")
