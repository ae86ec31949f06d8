from __future__ import annotations

from django.urls import include, path

app_name = "statusboard"

urlpatterns = [
    path("api/", include("statusboard.api.urls")),
]
