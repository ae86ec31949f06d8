"""A status page for Django projects.

The model classes are importable from the package (``from statusboard import
Service``) without importing ``statusboard.models`` when the package itself is
imported: Django loads this module before the app registry is ready.
"""

from __future__ import annotations

from typing import Any

__version__ = "1.0.0.dev0"

_LAZY_MODELS = (
    "Incident",
    "IncidentUpdate",
    "Maintenance",
    "Service",
    "ServiceGroup",
    "ServiceStatusChange",
)

__all__ = [*_LAZY_MODELS, "__version__"]


def __getattr__(name: str) -> Any:
    if name in _LAZY_MODELS:
        from statusboard import models

        return getattr(models, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
