from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from statusboard.models import (
    INCIDENT_STATUSES,
    SERVICE_STATUSES,
    Incident,
    IncidentStatus,
    IncidentUpdate,
    Maintenance,
    Service,
    ServiceGroup,
    ServiceStatus,
    ServiceStatusChange,
)
from tests.factories import (
    IncidentFactory,
    IncidentUpdateFactory,
    MaintenanceFactory,
    ServiceFactory,
    ServiceGroupFactory,
)

pytestmark = pytest.mark.django_db


def history(service: Service) -> list[tuple[int | None, int]]:
    changes = service.status_changes.order_by("created", "pk")
    return list(changes.values_list("old_status", "new_status"))


class TestStatusChoices:
    def test_original_tuples_stay_importable(self):
        assert [value for value, _ in SERVICE_STATUSES] == [0, 1, 2, 3]
        assert [str(label) for _, label in SERVICE_STATUSES] == [
            "Operational",
            "Performance issues",
            "Partial outage",
            "Major outage",
        ]
        assert [str(label) for _, label in INCIDENT_STATUSES] == [
            "Investigating",
            "Identified",
            "Watching",
            "Fixed",
        ]


class TestServiceHistory:
    def test_creation_writes_a_row_without_old_status(self):
        service = ServiceFactory(status=ServiceStatus.PARTIAL_OUTAGE)

        assert history(service) == [(None, 2)]

    def test_save_with_a_new_status_writes_a_row(self):
        service = ServiceFactory()
        service.status = ServiceStatus.MAJOR_OUTAGE
        service.save()

        assert history(service) == [(None, 0), (0, 3)]

    def test_save_without_a_status_change_writes_nothing(self):
        service = ServiceFactory()
        service.description = "Changed"
        service.save()

        assert history(service) == [(None, 0)]

    def test_set_status_reports_whether_it_changed(self):
        service = ServiceFactory()

        assert service.set_status(ServiceStatus.PARTIAL_OUTAGE) is True
        assert service.set_status(ServiceStatus.PARTIAL_OUTAGE) is False
        assert history(service) == [(None, 0), (0, 2)]

    def test_set_status_rejects_an_unknown_status(self):
        service = ServiceFactory()

        with pytest.raises(ValueError):
            service.set_status(7)
        service.refresh_from_db()
        assert service.status == ServiceStatus.OPERATIONAL

    def test_stale_instance_records_the_real_previous_status(self):
        service = ServiceFactory()
        stale = Service.objects.get(pk=service.pk)
        service.set_status(ServiceStatus.MAJOR_OUTAGE)

        stale.description = "Edited from an old form"
        stale.save()

        # Writing the stale status back is a real change, so it is recorded.
        assert history(service) == [(None, 0), (0, 3), (3, 0)]

    def test_bulk_set_status_writes_a_row_per_changed_service(self):
        changing = ServiceFactory.create_batch(3)
        unchanged = ServiceFactory(down=True)

        changed = Service.objects.all().set_status(ServiceStatus.MAJOR_OUTAGE)

        assert changed == 3
        for service in changing:
            assert history(service) == [(None, 0), (0, 3)]
        assert history(unchanged) == [(None, 3)]

    def test_bulk_set_status_on_a_filtered_queryset(self):
        group = ServiceGroupFactory()
        inside = ServiceFactory(groups=[group])
        outside = ServiceFactory()

        ServiceGroup.objects.get(pk=group.pk).services.all().set_status(1)

        assert Service.objects.get(pk=inside.pk).status == 1
        assert Service.objects.get(pk=outside.pk).status == 0

    def test_update_fields_without_status_leaves_history_alone(self):
        service = ServiceFactory()
        service.status = ServiceStatus.MAJOR_OUTAGE
        service.save(update_fields=["description"])

        assert history(service) == [(None, 0)]
        assert Service.objects.get(pk=service.pk).status == ServiceStatus.OPERATIONAL

    def test_deleting_a_service_deletes_its_history(self):
        service = ServiceFactory()
        service.delete()

        assert not ServiceStatusChange.objects.exists()


class TestServiceValidation:
    def test_status_outside_the_choices_is_rejected(self):
        service = Service(name="API", status=9)

        with pytest.raises(ValidationError) as error:
            service.full_clean()
        assert "status" in error.value.message_dict

    def test_empty_name_is_rejected(self):
        with pytest.raises(ValidationError) as error:
            Service(name="").full_clean()
        assert "name" in error.value.message_dict

    def test_duplicate_name_is_rejected(self):
        ServiceFactory(name="API")

        with pytest.raises(ValidationError) as error:
            Service(name="API").full_clean()
        assert error.value.message_dict["name"] == ["Service with this Name already exists."]

    def test_duplicate_group_name_is_rejected(self):
        ServiceGroupFactory(name="Core")

        with pytest.raises(ValidationError) as error:
            ServiceGroup(name="Core").full_clean()
        assert "name" in error.value.message_dict

    @pytest.mark.parametrize("href", ["javascript:alert(1)", "ftp://example.com/", "not a url"])
    def test_href_must_be_http(self, href):
        with pytest.raises(ValidationError) as error:
            Service(name="API", href=href).full_clean()
        assert "href" in error.value.message_dict

    def test_https_href_is_accepted(self):
        Service(name="API", href="https://example.com/api").full_clean()

    def test_deleting_a_group_keeps_its_services(self):
        group = ServiceGroupFactory()
        service = ServiceFactory(groups=[group])

        group.delete()

        assert Service.objects.filter(pk=service.pk).exists()


