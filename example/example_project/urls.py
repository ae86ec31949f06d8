from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(url="/statusboard/"), name="home"),
    path("admin/", admin.site.urls),
    path("statusboard/", include("statusboard.urls")),
]
