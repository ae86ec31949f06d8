"""Caching of what anonymous visitors see, for the traffic of a bad day.

- Pages and documents are kept in Django's cache (``CACHE_ALIAS``), under a key
  that includes a *data version*. Every change to statusboard's data bumps the
  version when its transaction commits, in whichever process made it: the
  version lives in the cache itself, so with a shared cache such as Redis all
  app servers see the change on their next request.
- An entry lives at most ``CACHE_TIMEOUT`` seconds, which bounds how stale the
  content that changes with the clock can be ("5 minutes ago", a maintenance
  starting).
- Responses carry ``ETag`` and ``Last-Modified``; a matching conditional GET is
  answered with 304.
- Only anonymous visitors share cached copies: a signed-in user always gets a
  fresh, private response and never fills the cache.
- While one worker builds a page after a change, the others keep serving the
  previous copy instead of all building it at once.
- When the database cannot be reached, the last good copy is served with a
  note saying when it was made; with no copy, a plain 503 page.
"""

from __future__ import annotations

import datetime
import hashlib
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import BaseCache, InvalidCacheBackendError, caches
from django.core.signals import setting_changed
from django.db import DatabaseError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.utils.text import compress_string

from statusboard.conf import app_settings

VERSION_KEY = "statusboard:data-version"
# How long other workers wait for one that builds a page before building it
# themselves (it may have died).
RENDER_LOCK_TIMEOUT = 30
STALE_NOTICE_MARKER = "<!-- statusboard:stale-notice -->"
COMPRESSIBLE_TYPES = {
    "text/html",
    "text/calendar",
    "application/json",
    "application/rss+xml",
    "application/atom+xml",
    "image/svg+xml",
}
# Headers of the original response that a cached copy must not keep: they
# belong to one visitor, or this module sets them itself.
DROPPED_HEADERS = {
    "set-cookie",
    "cache-control",
    "etag",
    "last-modified",
    "content-length",
    "expires",
}


def get_cache() -> BaseCache:
    return caches[app_settings.CACHE_ALIAS]


def data_version() -> int:
    """The current data version; starts at the clock so that no old version
    comes back after the key is evicted."""
    cache = get_cache()
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY, 0)
    return version


def invalidate() -> None:
    """Make every cached page out of date."""
    try:
        cache = get_cache()
    except InvalidCacheBackendError:  # reported by the system check statusboard.E008
        return
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # the key was evicted or never set
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)


def invalidate_on_commit(using: str | None = None, **kwargs: Any) -> None:
    """Signal receiver: invalidate once the change is committed."""
    transaction.on_commit(invalidate, using=using)


def connect_invalidation() -> None:
    """Invalidate on every change to the data the public pages show."""
    from statusboard import models

    public_models = [
        models.Service,
        models.ServiceGroup,
        models.ServiceStatusChange,
        models.Incident,
        models.IncidentUpdate,
        models.Maintenance,
    ]
    for model in public_models:
        post_save.connect(invalidate_on_commit, sender=model, dispatch_uid=f"sb-cache-{model}")
        post_delete.connect(invalidate_on_commit, sender=model, dispatch_uid=f"sb-cache-d-{model}")
    for through in [
        models.Service.groups.through,
        models.Incident.services.through,
        models.Maintenance.services.through,
    ]:
        m2m_changed.connect(
            invalidate_on_commit, sender=through, dispatch_uid=f"sb-cache-{through}"
        )


@receiver(setting_changed)
def _invalidate_when_settings_change(setting: str, **kwargs: Any) -> None:
    # Tests change settings on the fly; a deployment's changes are covered by
    # CACHE_TIMEOUT.
    if setting in ("STATUSBOARD", "CACHES", "TIME_ZONE", "LANGUAGE_CODE"):
        invalidate()


def _page_keys(request: HttpRequest) -> tuple[str, str]:
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    language = translation.get_language() or ""
    return f"statusboard:page:{language}:{digest}", f"statusboard:last-good:{language}:{digest}"


def render_lock_key(request: HttpRequest) -> str:
    """The key a worker holds while it builds the page ``request`` asks for."""
    return _page_keys(request)[0] + ":rendering"


def _is_anonymous(request: HttpRequest) -> bool:
    try:
        return not request.user.is_authenticated
    except DatabaseError:
        # A session cookie, but no database to look the user up in.
        return True


