from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def trivial(request: HttpRequest) -> HttpResponse:
    """The cheapest Django view: the baseline every page is compared with."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("trivial/", trivial),
    path("statusboard/", include("statusboard.urls")),
]
