"""Settings come from the environment only; each check starts a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT_SETTINGS = (
    "import django, json; from django.conf import settings; django.setup(); "
    "print(json.dumps({'debug': settings.DEBUG, 'db': settings.DATABASES['default'], "
    "'cache': settings.CACHES['default']['BACKEND'], 'hosts': settings.ALLOWED_HOSTS, "
    "'media': str(settings.MEDIA_ROOT), 'lang': settings.LANGUAGE_CODE, "
    "'tz': settings.TIME_ZONE, 'use_tz': settings.USE_TZ, "
    "'static': settings.STORAGES['staticfiles']['BACKEND'], "
    "'secure_cookies': settings.SESSION_COOKIE_SECURE}, default=str))"
)
VARIABLES = [
    "SECRET_KEY",
    "DEBUG",
    "DATABASE_URL",
    "REDIS_URL",
    "ALLOWED_HOSTS",
    "MEDIA_ROOT",
    "PYTEST_VERSION",
    "DJANGO_SETTINGS_MODULE",
]


def start(**environ):
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    env.update(environ, DJANGO_SETTINGS_MODULE="portal.settings")
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_start_without_secret_key_is_refused():
    result = start()
    assert result.returncode != 0
    assert "SECRET_KEY chưa được đặt" in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_production_defaults_are_safe():
    result = start(SECRET_KEY="x" * 50, ALLOWED_HOSTS="portal.example")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["debug"] is False
    assert values["secure_cookies"] is True
    assert values["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert values["db"]["ENGINE"] == "django.db.backends.sqlite3"
    assert values["db"]["NAME"] == str(ROOT / "var" / "portal.sqlite3")
    assert values["cache"].endswith("LocMemCache")
    assert (values["lang"], values["tz"], values["use_tz"]) == ("vi", "Asia/Ho_Chi_Minh", True)


def test_every_setting_comes_from_the_environment():
    result = start(
        SECRET_KEY="y" * 50,
        DATABASE_URL="postgres://portal:pw@db.internal:5432/portal",
        REDIS_URL="redis://127.0.0.1:6379/3",
        ALLOWED_HOSTS="portal.example, www.portal.example",
        MEDIA_ROOT="/srv/media",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["db"]["ENGINE"] == "django.db.backends.postgresql"
    assert values["db"]["HOST"] == "db.internal" and values["db"]["NAME"] == "portal"
    assert values["db"]["OPTIONS"]["pool"]["max_size"] == 10
    assert values["cache"] == "portal.cache.RedisCache"  # Django's, tolerant of outages
    assert values["hosts"] == ["portal.example", "www.portal.example"]
    assert values["media"] == "/srv/media"


def test_debug_must_be_a_clear_yes_or_no():
    result = start(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_development_start_needs_no_secret_key():
    result = start(DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["debug"] is True
