from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.urls import reverse

from statusboard import caching
from statusboard.models import ServiceStatus
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/14"
ROOT = Path(__file__).resolve().parent.parent


CACHE_BACKENDS = {
    "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "redis": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # Several test runs may share the server.
        "KEY_PREFIX": f"statusboard-test-{os.getpid()}",
    },
}


def use_cache(settings, backend):
    settings.CACHES = {"default": CACHE_BACKENDS[backend]}
    cache.clear()


@pytest.fixture(params=sorted(CACHE_BACKENDS))
def page_cache(request, settings):
    use_cache(settings, request.param)
    yield request.param
    cache.clear()


@pytest.fixture
def locmem_cache(settings):
    use_cache(settings, "locmem")
    yield
    cache.clear()


@pytest.fixture
def redis_cache(settings):
    use_cache(settings, "redis")
    yield
    cache.clear()


def queries_made(request) -> int:
    """How many SQL queries ``request()`` runs (the queries log is reset by
    every request, so count them as they run)."""
    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        request()
    return count


def refuse(execute, sql, params, many, context):
    raise OperationalError("could not connect to server: Connection refused")


@pytest.fixture
def database_down():
    """Make every query fail as it does when the database cannot be reached."""
    with connection.execute_wrapper(refuse):
        yield


def index(client, **headers):
    return client.get(reverse("statusboard:index"), headers=headers)


def test_a_cached_page_costs_no_query(client, page_cache):
    ServiceFactory(name="API")
    first = index(client)

    second = index(client)
    assert queries_made(lambda: index(client)) == 0

    assert second.status_code == 200
    assert second.content == first.content
    assert "API" in second.content.decode()


def test_a_committed_change_is_seen_by_the_next_request(
    client, page_cache, django_capture_on_commit_callbacks
):
    service = ServiceFactory()
    assert "All systems are operational" in index(client).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        service.set_status(ServiceStatus.MAJOR_OUTAGE)

    assert "major outages" in index(client).content.decode()


def test_a_change_made_by_another_process_is_seen(client, redis_cache):
    ServiceFactory()
    index(client)

    # A second process, e.g. another app server or the task worker, commits a change.
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "STATUSBOARD_TEST_REDIS_URL": REDIS_URL,
        "STATUSBOARD_TEST_REDIS_PREFIX": f"statusboard-test-{os.getpid()}",
    }
    code = "import django; django.setup(); from statusboard import caching; caching.invalidate()"
    subprocess.run([sys.executable, "-c", code], env=environment, cwd=ROOT, check=True)

    assert queries_made(lambda: index(client)) > 0  # the page is built again: it costs queries


def test_signed_in_users_get_fresh_private_pages(client, locmem_cache, superuser):
    ServiceFactory()
    anonymous = index(client)
    client.force_login(superuser)

    signed_in = index(client)

    assert "statusboard-manage-menu" in signed_in.content.decode()
    assert "statusboard-manage-menu" not in anonymous.content.decode()
    assert "private" in signed_in["Cache-Control"]
    assert not signed_in.has_header("ETag")


def test_signed_in_users_do_not_fill_the_cache(client, locmem_cache, superuser):
    ServiceFactory()
    client.force_login(superuser)
    index(client)
    client.logout()

    assert queries_made(lambda: index(client)) > 0


def test_conditional_get_answers_304(client, locmem_cache):
    ServiceFactory()
    response = index(client)
    assert response["Cache-Control"] == "public, max-age=0, must-revalidate"

    by_etag = index(client, if_none_match=response["ETag"])
    by_date = index(client, if_modified_since=response["Last-Modified"])
    other = index(client, if_none_match='"something-else"')

    assert by_etag.status_code == 304
    assert by_etag.content == b""
    assert by_date.status_code == 304
    assert other.status_code == 200


def test_a_page_expires_after_cache_timeout(client, locmem_cache, settings, monkeypatch):
    settings.STATUSBOARD = {"CACHE_TIMEOUT": 30}
    ServiceFactory()
    index(client)
    assert queries_made(lambda: index(client)) == 0

    later = time.time() + 31
    monkeypatch.setattr(time, "time", lambda: later)

    assert queries_made(lambda: index(client)) > 0


@pytest.mark.parametrize(
    "url_name", ["statusboard:index", "statusboard:v2:summary", "statusboard:badge-status"]
)
def test_the_last_good_copy_is_served_when_the_database_is_down(client, page_cache, url_name):
    ServiceFactory(name="API")
    url = reverse(url_name)
    good = client.get(url)

    caching.invalidate()  # the data changed since the copy was made...
    with connection.execute_wrapper(refuse):  # ...and then the database went away
        response = client.get(url)

    assert response.status_code == 200
    assert response.has_header("X-Statusboard-Stale")
    if url_name == "statusboard:index":
        html = response.content.decode()
        assert "statusboard-stale-notice" in html
        assert "last updated at" in html
        assert "API" in html
    elif url_name == "statusboard:v2:summary":
        assert json.loads(response.content) == json.loads(good.content)


def test_without_a_copy_a_database_outage_is_a_plain_503(client, page_cache, database_down):
    response = index(client)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Status temporarily unavailable" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_cached_pages_are_sent_gzipped_to_clients_that_accept_it(client, page_cache):
    ServiceFactory()
    plain = index(client)

    zipped = index(client, accept_encoding="gzip, deflate, br")
    revalidated = index(client, accept_encoding="gzip", if_none_match=zipped["ETag"])

    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert len(zipped.content) < len(plain.content) / 3
    assert zipped["ETag"] != plain["ETag"]
    assert "Accept-Encoding" in zipped["Vary"]
    assert not plain.has_header("Content-Encoding")
    assert revalidated.status_code == 304


def test_while_another_worker_builds_a_page_the_previous_copy_is_served(client, page_cache, rf):
    ServiceFactory(name="API")
    previous = index(client)
    caching.invalidate()  # a change: the page must be built again...
    lock = caching.render_lock_key(rf.get(reverse("statusboard:index")))
    cache.add(lock, True, version=caching.data_version())  # ...and a worker is on it

    assert queries_made(lambda: index(client)) == 0
    served = index(client)
    cache.delete(lock, version=caching.data_version())  # that worker is done

    assert served.status_code == 200
    assert served.content == previous.content
    assert "no-cache" in served["Cache-Control"]
    assert queries_made(lambda: index(client)) > 0
