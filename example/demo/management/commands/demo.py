from __future__ import annotations

import os
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import BaseCommand, CommandParser
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV

ADMIN_USERNAME = "admin"


def runserver_command() -> BaseCommand:
    # The runserver in use: staticfiles' one, which also serves static files.
    return load_command_class(get_commands()["runserver"], "runserver")


class Command(BaseCommand):
    help = (
        "Set up the demo site (migrate, load the sample data, create an admin user "
        "if there is none) and serve it with runserver."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="Set up the demo site but do not start the development server.",
        )
        runserver_command().add_arguments(
            parser.add_argument_group("runserver", "Passed on to runserver.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The autoreloader runs this command again in a child process, which
        # only has to serve.
        reloaded = os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        if not reloaded:
            self.set_up(verbosity=options["verbosity"])
        if options["no_serve"]:
            return
        runserver = runserver_command()
        if not reloaded and options["addrport"] is None and not options["use_ipv6"]:
            root = f"http://{runserver.default_addr}:{runserver.default_port}"
            self.stdout.write(
                f"The status page is at {root}/statusboard/ and the admin at {root}/admin/"
            )
        # runserver refuses options it does not know, such as --no-serve.
        runserver_options = vars(runserver.create_parser("manage.py", "runserver").parse_args([]))
        call_command(runserver, **{name: options[name] for name in runserver_options})

    def set_up(self, verbosity: int) -> None:
        call_command("migrate", interactive=False, verbosity=verbosity)
        call_command("load_sample_data", verbosity=verbosity)
        self.ensure_admin_user()

    def ensure_admin_user(self) -> None:
        users = get_user_model()._default_manager
        if users.filter(is_superuser=True).exists():
            return
        if users.filter(username=ADMIN_USERNAME).exists():
            self.stderr.write(
                f"There is a user {ADMIN_USERNAME!r} but no superuser: run createsuperuser "
                "to get into the admin."
            )
            return
        password = secrets.token_urlsafe(12)
        users.create_superuser(
            username=ADMIN_USERNAME, email="admin@example.com", password=password
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the superuser {ADMIN_USERNAME!r} with the password {password}\n"
                "It is shown only this once: note it, or set another one with "
                f"`python example/manage.py changepassword {ADMIN_USERNAME}`."
            )
        )
