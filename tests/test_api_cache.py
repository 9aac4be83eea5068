"""What the API keeps between requests: the per-token rate counts every process shares
(in the cache, settings.CACHES from CACHE_URL/REDIS_URL; with the default database cache,
in the api app's RateCount rows, exact under concurrent calls), and the answers kept for
Idempotency-Key, forgotten after CCHC_IDEMPOTENCY_HOURS and removed by the daily
`cchc cleanup`."""

import datetime
import io
import threading
import time

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, connections
from django.test import override_settings
from django.utils import timezone

from cchc.api import services
from cchc.api.models import IdempotencyKey, RateCount
from cchc.plans.models import TaskUpdate
from cchc.settings import CCHC_CACHE_TABLE, cache_settings
from tests.api_helpers import api_as
from tests.world import make_user

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
    # Counted in the api app's rows, not by the cache's read-then-write incr.
    token = world.users["focal_a"].api_tokens.get()
    assert RateCount.objects.get(token=token).calls == 4
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {CCHC_CACHE_TABLE}")  # noqa: S608 - a constant
        keys = [row[0] for row in cursor.fetchall()]
    assert not any("cchc-api-rate" in key for key in keys)
    assert api_as(world, "focal_b").get("/areas").status_code == 200


def _token(username: str) -> int:
    user = make_user(username)
    return services.token_create(actor=user, name="đếm", days=1)[0].pk


def test_the_count_adds_one_a_call_and_a_new_minute_starts_afresh(db):
    token = _token("dem")
    assert [services.rate_count(token_id=token, minute=100) for __ in range(3)] == [1, 2, 3]
    assert services.rate_count(token_id=token, minute=101) == 1
    # The minute's first call removed the token's past minutes.
    assert list(RateCount.objects.values_list("minute", "calls")) == [(101, 1)]
    other = _token("khac")
    assert services.rate_count(token_id=other, minute=101) == 1
    assert RateCount.objects.get(token_id=token).calls == 1


def test_cleanup_removes_the_counts_of_past_minutes(db):
    token, idle = _token("dem"), _token("nghi")
    now = int(time.time() // 60)
    services.rate_count(token_id=idle, minute=now - 30)  # stopped calling half an hour ago
    services.rate_count(token_id=token, minute=now - 1)
    services.rate_count(token_id=token, minute=now)  # removed its own past minute already
    dry = io.StringIO()
    call_command("cleanup", "--dry-run", stdout=dry)
    assert "1 số đếm lượt gọi API của những phút đã qua sẽ xóa" in dry.getvalue()
    assert RateCount.objects.count() == 2
    out = io.StringIO()
    call_command("cleanup", stdout=out)
    assert "1 số đếm lượt gọi API của những phút đã qua đã xóa." in out.getvalue()
    assert list(RateCount.objects.values_list("token_id", "minute")) == [(token, now)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server database")
def test_calls_at_one_instant_are_each_counted_once():
    """20 processes' calls at once, 10 each: 200 counted, and each call saw its own number
    (Django's database cache, read then write, would lose some)."""
    token, threads, calls = _token("dem"), 20, 10
    barrier = threading.Barrier(threads)
    seen: list[int] = []
    errors: list[BaseException] = []

    def call() -> None:
        try:
            barrier.wait()
            for __ in range(calls):
                seen.append(services.rate_count(token_id=token, minute=500))
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
        finally:
            connections.close_all()  # each thread had its own connection

    workers = [threading.Thread(target=call) for __ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert RateCount.objects.get(token_id=token, minute=500).calls == threads * calls
    assert sorted(seen) == list(range(1, threads * calls + 1))


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