class TestIncidentClosed:
    def test_open_without_updates(self):
        assert IncidentFactory().closed is False

    def test_a_fixed_update_closes_it(self):
        incident = IncidentFactory()
        IncidentUpdateFactory(incident=incident, fixed=True)

        incident.refresh_from_db()
        assert incident.closed is True

    def test_the_cached_incident_is_kept_in_step(self):
        update = IncidentUpdateFactory(fixed=True)

        assert update.incident.closed is True

    def test_a_later_update_reopens_it(self):
        incident = IncidentFactory()
        start = timezone.now()
        IncidentUpdateFactory(incident=incident, fixed=True, created=start)
        IncidentUpdateFactory(incident=incident, created=start + datetime.timedelta(minutes=1))

        incident.refresh_from_db()
        assert incident.closed is False

    def test_editing_the_latest_update_to_fixed_closes_it(self):
        update = IncidentUpdateFactory()
        update.status = IncidentStatus.FIXED
        update.save()

        assert Incident.objects.get(pk=update.incident_id).closed is True

    def test_deleting_the_fixed_update_reopens_it(self):
        incident = IncidentFactory()
        start = timezone.now()
        IncidentUpdateFactory(incident=incident, created=start)
        fixed = IncidentUpdateFactory(
            incident=incident, fixed=True, created=start + datetime.timedelta(minutes=1)
        )

        fixed.delete()

        assert Incident.objects.get(pk=incident.pk).closed is False

    def test_queryset_delete_reopens_it(self):
        update = IncidentUpdateFactory(fixed=True)

        IncidentUpdate.objects.filter(pk=update.pk).delete()

        assert Incident.objects.get(pk=update.incident_id).closed is False

    def test_queryset_update_keeps_it_right(self):
        update = IncidentUpdateFactory()

        IncidentUpdate.objects.filter(pk=update.pk).update(status=IncidentStatus.FIXED)

        assert Incident.objects.get(pk=update.incident_id).closed is True

    def test_moving_an_update_fixes_both_incidents(self):
        update = IncidentUpdateFactory(fixed=True)
        old_incident = update.incident
        new_incident = IncidentFactory()

        update.incident = new_incident
        update.save()

        assert Incident.objects.get(pk=old_incident.pk).closed is False
        assert Incident.objects.get(pk=new_incident.pk).closed is True

    def test_saving_a_stale_incident_keeps_closed_right(self):
        incident = IncidentFactory()
        stale = Incident.objects.get(pk=incident.pk)
        IncidentUpdateFactory(incident=incident, fixed=True)

        stale.name = "Renamed"
        stale.save()

        assert Incident.objects.get(pk=incident.pk).closed is True

    def test_deleting_an_incident_deletes_its_updates(self):
        update = IncidentUpdateFactory()

        update.incident.delete()

        assert not IncidentUpdate.objects.exists()


class TestMaintenance:
    def test_end_before_start_is_rejected(self):
        start = timezone.now()
        maintenance = Maintenance(
            name="Upgrade", scheduled=start, end=start - datetime.timedelta(1)
        )

        with pytest.raises(ValidationError) as error:
            maintenance.full_clean()
        assert error.value.message_dict == {"end": ["The end must be after the scheduled start."]}

    def test_end_is_optional(self):
        Maintenance(name="Upgrade", scheduled=timezone.now()).full_clean()

    def test_states_follow_the_clock(self):
        upcoming = MaintenanceFactory()
        ongoing = MaintenanceFactory(ongoing=True)
        open_ended = MaintenanceFactory(scheduled=timezone.now() - datetime.timedelta(hours=1))
        completed = MaintenanceFactory(completed=True)

        assert list(Maintenance.objects.upcoming()) == [upcoming]
        assert set(Maintenance.objects.in_progress()) == {ongoing, open_ended}
        assert list(Maintenance.objects.completed()) == [completed]


def test_str_of_every_model():
    service = ServiceFactory(name="API")
    assert str(service) == "API"
    assert str(ServiceGroupFactory(name="Core")) == "Core"
    assert str(IncidentFactory(name="Outage")) == "Outage"
    assert str(MaintenanceFactory(name="Upgrade")) == "Upgrade"
    assert str(IncidentUpdateFactory(incident__name="Outage")) == "Outage: Investigating"
    assert str(service.status_changes.get()) == "API: — → Operational"
