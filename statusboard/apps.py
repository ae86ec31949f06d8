from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatusboardConfig(AppConfig):
    name = "statusboard"
    verbose_name = _("Status board")
    default_auto_field = "django.db.models.AutoField"

    def ready(self) -> None:
        from statusboard import caching, checks  # noqa: F401  (checks registers the checks)

        caching.connect_invalidation()
        from statusboard.notifications import receivers  # noqa: F401  (connects them)
