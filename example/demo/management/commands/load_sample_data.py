from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from demo.loading import load_sample_data


class Command(BaseCommand):
    help = (
        "Load the demo's sample data: services in groups, incidents, maintenances and "
        "90 days of status history. Running it again only adds what is missing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the sample rows first and load them again, dated from now.",
        )

    def handle(self, *args: Any, reset: bool, verbosity: int, **options: Any) -> None:
        created = load_sample_data(reset=reset)
        if verbosity < 1:
            return
        if any(created.values()):
            summary = ", ".join(f"{name}: {count}" for name, count in created.items())
            self.stdout.write(self.style.SUCCESS(f"Loaded the sample data ({summary})."))
        else:
            self.stdout.write(
                "The sample data is already loaded; --reset loads it again, dated from now."
            )
