from __future__ import annotations

import pytest
from django.core import mail
from django.core.mail import mail_admins
from django.db.models.signals import post_save
from django.dispatch import receiver

from statusboard import Service
from statusboard.models import Incident, IncidentStatus, ServiceStatus
from statusboard.signals import incident_updated, service_status_changed
from tests.factories import IncidentFactory, IncidentUpdateFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def status_changes():
    received = []

    def handler(sender, service, old_status, new_status, **kwargs):
        received.append((sender, service.pk, old_status, new_status))

    service_status_changed.connect(handler)
    yield received
    service_status_changed.disconnect(handler)


@pytest.fixture
def incident_updates():
    received = []

    def handler(sender, incident, update, created, **kwargs):
        received.append((sender, incident.pk, update.pk, created, incident.closed))

    incident_updated.connect(handler)
    yield received
    incident_updated.disconnect(handler)


class TestPostSaveStatus:
    """The original django-statusboard's documented ``post_save`` contract."""

    def test_documented_snippet_mails_admins_when_status_worsens(self):
        # The test environment sends mail through the locmem backend.
        # Verbatim from the docs.
        @receiver(post_save, sender=Service)
        def notify_service_update(sender, instance, **kwargs):
            if instance.status > instance._status:
                mail_admins(
                    "Alert",
                    "Service {} is {}".format(instance.name, instance.get_status_display()),  # noqa: UP032
                )

        try:
            service = Service.objects.create(name="API", status=ServiceStatus.OPERATIONAL)
            assert mail.outbox == []

            service.status = ServiceStatus.MAJOR_OUTAGE
            service.save()
            assert len(mail.outbox) == 1
            assert mail.outbox[0].body == "Service API is Major outage"

            service.status = ServiceStatus.OPERATIONAL
            service.save()
            assert len(mail.outbox) == 1
        finally:
            post_save.disconnect(notify_service_update, sender=Service)

    def test_status_inside_and_after_the_handler(self):
        seen = []

        def handler(sender, instance, created, **kwargs):
            seen.append((created, instance._status, instance.status))

        post_save.connect(handler, sender=Service)
        try:
            service = ServiceFactory(status=ServiceStatus.PARTIAL_OUTAGE)
            service.status = ServiceStatus.MAJOR_OUTAGE
            service.save()
        finally:
            post_save.disconnect(handler, sender=Service)

        assert seen == [(True, 2, 2), (False, 2, 3)]
        assert service._status == service.status == ServiceStatus.MAJOR_OUTAGE

    def test_loaded_service_starts_with_its_stored_status(self):
        ServiceFactory(down=True)

        service = Service.objects.get()

        assert service._status == ServiceStatus.MAJOR_OUTAGE


class TestServiceStatusChanged:
    def test_not_sent_on_creation(self, status_changes):
        ServiceFactory(down=True)

        assert status_changes == []

    def test_sent_once_by_save(self, status_changes):
        service = ServiceFactory()
        service.status = ServiceStatus.PARTIAL_OUTAGE
        service.save()

        assert status_changes == [(Service, service.pk, 0, 2)]

    def test_not_sent_for_a_save_that_keeps_the_status(self, status_changes):
        service = ServiceFactory()
        service.name = "Renamed"
        service.save()
        service.set_status(ServiceStatus.OPERATIONAL)

        assert status_changes == []

    def test_sent_once_by_set_status(self, status_changes):
        service = ServiceFactory()
        service.set_status(ServiceStatus.MAJOR_OUTAGE)

        assert status_changes == [(Service, service.pk, 0, 3)]

    def test_sent_once_per_changed_service_by_a_bulk_change(self, status_changes):
        first, second = ServiceFactory.create_batch(2)
        ServiceFactory(status=ServiceStatus.PERFORMANCE_ISSUES)

        Service.objects.all().set_status(ServiceStatus.PERFORMANCE_ISSUES)

        assert sorted(status_changes, key=lambda change: change[1]) == [
            (Service, first.pk, 0, 1),
            (Service, second.pk, 0, 1),
        ]


class TestIncidentUpdated:
    def test_sent_when_an_update_is_added(self, incident_updates):
        update = IncidentUpdateFactory(fixed=True)

        # ``closed`` is already right when receivers run.
        assert incident_updates == [(Incident, update.incident_id, update.pk, True, True)]

    def test_sent_when_an_update_is_edited(self, incident_updates):
        incident = IncidentFactory()
        update = IncidentUpdateFactory(incident=incident)
        update.status = IncidentStatus.IDENTIFIED
        update.save()

        assert incident_updates == [
            (Incident, incident.pk, update.pk, True, False),
            (Incident, incident.pk, update.pk, False, False),
        ]
