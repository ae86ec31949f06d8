"""The window sizes the pages are tried at."""

from __future__ import annotations

DESKTOP = {"width": 1280, "height": 800}
# The narrowest phone the pages promise to fit.
PHONE = {"width": 360, "height": 740}
