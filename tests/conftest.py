import pytest

from tests.world import build_world


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # PBKDF2's deliberate slowness costs seconds per world; tests need no such protection.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    return build_world()
