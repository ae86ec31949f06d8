"""The demo site's sample data and its ``demo`` and ``load_sample_data`` commands."""

from __future__ import annotations
