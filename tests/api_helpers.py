"""Tokens and a client for the API tests."""

from django.test import Client

from cchc.api import services
from tests.test_access_matrix import ROLES as ACCESS_ROLES

# Every role of the world, as the web's matrix names them (the anonymous have no token).
ROLES = [role for role in ACCESS_ROLES if role != "anonymous"]


def token_for(user, name: str = "test", days: int = 30) -> str:
    return services.token_create(actor=user, name=name, days=days)[1]


class ApiClient:
    """A client that sends `Authorization: Bearer <token>` with every call."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, data=None, **headers):
        return self.client.get(f"/api/v1{path}", data, headers=self.headers | headers)

    def post(self, path: str, data=None, *, key: str | None = None, **headers):
        if key is not None:
            headers["Idempotency-Key"] = key
        return self.client.post(
            f"/api/v1{path}",
            data if data is not None else {},
            content_type="application/json",
            headers=self.headers | headers,
        )

    def post_multipart(self, path: str, data: dict, *, key: str | None = None):
        headers = {"Idempotency-Key": key} if key is not None else {}
        return self.client.post(f"/api/v1{path}", data, headers=self.headers | headers)


def api_as(world, role: str) -> ApiClient:
    return ApiClient(token_for(world.users[role]))
