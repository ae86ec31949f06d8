"""URL names: the issue's, and the original django-statusboard's, which keep working."""

from __future__ import annotations

import pytest
from django.urls import resolve, reverse

from statusboard.views import auth, manage, public


@pytest.mark.parametrize(
    ("name", "args", "path"),
    [
        ("index", [], "/statusboard/"),
        ("login", [], "/statusboard/login/"),
        ("logout", [], "/statusboard/logout/"),
        ("incident:archive-index", [], "/statusboard/incident/archive/"),
        ("incident:archive-month", [2024, 3], "/statusboard/incident/archive/2024/3/"),
        ("incident:archive-month", ["2024", "03"], "/statusboard/incident/archive/2024/03/"),
        ("incident:detail", [7], "/statusboard/incident/7/"),
        ("service:detail", [7], "/statusboard/service/7/"),
        ("maintenance:detail", [7], "/statusboard/maintenance/7/"),
        # The original's management paths.
        ("incident:create", [], "/statusboard/incident/create/"),
        ("incident:edit", [7], "/statusboard/incident/7/edit/"),
        ("incident:delete", [7], "/statusboard/incident/7/delete/"),
        ("service:create", [], "/statusboard/service/create/"),
        ("service:edit", [7], "/statusboard/service/7/edit/"),
        ("service:delete", [7], "/statusboard/service/7/delete/"),
        ("servicegroup:create", [], "/statusboard/servicegroup/create/"),
        ("servicegroup:edit", [7], "/statusboard/servicegroup/7/edit/"),
        ("servicegroup:delete", [7], "/statusboard/servicegroup/7/delete/"),
        ("maintenance:create", [], "/statusboard/maintenance/create/"),
        ("maintenance:edit", [7], "/statusboard/maintenance/7/edit/"),
        ("maintenance:delete", [7], "/statusboard/maintenance/7/delete/"),
    ],
)
def test_url_names_and_paths(name, args, path):
    assert reverse(f"statusboard:{name}", args=args) == path
    assert resolve(path).view_name == f"statusboard:{name}"


@pytest.mark.parametrize(
    ("path", "view"),
    [
        ("/statusboard/", public.IndexView),
        ("/statusboard/incident/archive/2024/03/", public.IncidentMonthArchiveView),
        ("/statusboard/incident/create/", manage.IncidentCreateView),
        ("/statusboard/incident/1/edit/", manage.IncidentUpdateView),
        ("/statusboard/servicegroup/1/delete/", manage.ServiceGroupDeleteView),
        ("/statusboard/login/", auth.LoginView),
    ],
)
def test_paths_reach_their_views(path, view):
    assert resolve(path).func.view_class is view


def test_the_api_stays_mounted_under_api():
    from statusboard import urls

    (api,) = [p for p in urls.urlpatterns if str(p.pattern) == "api/"]
    assert api.urlconf_name.__name__ == "statusboard.api.urls"
