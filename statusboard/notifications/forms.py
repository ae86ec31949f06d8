"""The subscribe form of the status page, and the webhook form of the
management pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from statusboard.forms import BootstrapFormMixin, ServiceChoiceField
from statusboard.models import Service, ServiceGroup
from statusboard.notifications.managers import public_groups
from statusboard.notifications.models import Webhook


class SubscribeForm(BootstrapFormMixin, forms.Form):
    """An address and, optionally, the public services or groups it cares about."""

    email = forms.EmailField(label=_("Email address"), max_length=254)
    services = ServiceChoiceField(
        queryset=Service.objects.none(),
        required=False,
        label=_("Services"),
        help_text=_("Choose none to hear about every service."),
    )
    groups = forms.ModelMultipleChoiceField(
        queryset=ServiceGroup.objects.none(),
        required=False,
        label=_("Groups of services"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = Service.objects.public().priority_sorted()
        self.fields["groups"].queryset = public_groups()
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class WebhookForm(BootstrapFormMixin, forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=2000, assume_scheme="https")
    services = ServiceChoiceField(
        queryset=Service.objects.none(),
        required=False,
        label=_("Services"),
        help_text=_("Choose no service and no group to receive every event."),
    )

    class Meta:
        model = Webhook
        fields = ["name", "url", "secret", "active", "services", "groups"]
        widgets = {"groups": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = Service.objects.priority_sorted()
        self.fields["groups"].queryset = ServiceGroup.objects.priority_sorted()
        self.fields["url"].help_text = Webhook._meta.get_field("url").help_text
