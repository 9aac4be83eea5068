"""What the API keeps between requests: the per-token rate counts in the cache every
process shares (settings.CACHES from CACHE_URL/REDIS_URL, a database table by default),
and the answers kept for Idempotency-Key, forgotten after CCHC_IDEMPOTENCY_HOURS and
removed by the daily `cchc cleanup`."""

import datetime
import io

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from cchc.api.models import IdempotencyKey
from cchc.plans.models import TaskUpdate
from cchc.settings import CCHC_CACHE_TABLE, cache_settings
from tests.api_helpers import api_as

DB_CACHE = {"default": cache_settings("")}


@pytest.mark.parametrize(
    "url, backend",
    [
        ("", "django.core.cache.backends.db.DatabaseCache"),
        ("db://", "django.core.cache.backends.db.DatabaseCache"),
        ("redis://127.0.0.1:6379/0", "django.core.cache.backends.redis.RedisCache"),
        ("rediss://cache.example:6380/1", "django.core.cache.backends.redis.RedisCache"),
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache"),
    ],
)
def test_the_cache_comes_from_the_environment(url, backend):
    made = cache_settings(url)
    assert made["BACKEND"] == backend
    if "redis" in backend:
        assert made["LOCATION"] == url


@pytest.mark.parametrize("url", ["memcached://x", "file:///tmp/c", "nonsense"])
def test_an_unknown_cache_fails_loudly(url):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_settings(url)


def test_migrate_made_the_cache_table(db):
    assert CCHC_CACHE_TABLE in connection.introspection.table_names()


def test_two_processes_count_in_one_table(db):
    """Each gunicorn process builds its own cache object; the count is the table's."""
    one, two = (DatabaseCache(CCHC_CACHE_TABLE, {}) for __ in range(2))
    one.add("calls", 0, timeout=60)
    assert [one.incr("calls"), two.incr("calls"), one.incr("calls")] == [1, 2, 3]
    assert two.get("calls") == 3


@override_settings(CACHES=DB_CACHE, CCHC_API_RATE_PER_MINUTE=3)
def test_the_rate_limit_counts_in_the_database_cache(world, monkeypatch):
    from django.core.cache import caches

    from cchc.api import auth

    assert isinstance(caches["default"], DatabaseCache)
    # One clock minute throughout, whenever the test runs.
    monkeypatch.setattr(auth.time, "time", lambda: 1_800_000_030.0)
    client = api_as(world, "focal_a")
    statuses = [client.get("/areas").status_code for __ in range(4)]
    assert statuses == [200, 200, 200, 429]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {CCHC_CACHE_TABLE}")  # noqa: S608 - a constant
        keys = [row[0] for row in cursor.fetchall()]
    assert any("cchc-api-rate" in key for key in keys)
    assert api_as(world, "focal_b").get("/areas").status_code == 200


def _age(hours: float) -> None:
    IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(hours=hours))


def test_an_expired_key_is_a_new_request_and_cleanup_removes_it(world, settings):
    settings.CCHC_IDEMPOTENCY_HOURS = 24
    api, task = api_as(world, "focal_a"), world.tasks["a_soon"]
    body = {"note": "Lần một", "progress": 20}
    first = api.post(f"/tasks/{task.pk}/updates", body, key="k-1")
    assert first.status_code == 201
    _age(23)
    assert api.post(f"/tasks/{task.pk}/updates", body, key="k-1").json() == first.json()
    assert TaskUpdate.objects.filter(task=task).count() == 1
    _age(25)
    # Past its time the key is forgotten: the same request writes again, once.
    again = api.post(f"/tasks/{task.pk}/updates", body, key="k-1")
    assert again.status_code == 201 and again.json()["id"] != first.json()["id"]
    assert IdempotencyKey.objects.count() == 1
    assert TaskUpdate.objects.filter(task=task).count() == 2
    # The daily cleanup removes what is past its time and keeps the rest.
    api.post(f"/tasks/{task.pk}/updates", {"note": "Hai"}, key="k-2")
    IdempotencyKey.objects.filter(key="k-1").update(
        created_at=timezone.now() - datetime.timedelta(hours=30)
    )
    dry = io.StringIO()
    call_command("cleanup", "--dry-run", stdout=dry)
    assert "1 khoá Idempotency-Key hết hạn sẽ xóa" in dry.getvalue()
    assert IdempotencyKey.objects.count() == 2
    out = io.StringIO()
    call_command("cleanup", stdout=out)
    assert "1 khoá Idempotency-Key hết hạn đã xóa." in out.getvalue()
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["k-2"]
    settings.CCHC_IDEMPOTENCY_HOURS = 1
    _age(2)
    call_command("cleanup", stdout=io.StringIO())
    assert not IdempotencyKey.objects.exists()
