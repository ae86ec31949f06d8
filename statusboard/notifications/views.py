"""Pages of the notifications: subscribing by email (double opt-in) and
unsubscribing, for everybody; the webhooks, for managers.

Subscribing always answers the same, whether the address was subscribed
already or not, so that the form tells a stranger nothing. Nothing is stored
until the owner of the address confirms through the signed link.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import (
    CreateView,
    DeleteView,
    FormView,
    ListView,
    TemplateView,
    UpdateView,
)

from statusboard.models import Service
from statusboard.notifications import tokens
from statusboard.notifications.forms import SubscribeForm, WebhookForm
from statusboard.notifications.managers import public_groups
from statusboard.notifications.models import EmailSubscriber, Webhook, WebhookDelivery
from statusboard.views.base import StatusboardContextMixin
from statusboard.views.manage import ManageDeleteMixin, ManageFormMixin, ManageMixin

TEMPLATE_DIR = "statusboard/notifications"


class SubscribeView(StatusboardContextMixin, FormView):
    """Ask for an address and its choices; email it a signed confirmation link."""

    form_class = SubscribeForm
    template_name = f"{TEMPLATE_DIR}/subscribe.html"
    success_url = reverse_lazy("statusboard:subscribe-sent")

    def form_valid(self, form: SubscribeForm) -> HttpResponse:
        # Imported here: defining the tasks sets up the host's task backend.
        from statusboard.notifications.tasks import enqueue_on_commit, send_confirmation_email

        subscription = tokens.Subscription(
            email=form.cleaned_data["email"],
            language=translation.get_language() or "",
            page_url=self.request.build_absolute_uri(reverse("statusboard:index")),
            service_ids=sorted(service.pk for service in form.cleaned_data["services"]),
            group_ids=sorted(group.pk for group in form.cleaned_data["groups"]),
        )
        token = tokens.make_confirm_token(subscription)
        confirm_url = self.request.build_absolute_uri(
            reverse("statusboard:subscribe-confirm", kwargs={"token": token})
        )
        enqueue_on_commit(
            send_confirmation_email,
            subscription.email,
            confirm_url,
            subscription.language,
            subscription.service_ids,
            subscription.group_ids,
        )
        return super().form_valid(form)


class SubscribeSentView(StatusboardContextMixin, TemplateView):
    """Say that a confirmation link is on its way, whatever the address was."""

    template_name = f"{TEMPLATE_DIR}/subscribe_sent.html"


class TokenViewMixin(StatusboardContextMixin):
    """Read the signed token of the URL; answer a bad one with a clear 400 page."""

    invalid_template_name = f"{TEMPLATE_DIR}/invalid_link.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            self.token_data = self.read_token(kwargs["token"])
        except tokens.BadToken:
            self.template_name = self.invalid_template_name
            context = self.get_context_data(**kwargs)
            return self.render_to_response(context, status=400)
        return super().dispatch(request, *args, **kwargs)

    def read_token(self, token: str) -> Any:
        raise NotImplementedError


class SubscribeConfirmView(TokenViewMixin, TemplateView):
    """GET shows what the link confirms, POST confirms it.

    A GET changes nothing, so that mail scanners that follow links do not
    subscribe anybody.
    """

    template_name = f"{TEMPLATE_DIR}/subscribe_confirm.html"

    def read_token(self, token: str) -> tokens.Subscription:
        return tokens.read_confirm_token(token)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        subscription = getattr(self, "token_data", None)
        if subscription is not None:
            context.update(
                email=subscription.email,
                services=Service.objects.public()
                .filter(pk__in=subscription.service_ids)
                .priority_sorted(),
                groups=public_groups().filter(pk__in=subscription.group_ids),
            )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        subscription: tokens.Subscription = self.token_data
        with transaction.atomic():
            subscriber, _created = EmailSubscriber.objects.update_or_create(
                email=subscription.email.strip().lower(),
                defaults={
                    "language": subscription.language,
                    "page_url": subscription.page_url,
                    "confirmed": timezone.now(),
                },
            )
            subscriber.services.set(
                Service.objects.public().filter(pk__in=subscription.service_ids)
            )
            subscriber.groups.set(public_groups().filter(pk__in=subscription.group_ids))
        self.template_name = f"{TEMPLATE_DIR}/subscribed.html"
        return self.render_to_response(self.get_context_data(**kwargs))


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(TokenViewMixin, TemplateView):
    """GET asks, POST unsubscribes, with no sign-in.

    The POST needs no CSRF token: mail clients send it by themselves for
    ``List-Unsubscribe-Post`` (RFC 8058), and the signed token in the URL is
    what authorises it. Unsubscribing twice is no error.
    """

    template_name = f"{TEMPLATE_DIR}/unsubscribe.html"

    def read_token(self, token: str) -> tuple[int, str]:
        return tokens.read_unsubscribe_token(token)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        subscriber_id, email = self.token_data
        EmailSubscriber.objects.filter(pk=subscriber_id, email=email).delete()
        self.template_name = f"{TEMPLATE_DIR}/unsubscribed.html"
        return self.render_to_response(self.get_context_data(**kwargs))


class WebhookMixin:
    model = Webhook
    form_class = WebhookForm
    success_url = reverse_lazy("statusboard:webhook:list")

    def get_template_names(self) -> list[str]:
        return [f"{TEMPLATE_DIR}/webhook_form.html"]


class WebhookListView(ManageMixin, ListView):
    """The webhooks with their latest deliveries, for managers."""

    model = Webhook
    action = "view"
    template_name = f"{TEMPLATE_DIR}/webhook_list.html"
    context_object_name = "webhooks"
    latest_deliveries = 20

    def get_queryset(self) -> QuerySet[Webhook]:
        return Webhook.objects.prefetch_related("services", "groups")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["deliveries"] = WebhookDelivery.objects.select_related("event", "webhook").order_by(
            "-created", "-pk"
        )[: self.latest_deliveries]
        return context


class WebhookCreateView(WebhookMixin, ManageFormMixin, CreateView):
    action = "add"
    success_message = _("The webhook “%(name)s” was added.")


class WebhookUpdateView(WebhookMixin, ManageFormMixin, UpdateView):
    action = "change"
    success_message = _("The webhook “%(name)s” was changed.")


class WebhookDeleteView(ManageDeleteMixin, DeleteView):
    model = Webhook
    success_url = reverse_lazy("statusboard:webhook:list")
    success_message = _("The webhook “%(name)s” was deleted.")

    def get_template_names(self) -> list[str]:
        return [f"{TEMPLATE_DIR}/webhook_confirm_delete.html"]
