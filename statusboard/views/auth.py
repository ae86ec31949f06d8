"""Signing in and out of statusboard, with the app's own pages.

A host needs no LOGIN_URL or LOGIN_REDIRECT_URL for these: both default to
statusboard's pages, and ``next`` is only followed to this site.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from statusboard.forms import BootstrapFormMixin
from statusboard.views.base import StatusboardContextMixin


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    pass


class LoginView(StatusboardContextMixin, auth_views.LoginView):
    """Sign in, then go to ``next`` when it is on this site, else to the index."""

    form_class = LoginForm
    template_name = "statusboard/login.html"
    come_back_after_login = False
    next_page = reverse_lazy("statusboard:index")


class LogoutView(StatusboardContextMixin, auth_views.LogoutView):
    """Sign out by POST; a GET shows a confirmation button."""

    http_method_names = ["get", "post", "options"]
    template_name = "statusboard/logout.html"
    come_back_after_login = False
    next_page = reverse_lazy("statusboard:index")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        was_signed_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            messages.info(request, _("You are signed out."), fail_silently=True)
        return response