def _to_response(entry: dict[str, Any]) -> HttpResponse:
    response = HttpResponse(entry["content"], status=200)
    for header, value in entry["headers"].items():
        response[header] = value
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(entry["generated"])
    return response


def _entries_from(response: HttpResponse) -> dict[str, dict[str, Any]]:
    """The response as cache entries, one per encoding ("identity", "gzip").

    Each encoding is a separate entry, so that serving the compressed page
    does not load the much larger plain one from the cache.
    """
    content = response.content
    headers = {
        name: value for name, value in response.items() if name.lower() not in DROPPED_HEADERS
    }
    digest = hashlib.md5(content, usedforsecurity=False).hexdigest()
    generated = int(time.time())
    identity = {
        "content": content,
        "headers": headers,
        "etag": quote_etag(digest),
        "generated": generated,
    }
    compressible = (
        len(content) >= 200
        and not response.has_header("Content-Encoding")
        and response.get("Content-Type", "").split(";")[0] in COMPRESSIBLE_TYPES
    )
    if not compressible:
        return {"identity": identity, "gzip": identity}
    # Compressed once here rather than on every request: a page under a
    # traffic spike is sent many thousand times.
    gzipped = {
        "content": compress_string(content),
        "headers": {**headers, "Content-Encoding": "gzip"},
        # Each encoding is a different representation with its own ETag.
        "etag": quote_etag(digest + "-gzip"),
        "generated": generated,
    }
    return {"identity": identity, "gzip": gzipped}


def _stale_response(entry: dict[str, Any]) -> HttpResponse:
    response = _to_response(entry)
    generated = datetime.datetime.fromtimestamp(entry["generated"], tz=datetime.UTC)
    if response["Content-Type"].startswith("text/html"):
        context = {"generated": generated}
        notice = render_to_string("statusboard/includes/stale_notice.html", context)
        response.content = entry["content"].replace(STALE_NOTICE_MARKER.encode(), notice.encode())
    response["X-Statusboard-Stale"] = generated.isoformat()
    patch_cache_control(response, no_cache=True)
    return response


def _unavailable_response() -> HttpResponse:
    response = HttpResponse(
        render_to_string("statusboard/503.html"), status=503, content_type="text/html"
    )
    response["Retry-After"] = "30"
    patch_cache_control(response, no_store=True)
    return response


def cache_public(
    view: Callable[..., HttpResponse], *, max_age: int = 0
) -> Callable[..., HttpResponse]:
    """Serve ``view`` from the cache to anonymous visitors, as the module says.

    ``max_age`` is how long browsers and proxies may reuse a response without
    asking again; by default they revalidate every time (a cheap 304).
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or not _is_anonymous(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response

        cache = get_cache()
        page_key, last_good_key = _page_keys(request)
        accepts_gzip = re_accepts_gzip.search(request.headers.get("Accept-Encoding", ""))
        encoding = "gzip" if accepts_gzip else "identity"
        version = data_version()
        entry = cache.get(f"{page_key}:{encoding}", version=version)
        if entry is None:
            lock_key = render_lock_key(request)
            if not cache.add(lock_key, True, timeout=RENDER_LOCK_TIMEOUT, version=version):
                # Another worker is building this page for the current data:
                # rather than every worker building it at once, serve the
                # previous copy until it is done.
                previous = cache.get(last_good_key)
                if previous is not None:
                    response = _to_response(previous)
                    patch_cache_control(response, no_cache=True)
                    return response
            try:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render"):
                    response = response.render()
            except DatabaseError:
                stale = cache.get(last_good_key)
                return _stale_response(stale) if stale else _unavailable_response()
            finally:
                cache.delete(lock_key, version=version)
            if response.status_code != 200 or response.streaming:
                return response
            entries = _entries_from(response)
            cache.set_many(
                {f"{page_key}:{name}": value for name, value in entries.items()},
                timeout=app_settings.CACHE_TIMEOUT,
                version=version,
            )
            cache.set(last_good_key, entries["identity"], timeout=app_settings.STALE_TIMEOUT)
            entry = entries[encoding]

        response = _to_response(entry)
        patch_cache_control(response, public=True, max_age=max_age, must_revalidate=True)
        patch_vary_headers(response, ("Accept-Language", "Accept-Encoding"))
        return get_conditional_response(
            request, etag=entry["etag"], last_modified=entry["generated"], response=response
        )

    return wrapped
