"""URLs of the notifications, included by ``statusboard.urls`` in its namespace:
``statusboard:subscribe``, ``subscribe-sent``, ``subscribe-confirm``,
``unsubscribe`` and ``statusboard:webhook:list``, ``create``, ``edit``, ``delete``.
"""

from __future__ import annotations

from django.urls import include, path

from statusboard.notifications import views

webhook_patterns = [
    path("", views.WebhookListView.as_view(), name="list"),
    path("create/", views.WebhookCreateView.as_view(), name="create"),
    path("<int:pk>/edit/", views.WebhookUpdateView.as_view(), name="edit"),
    path("<int:pk>/delete/", views.WebhookDeleteView.as_view(), name="delete"),
]

urlpatterns = [
    path("subscribe/", views.SubscribeView.as_view(), name="subscribe"),
    path("subscribe/sent/", views.SubscribeSentView.as_view(), name="subscribe-sent"),
    path(
        "subscribe/confirm/<str:token>/",
        views.SubscribeConfirmView.as_view(),
        name="subscribe-confirm",
    ),
    path("unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
    path("webhook/", include((webhook_patterns, "webhook"))),
]
