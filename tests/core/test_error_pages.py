"""The error pages (400, 403, CSRF, 404, 413, 500) are the service's own design, with DEBUG off as in
production, and say nothing about what went wrong inside."""

import re

import pytest
from django.test import RequestFactory
from django.urls import path, reverse
from django.views import defaults

from config.urls import handler400, urlpatterns
from inspections.models import ProgressUpdate
from tests.two_factor import TwoFactorClient

# The service's header and footer: the page is ours, not Django's plain one.
DESIGN = ('class="moj-header"', "Recommendation Tracker", 'class="govuk-footer"', "dist/app.css")


def _boom(request):
    raise RuntimeError("secret-detail: the database password is hunter2")


# The project's own URLs and handlers, plus one view that fails.
urlpatterns = [*urlpatterns, path("boom/", _boom)]
handler400 = handler400  # the test URLconf must name it to use it


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def _without_token(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def _assert_design(html: str, heading: str) -> None:
    for part in DESIGN:
        assert part in html
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in html
    assert html.count("<h1") == 1


@pytest.mark.django_db
def test_a_missing_page_is_the_services_404_and_does_not_echo_the_address(client, staff_user):
    client.force_login(staff_user)
    response = client.get("/no-such-page-xyzzy/")
    assert response.status_code == 404
    html = response.content.decode()
    _assert_design(html, "Page not found")
    assert "xyzzy" not in html
    assert 'class="moj-primary-navigation"' in html  # signed in: the navigation is there


@pytest.mark.django_db
def test_another_forces_page_answers_the_same_404_as_a_missing_one(client, liaison_user, other_force):
    client.force_login(liaison_user)
    refused = client.get(reverse("forces:force_detail", args=[other_force.slug]))
    missing = client.get(reverse("forces:force_detail", args=["no-such-force"]))
    assert refused.status_code == missing.status_code == 404
    # The same page but for the (per-response) token of the sign-out form.
    assert _without_token(refused) == _without_token(missing)
    _assert_design(refused.content.decode(), "Page not found")


@pytest.mark.django_db
def test_a_refusal_is_the_services_403_without_the_reason(client, manager_user):
    client.force_login(manager_user)
    response = client.get(reverse("imports:upload"))
    assert response.status_code == 403
    html = response.content.decode()
    _assert_design(html, "You cannot do this")
    assert "Only inspectorate staff" not in html


@pytest.mark.django_db
def test_a_failed_csrf_check_is_the_services_page(staff_user, item):
    client = TwoFactorClient()
    client.force_login(staff_user)  # both sign-in steps, then the form's token is checked
    client.handler.enforce_csrf_checks = True
    response = client.post(reverse("inspections:item_update", args=[item.pk]), {"narrative": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    _assert_design(html, "The form has expired")
    assert "CSRF" not in html
    assert not ProgressUpdate.objects.exists()


@pytest.mark.django_db
def test_a_bad_request_is_the_services_400(client):
    response = client.get("/", HTTP_HOST="not-an-allowed-host.example")  # DisallowedHost
    assert response.status_code == 400
    html = response.content.decode()
    _assert_design(html, "Sorry, there is a problem with your request")
    assert "not-an-allowed-host" not in html


@pytest.mark.django_db
def test_a_request_over_the_size_limit_is_refused_unread_with_the_too_large_page(client, liaison_user, item, settings):
    settings.REQUEST_MAX_BYTES = 10_000
    client.force_login(liaison_user)
    response = client.post(reverse("inspections:item_update", args=[item.pk]), {"narrative": "x" * 20_000})
    assert response.status_code == 413
    _assert_design(response.content.decode(), "What you sent is too large")
    assert not ProgressUpdate.objects.exists()


@pytest.mark.django_db
def test_form_fields_over_djangos_limit_get_the_too_large_page(client, liaison_user, item, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 5_000
    client.force_login(liaison_user)
    response = client.post(reverse("inspections:item_update", args=[item.pk]), {"narrative": "x" * 6_000})
    assert response.status_code == 413
    html = response.content.decode()
    _assert_design(html, "What you sent is too large")
    assert "An evidence file can be up to 20 MB" in html
    assert "DATA_UPLOAD_MAX_MEMORY_SIZE" not in html
    assert not ProgressUpdate.objects.exists()


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_server_error_is_the_services_500_without_details(staff_user):
    client = TwoFactorClient(raise_request_exception=False)
    client.force_login(staff_user)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    _assert_design(html, "Sorry, there is a problem with the service")
    assert "secret-detail" not in html
    assert "RuntimeError" not in html
    assert "Sign out" not in html  # rendered without the request: nobody's details


def test_the_500_page_renders_without_the_database_or_a_user(django_db_blocker):
    with django_db_blocker.block():  # any query would raise
        response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    _assert_design(response.content.decode(), "Sorry, there is a problem with the service")
