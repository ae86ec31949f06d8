#!/usr/bin/env python3
"""The demo host project's manage.py: ``python example/manage.py demo`` serves it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

EXAMPLE_DIR = Path(__file__).resolve().parent
REPOSITORY_ROOT = EXAMPLE_DIR.parent


def main() -> None:
    # example/ holds the project and the demo app. The repository root comes
    # last, so that an installed statusboard wins over the checkout's.
    if str(EXAMPLE_DIR) not in sys.path:
        sys.path.insert(0, str(EXAMPLE_DIR))
    if str(REPOSITORY_ROOT) not in sys.path:
        sys.path.append(str(REPOSITORY_ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_project.settings")

    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
