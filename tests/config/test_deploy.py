"""`manage.py check --deploy` with production environment values reports nothing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a" * 10 + "-production-like-secret-of-enough-length-and-variety-1234567890",
    "ALLOWED_HOSTS": "tracker.example.gov.uk",
    "SECURE_PROXY_SSL_HEADER": "1",
    "STATICFILES_BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    "SITE_URL": "https://tracker.example.gov.uk",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "CACHE_URL": "redis://redis-host:6379/1",
}


def test_deploy_check_is_clean():
    # The test run's own settings (and the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE) are not production's.
    strip = {
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECRET_KEY",
        "DEBUG",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "SINGLE_MACHINE",
        "IMPORT_PROGRESS_CACHE_URL",
    }
    env = {k: v for k, v in os.environ.items() if k not in strip} | PRODUCTION
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_production_responses_carry_the_security_headers(client, settings):
    settings.SECURE_SSL_REDIRECT = False
    response = client.get("/accounts/sign-in/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_https_is_enforced_outside_debug(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/accounts/sign-in/")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    secure = client.get("/accounts/sign-in/", secure=True)
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
