"""Who may read and write what through the API."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class ModelPermissionsOrAnonReadOnly(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Anyone may read; adding, changing and deleting need the Django model
    permission for that model and action (``statusboard.add_incident``, …)."""


def sees_hidden_services(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """Whether ``user`` may see services that are not public (signed-in staff)."""
    return user is not None and user.is_active and user.is_staff


SET_SERVICE_STATUS_PERMISSION = "statusboard.change_service"


def check_can_set_service_status(user: AbstractBaseUser | AnonymousUser | None) -> None:
    """Raise PermissionDenied unless ``user`` may change the status of services.

    Writing an incident with a ``service_status`` changes its services, so it
    needs the permission to change services as well.
    """
    if user is None or not user.has_perm(SET_SERVICE_STATUS_PERMISSION):
        raise exceptions.PermissionDenied(
            _("Setting service_status needs the permission to change services.")
        )
