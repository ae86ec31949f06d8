"""The ``v1/webhook/`` resource: webhook subscribers, for managers only.

Every method, reading included, needs the Django model permission for it
(``statusboard.view_webhook``, ``add_webhook``, ``change_webhook``,
``delete_webhook``): a webhook's secret and address are not for visitors.
"""

from __future__ import annotations

from typing import ClassVar

from django.db.models import QuerySet
from rest_framework import permissions, serializers

from statusboard.api.serializers import (
    ModelSerializer,
    RelatedIdsField,
    _strict_pk_field,
    _url,
)
from statusboard.api.versioning import V1
from statusboard.api.views import StatusboardViewSet
from statusboard.models import Service, ServiceGroup
from statusboard.notifications.models import Webhook
from statusboard.notifications.ssrf import validate_webhook_url


class ModelPermissionsIncludingRead(permissions.DjangoModelPermissions):
    """Django's model permissions for every method, ``view`` for reading."""

    perms_map: ClassVar = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }


class WebhookSerializer(ModelSerializer):
    """A webhook: ``endpoint`` receives a signed POST for each event that
    touches one of its ``services`` or ``groups`` (every event when both are
    empty). ``secret`` is generated when left out."""

    url = _url("webhook")
    endpoint = serializers.URLField(
        source="url", max_length=2000, validators=[validate_webhook_url]
    )
    services = RelatedIdsField(
        child_relation=_strict_pk_field(Service.objects.all()), required=False
    )
    groups = RelatedIdsField(
        child_relation=_strict_pk_field(ServiceGroup.objects.all()), required=False
    )

    class Meta:
        model = Webhook
        fields = [
            "id",
            "url",
            "name",
            "endpoint",
            "secret",
            "active",
            "services",
            "groups",
            "created",
            "modified",
        ]
        extra_kwargs = {"secret": {"required": False}}


class WebhookViewSet(StatusboardViewSet):
    """Webhooks, for managers only.

    Each event is POSTed to ``endpoint`` as JSON (payload version 1), signed in
    the ``Statusboard-Signature`` header with ``secret``. The endpoint must
    resolve to public addresses.
    """

    permission_classes: ClassVar = [ModelPermissionsIncludingRead]
    serializer_classes: ClassVar = {V1: WebhookSerializer}

    def get_queryset(self) -> QuerySet[Webhook]:
        return Webhook.objects.prefetch_related("services", "groups")
