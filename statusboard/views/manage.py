"""The management pages: create, edit and delete service groups, services,
maintenances and incidents.

Access follows Django's model permissions (``statusboard.add_service``,
``change_service``, ``delete_service``, ...). An anonymous visitor is sent to
the app's own login page, a signed-in user without the permission gets a 403.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db import router, transaction
from django.db.models import Model
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import CreateView, DeleteView, UpdateView

from statusboard.forms import (
    IncidentForm,
    IncidentUpdateFormSet,
    MaintenanceForm,
    ServiceForm,
    ServiceGroupForm,
)
from statusboard.models import Incident, Maintenance, Service, ServiceGroup, ServiceStatus
from statusboard.views.base import StatusboardContextMixin


class ManageMixin(StatusboardContextMixin, PermissionRequiredMixin):
    """Require the model permission of ``action`` and flash ``success_message``."""

    action: ClassVar[str]  # "add", "change" or "delete"
    success_message: ClassVar[str] = ""
    login_url = reverse_lazy("statusboard:login")

    def get_permission_required(self) -> list[str]:
        opts = self.model._meta
        return [f"{opts.app_label}.{self.action}_{opts.model_name}"]

    def flash_success(self, obj: Model) -> None:
        # fail_silently: a host without the messages middleware still gets its change.
        messages.success(
            self.request, self.success_message % {"name": str(obj)}, fail_silently=True
        )


class ManageFormMixin(ManageMixin):
    def get_template_names(self) -> list[str]:
        return [f"statusboard/{self.model._meta.model_name}/form.html"]

    def form_valid(self, form: BaseForm) -> HttpResponse:
        response = super().form_valid(form)
        self.flash_success(self.object)
        return response


class ManageDeleteMixin(ManageMixin):
    action = "delete"
    success_url = reverse_lazy("statusboard:index")

    def get_template_names(self) -> list[str]:
        return [f"statusboard/{self.model._meta.model_name}/confirm_delete.html"]

    def form_valid(self, form: BaseForm) -> HttpResponse:
        name = str(self.object)
        response = super().form_valid(form)
        messages.success(self.request, self.success_message % {"name": name}, fail_silently=True)
        return response


class ServiceGroupCreateView(ManageFormMixin, CreateView):
    """Add a service group."""

    model = ServiceGroup
    form_class = ServiceGroupForm
    action = "add"
    success_message = _("The service group “%(name)s” was added.")


class ServiceGroupUpdateView(ManageFormMixin, UpdateView):
    """Edit a service group."""

    model = ServiceGroup
    form_class = ServiceGroupForm
    action = "change"
    success_message = _("The service group “%(name)s” was changed.")


class ServiceGroupDeleteView(ManageDeleteMixin, DeleteView):
    """Delete a service group; its services stay."""

    model = ServiceGroup
    success_message = _("The service group “%(name)s” was deleted.")


class ServiceCreateView(ManageFormMixin, CreateView):
    """Add a service."""

    model = Service
    form_class = ServiceForm
    action = "add"
    success_message = _("The service “%(name)s” was added.")


class ServiceUpdateView(ManageFormMixin, UpdateView):
    """Edit a service; a new status is recorded in its history."""

    model = Service
    form_class = ServiceForm
    action = "change"
    success_message = _("The service “%(name)s” was changed.")


class ServiceDeleteView(ManageDeleteMixin, DeleteView):
    """Delete a service."""

    model = Service
    success_message = _("The service “%(name)s” was deleted.")


class MaintenanceCreateView(ManageFormMixin, CreateView):
    """Schedule a maintenance."""

    model = Maintenance
    form_class = MaintenanceForm
    action = "add"
    success_message = _("The maintenance “%(name)s” was added.")


class MaintenanceUpdateView(ManageFormMixin, UpdateView):
    """Edit a maintenance."""

    model = Maintenance
    form_class = MaintenanceForm
    action = "change"
    success_message = _("The maintenance “%(name)s” was changed.")


class MaintenanceDeleteView(ManageDeleteMixin, DeleteView):
    """Delete a maintenance."""

    model = Maintenance
    success_message = _("The maintenance “%(name)s” was deleted.")


class IncidentFormMixin(ManageFormMixin):
    """The incident and its updates, edited and saved together.

    ``set_status``, when chosen, goes to every affected service through
    ``ServiceQuerySet.set_status``, which records history and sends
    ``service_status_changed``; all of it is one transaction.
    """

    model = Incident
    form_class = IncidentForm
    formset_prefix = "updates"

    def get_formset(self, form: IncidentForm) -> IncidentUpdateFormSet:
        kwargs: dict[str, Any] = {"instance": form.instance, "prefix": self.formset_prefix}
        if self.request.method in ("POST", "PUT"):
            kwargs.update(data=self.request.POST, files=self.request.FILES)
        return IncidentUpdateFormSet(**kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if "formset" not in context:
            context["formset"] = self.get_formset(context["form"])
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object() if self.action == "change" else None
        form = self.get_form()
        formset = self.get_formset(form)
        # Validate both, so that every error shows at once.
        form_ok = form.is_valid()
        formset_ok = formset.is_valid()
        if form_ok and formset_ok:
            return self.forms_valid(form, formset)
        return self.render_to_response(self.get_context_data(form=form, formset=formset))

    def forms_valid(self, form: IncidentForm, formset: IncidentUpdateFormSet) -> HttpResponse:
        status = form.cleaned_data.get("set_status")
        with transaction.atomic(using=router.db_for_write(Incident)):
            self.object = form.save()
            formset.instance = self.object
            formset.save()
            changed = 0
            if status is not None:
                changed = Service.objects.filter(incidents=self.object).set_status(status)
        self.flash_success(self.object)
        if status is not None:
            messages.success(
                self.request,
                ngettext(
                    "%(count)d service set to %(status)s.",
                    "%(count)d services set to %(status)s.",
                    changed,
                )
                % {"count": changed, "status": ServiceStatus(status).label},
                fail_silently=True,
            )
        return HttpResponseRedirect(self.get_success_url())


class IncidentCreateView(IncidentFormMixin, CreateView):
    """Open an incident, with its first update."""

    action = "add"
    success_message = _("The incident “%(name)s” was added.")


class IncidentUpdateView(IncidentFormMixin, UpdateView):
    """Edit an incident and its updates."""

    action = "change"
    success_message = _("The incident “%(name)s” was changed.")


class IncidentDeleteView(ManageDeleteMixin, DeleteView):
    """Delete an incident and its updates."""

    model = Incident
    success_message = _("The incident “%(name)s” was deleted.")
