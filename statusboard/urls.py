"""statusboard's pages, mounted by the host with ``include("statusboard.urls")``.

The names and paths of the original django-statusboard keep working:
``index``, ``login``, ``logout`` and, in the namespaces ``incident``,
``service``, ``servicegroup`` and ``maintenance``, ``create`` (``create/``),
``edit`` (``<pk>/edit/``) and ``delete`` (``<pk>/delete/``), plus
``incident:archive-index`` and ``incident:archive-month``.
"""

from __future__ import annotations

from django.urls import include, path, re_path

from statusboard import badges, feeds
from statusboard.caching import cache_public
from statusboard.views import auth, manage, public

app_name = "statusboard"

incident_patterns = [
    path("archive/", public.IncidentArchiveIndexView.as_view(), name="archive-index"),
    re_path(
        r"^archive/(?P<year>[0-9]{4})/(?P<month>[0-9]{1,2})/$",
        cache_public(public.IncidentMonthArchiveView.as_view()),
        name="archive-month",
    ),
    path("create/", manage.IncidentCreateView.as_view(), name="create"),
    path("<int:pk>/", cache_public(public.IncidentDetailView.as_view()), name="detail"),
    path("<int:pk>/edit/", manage.IncidentUpdateView.as_view(), name="edit"),
    path("<int:pk>/delete/", manage.IncidentDeleteView.as_view(), name="delete"),
]

service_patterns = [
    path("create/", manage.ServiceCreateView.as_view(), name="create"),
    path("<int:pk>/", cache_public(public.ServiceDetailView.as_view()), name="detail"),
    path("<int:pk>/edit/", manage.ServiceUpdateView.as_view(), name="edit"),
    path("<int:pk>/delete/", manage.ServiceDeleteView.as_view(), name="delete"),
]

servicegroup_patterns = [
    path("create/", manage.ServiceGroupCreateView.as_view(), name="create"),
    path("<int:pk>/edit/", manage.ServiceGroupUpdateView.as_view(), name="edit"),
    path("<int:pk>/delete/", manage.ServiceGroupDeleteView.as_view(), name="delete"),
]

maintenance_patterns = [
    path("create/", manage.MaintenanceCreateView.as_view(), name="create"),
    path("<int:pk>/", cache_public(public.MaintenanceDetailView.as_view()), name="detail"),
    path("<int:pk>/edit/", manage.MaintenanceUpdateView.as_view(), name="edit"),
    path("<int:pk>/delete/", manage.MaintenanceDeleteView.as_view(), name="delete"),
]

urlpatterns = [
    path("", cache_public(public.IndexView.as_view()), name="index"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("incident/", include((incident_patterns, "incident"))),
    path("service/", include((service_patterns, "service"))),
    path("servicegroup/", include((servicegroup_patterns, "servicegroup"))),
    path("maintenance/", include((maintenance_patterns, "maintenance"))),
    path("feeds/incidents.rss", cache_public(feeds.IncidentFeed()), name="feed-incidents-rss"),
    path(
        "feeds/incidents.atom", cache_public(feeds.IncidentAtomFeed()), name="feed-incidents-atom"
    ),
    path(
        "feeds/maintenances.ics",
        cache_public(feeds.MaintenanceCalendar.as_view()),
        name="feed-maintenances-ics",
    ),
    path(
        "badges/status.svg",
        cache_public(badges.OverallStatusBadge.as_view(), max_age=badges.BADGE_MAX_AGE),
        name="badge-status",
    ),
    path(
        "badges/service/<int:pk>.svg",
        cache_public(badges.ServiceStatusBadge.as_view(), max_age=badges.BADGE_MAX_AGE),
        name="badge-service",
    ),
    path("api/", include("statusboard.api.urls")),
    path("", include("statusboard.notifications.urls")),
]
