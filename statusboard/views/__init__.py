"""The pages of statusboard: ``public`` for every visitor, ``manage`` for the
people who keep the status up to date, ``auth`` to sign in and out."""

from __future__ import annotations
