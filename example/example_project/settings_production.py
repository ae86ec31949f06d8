"""The demo project hardened for a server: ``manage.py check --deploy`` reports nothing.

Required environment variables:

- ``DJANGO_SECRET_KEY``: a long random key, e.g. from
  ``python -c "from django.core.management.utils import get_random_secret_key as k; print(k())"``.
- ``DJANGO_ALLOWED_HOSTS``: the comma-separated host names the site answers to.

Optional: ``DJANGO_STATIC_ROOT`` (where ``collectstatic`` writes) and
``DJANGO_TLS_PROXY=true`` when a proxy in front terminates TLS and sets
``X-Forwarded-Proto``.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from example_project.settings import *  # noqa: F403
from example_project.settings import BASE_DIR, env_bool


def required_env(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable.")
    return value


DEBUG = False
SECRET_KEY = required_env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [host.strip() for host in required_env("DJANGO_ALLOWED_HOSTS").split(",")]

STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles")

SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# One year, subdomains included, as the HSTS preload list asks:
# https://hstspreload.org/#deployment-recommendations
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

if env_bool("DJANGO_TLS_PROXY", False):
    # Trust this header only behind a proxy that sets it and drops the client's:
    # https://docs.djangoproject.com/en/stable/ref/settings/#secure-proxy-ssl-header
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
