"""Forms of the management pages, styled for Bootstrap 5."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.forms.utils import ErrorList
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from statusboard.models import (
    Incident,
    IncidentUpdate,
    Maintenance,
    Service,
    ServiceGroup,
    ServiceStatus,
)


class BootstrapErrorList(ErrorList):
    """Errors under their field as Bootstrap invalid feedback, the others as an alert."""

    template_name = "statusboard/includes/form_errors.html"


def _datetime_widget() -> forms.DateTimeInput:
    # The browser's own date and time picker; Django parses its ISO value.
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class BootstrapFormMixin:
    """Give each widget its Bootstrap class, and mark invalid fields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("error_class", BootstrapErrorList)
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                # A list of checkboxes gives its class to each one.
                css_class = "form-check-input"
            elif isinstance(widget, forms.Select):
                css_class = "form-select"
            else:
                css_class = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css_class}".strip()

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class ServiceChoiceField(forms.ModelMultipleChoiceField):
    """Services as checkboxes; the ones that are not public say so."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Service) -> str:
        if not obj.public:
            return gettext("%(name)s (not public)") % {"name": obj.name}
        return obj.name


class ServiceGroupForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ServiceGroup
        fields = ["name", "priority", "collapse"]


def _https_by_default(field: models.Field, **kwargs: Any) -> forms.Field | None:
    # A link typed without a scheme is an https one (Django 6's default too).
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class ServiceForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Service
        formfield_callback = _https_by_default
        fields = ["name", "description", "href", "status", "priority", "groups", "public"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "groups": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = ServiceGroup.objects.priority_sorted()


class MaintenanceForm(BootstrapFormMixin, forms.ModelForm):
    services = ServiceChoiceField(
        queryset=Service.objects.none(), required=False, label=_("Services")
    )

    class Meta:
        model = Maintenance
        fields = ["name", "description", "scheduled", "end", "services"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "scheduled": _datetime_widget(),
            "end": _datetime_widget(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = Service.objects.priority_sorted()


class IncidentForm(BootstrapFormMixin, forms.ModelForm):
    """The incident itself; its updates are an ``IncidentUpdateFormSet``."""

    services = ServiceChoiceField(
        queryset=Service.objects.none(), required=False, label=_("Affected services")
    )
    set_status = forms.TypedChoiceField(
        label=_("Set the status of all affected services"),
        choices=[("", _("Leave them as they are")), *ServiceStatus.choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Applied to every affected service when the incident is saved."),
    )

    class Meta:
        model = Incident
        fields = ["name", "occurred", "impact", "services", "postmortem"]
        widgets = {
            "occurred": _datetime_widget(),
            "postmortem": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = Service.objects.priority_sorted()

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        if cleaned_data.get("set_status") is not None and not cleaned_data.get("services"):
            self.add_error(
                "set_status",
                _("Choose the affected services first, or leave their status alone."),
            )
        return cleaned_data


class IncidentUpdateForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = IncidentUpdate
        fields = ["status", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class BaseIncidentUpdateFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Delete this update")
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"


IncidentUpdateFormSet = forms.inlineformset_factory(
    Incident,
    IncidentUpdate,
    form=IncidentUpdateForm,
    formset=BaseIncidentUpdateFormSet,
    extra=1,
    can_delete=True,
    can_delete_extra=False,
)
