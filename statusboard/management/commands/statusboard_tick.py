"""``manage.py statusboard_tick``: announce maintenances that started or ended,
and retry the webhook deliveries that are due. Run it every minute or so."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from statusboard.notifications.tick import tick


class Command(BaseCommand):
    help = (
        "Announce the maintenances that started or ended (each exactly once) and "
        "retry the webhook deliveries that are due. Run it every minute or so, from "
        "cron or as a periodic task."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = tick()
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"{result.announced} maintenance event(s) announced, "
                f"{result.retried} webhook delivery(ies) retried."
            )
