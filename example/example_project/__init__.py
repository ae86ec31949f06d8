"""A host project for trying statusboard: ``python example/manage.py demo``."""

from __future__ import annotations
