import pytest

from tests.world import build_world


@pytest.fixture(autouse=True)
def test_settings(settings, tmp_path):
    # PBKDF2's deliberate slowness costs seconds per world; tests need no such protection.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Uploaded files of a test go to its own folder, never to var/.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(db):
    return build_world()
