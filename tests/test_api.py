"""The REST API (issue 13): tokens, errors, and the plans and tasks it reads and writes,
through the same selectors and services as the web."""

import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from cchc.api.models import ApiToken
from cchc.api.services import secret_hash, token_revoke
from cchc.audit.models import AuditEvent
from tests.api_helpers import ApiClient, api_as, token_for
from tests.world import sign_in


def error_of(response) -> dict:
    data = response.json()
    assert set(data) == {"error"}, data
    assert set(data["error"]) == {"code", "message", "fields"}, data
    return data["error"]


# --- tokens -------------------------------------------------------------------------------


def test_a_token_made_on_the_web_is_shown_once_and_stored_hashed(world):
    client = Client()
    assert sign_in(client, "focal_a")
    response = client.post("/account/tokens/", {"name": "Hệ thống Cục TH", "days": "30"})
    assert response.status_code == 302
    response = client.get(response["Location"])
    plain = response.context["plain"]
    assert plain.startswith("cchc_") and plain in response.content.decode()
    token = ApiToken.objects.get(user=world.users["focal_a"])
    assert token.name == "Hệ thống Cục TH"
    assert token.secret_hash == secret_hash(plain) and plain not in token.secret_hash
    assert not ApiToken.objects.filter(secret_hash=plain).exists()
    assert AuditEvent.objects.filter(action="api.token_create", object_id=str(token.pk)).exists()
    # Listed afterwards by its name and prefix, never again in full.
    page = client.get("/account/tokens/").content.decode()
    assert "Hệ thống Cục TH" in page and token.prefix in page and plain not in page
    # It works on the API, as its user.
    assert ApiClient(plain).get("/tasks").status_code == 200


def test_the_token_form_names_its_errors(world):
    client = Client()
    assert sign_in(client, "focal_a")
    for days in ("0", "-5", "abc", "99999999999999999999", ""):
        response = client.post("/account/tokens/", {"name": "x", "days": days})
        assert response.status_code == 200 and response.context["plain"] is None
        assert "days" in response.context["form"].errors, days
    response = client.post("/account/tokens/", {"name": "", "days": "30"})
    assert "name" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_the_command_prints_a_token(world, capsys):
    call_command("create_token", "focal_b", "--name", "Cục CB", "--days", "7")
    plain = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(user=world.users["focal_b"])
    assert token.secret_hash == secret_hash(plain) and token.name == "Cục CB"
    assert token.expires_at - token.created_at == datetime.timedelta(days=7)
    response = ApiClient(plain).get(f"/tasks/{world.tasks['b_track'].pk}")
    assert response.status_code == 200


def test_revoked_expired_and_wrong_tokens_get_401(world):
    plain = token_for(world.users["focal_a"])
    token = ApiToken.objects.get()
    assert ApiClient(plain).get("/plans").status_code == 200
    for bad in (plain + "x", plain[:-1], "cchc_", "Basic abc", "x" * 5000, "cchc_zz_yy"):
        response = ApiClient(bad).get("/plans")
        assert response.status_code == 401, bad
        assert error_of(response)["code"] == "unauthorized"
    assert error_of(ApiClient(None).get("/plans"))["code"] == "unauthorized"
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert ApiClient(plain).get("/plans").status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() + datetime.timedelta(days=1)
    )
    assert ApiClient(plain).get("/plans").status_code == 200
    token_revoke(actor=world.users["focal_a"], token=token)
    response = ApiClient(plain).get("/plans")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"


def test_revoking_on_the_web_is_the_owners_alone(world):
    plain = token_for(world.users["focal_a"])
    token = ApiToken.objects.get()
    other = Client()
    assert sign_in(other, "focal_b")
    assert other.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiClient(plain).get("/plans").status_code == 200
    owner = Client()
    assert sign_in(owner, "focal_a")
    assert owner.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    assert ApiClient(plain).get("/plans").status_code == 401
    assert AuditEvent.objects.filter(action="api.token_revoke").count() == 1


def test_last_used_is_written_at_most_once_a_minute(world, django_assert_num_queries):
    plain = token_for(world.users["focal_a"])
    client = ApiClient(plain)
    client.get("/areas")
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    client.get("/areas")
    assert ApiToken.objects.get().last_used_at == first
    ApiToken.objects.update(last_used_at=first - datetime.timedelta(minutes=2))
    client.get("/areas")
    assert ApiToken.objects.get().last_used_at > first - datetime.timedelta(minutes=1)


def test_calls_beyond_the_rate_limit_get_429(world, settings):
    settings.CCHC_API_RATE_PER_MINUTE = 3
    from django.core.cache import cache

    cache.clear()
    client = api_as(world, "focal_a")
    statuses = [client.get("/areas").status_code for __ in range(5)]
    assert statuses[:3] == [200, 200, 200]
    assert 429 in statuses[3:]
    response = client.get("/areas")
    assert error_of(response)["code"] == "rate_limited" and response["Retry-After"]
    # Another token has its own count.
    assert api_as(world, "focal_b").get("/areas").status_code == 200
    cache.clear()


# --- documentation ------------------------------------------------------------------------


def test_openapi_and_docs_page_are_local(db):
    client = Client()
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/tasks" in paths and "/api/v1/tasks/{task_id}/updates" in paths
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html
    csp = page["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    # The page's only inline script is data (type application/json), which CSP allows.
    assert html.count("<script") == 3 and 'type="application/json"' in html


# --- errors -------------------------------------------------------------------------------


def test_unknown_and_forbidden_objects_are_404_json(world):
    client = api_as(world, "focal_b")
    for path in (f"/tasks/{world.tasks['a_soon'].pk}", "/tasks/999999", f"/plans/{world.draft.pk}"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert error_of(response)["code"] == "not_found"


@pytest.mark.parametrize(
    "query, field",
    [
        ({"plan": "abc"}, "plan"),
        ({"plan": "-5"}, "plan"),
        ({"plan": str(2**70)}, "plan"),
        ({"status": "nonsense"}, "status"),
        ({"limit": "500"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"as_of": "31/02/2026"}, "as_of"),
        ({"as_of": "2999-01-01"}, "as_of"),
        ({"cursor": "!!!"}, "cursor"),
        ({"q": "x" * 300}, "q"),
        ({"q": "a\x00b"}, "q"),
    ],
)
def test_bad_filters_are_400_naming_the_field(world, query, field):
    response = api_as(world, "office").get("/tasks", query)
    assert response.status_code == 400, response.content
    error = error_of(response)
    assert error["code"] == "invalid" and field in error["fields"], error


@pytest.mark.parametrize(
    "method, path, status",
    [
        ("get", "/api/v1/nothing-here", 404),
        ("get", "/api/v1/tasks/1/nothing", 404),
        ("post", "/api/v1/nothing", 404),
        ("get", "/api/v2/tasks", 404),
        ("get", "/api/", 404),
        ("get", "/api", 404),
        ("get", "/api/v1/tasks/", 404),
        ("delete", "/api/v1/areas", 405),
        ("put", "/api/v1/tasks/1/updates", 405),
        ("get", "/api/v1/tasks/1/confirm", 405),
        ("patch", "/api/v1/findings/1/accept", 405),
    ],
)
def test_unknown_paths_and_methods_answer_json(world, method, path, status):
    client = api_as(world, "office").client
    response = getattr(client, method)(path)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = error_of(response)
    assert error["code"] == ("not_found" if status == 404 else "method_not_allowed")
    if status == 405:
        assert method.upper() in error["message"] and response["Allow"]
    # The site's own pages keep their HTML 404.
    assert Client().get("/nothing-here/")["Content-Type"].startswith("text/html")
