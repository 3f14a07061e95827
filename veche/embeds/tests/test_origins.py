"""The operator's list of embedding sites: what an origin may be, who may change the list, and
the audit row each change leaves."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import make_user
from tests.sign_in import enter
from veche.core.models import AuditEvent
from veche.embeds import services
from veche.embeds.models import EmbedOrigin
from veche.embeds.origins import parse_origin


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("https://admin.example.ru", "https://admin.example.ru"),
        ("https://Admin.Example.RU/", "https://admin.example.ru"),
        ("https://example.org:8443", "https://example.org:8443"),
        ("https://example.org:443", "https://example.org"),
        ("https://пример.рф", "https://xn--e1afmkfd.xn--p1ai"),
    ],
)
def test_an_origin_is_kept_normalized(given, kept):
    assert parse_origin(given) == kept


@pytest.mark.parametrize(
    "given",
    [
        "javascript:alert(1)",
        "data:text/html,x",
        "https://example.org/widgets",
        "https://example.org/?a=1",
        "https://example.org/#top",
        "*",
        "https://*.example.org",
        "https://example.org https://evil.example",
        "https://example.org;script-src *",
        "https://user:secret@example.org",
        "example.org",
        "ftp://example.org",
        "https://",
        "https://example.org:99999",
        "",
    ],
)
def test_anything_but_a_site_is_refused(given):
    with pytest.raises(ValidationError):
        parse_origin(given)


def test_http_is_refused_unless_debugging():
    with pytest.raises(ValidationError):
        parse_origin("http://127.0.0.1:8001")
    assert parse_origin("http://127.0.0.1:8001", allow_http=True) == "http://127.0.0.1:8001"


def test_http_is_allowed_by_the_service_only_while_debugging(operator, settings):
    with pytest.raises(ValidationError):
        services.allow_origin(user=operator, origin="http://localhost:8001", reason="Dev")
    settings.DEBUG = True
    allowed = services.allow_origin(user=operator, origin="http://localhost:8001", reason="Dev")
    assert allowed.origin == "http://localhost:8001"


def test_allowing_a_site_is_audited(operator):
    allowed = services.allow_origin(
        user=operator, origin="https://admin.example.ru/", reason="District site"
    )
    event = AuditEvent.objects.get(action="embeds.origin_allowed")
    assert event.actor == operator
    assert event.object_id == str(allowed.pk)
    assert event.data == {"origin": "https://admin.example.ru", "reason": "District site"}
    assert allowed.added_by == operator


def test_removing_a_site_is_audited(operator, partner):
    services.disallow_origin(user=operator, allowed=partner)
    assert not EmbedOrigin.objects.exists()
    event = AuditEvent.objects.get(action="embeds.origin_disallowed")
    assert event.data["origin"] == partner.origin
    assert event.actor == operator


def test_a_site_is_listed_once(operator, partner):
    with pytest.raises(ValidationError):
        services.allow_origin(user=operator, origin=partner.origin + "/", reason="Again")


def test_a_reason_is_required(operator):
    with pytest.raises(ValidationError):
        services.allow_origin(user=operator, origin="https://example.org", reason="  ")


@pytest.mark.django_db
def test_staff_without_the_permission_change_nothing():
    staff = make_user(is_staff=True)
    with pytest.raises(PermissionDenied):
        services.allow_origin(user=staff, origin="https://example.org", reason="Why not")
    assert not AuditEvent.objects.filter(action__startswith="embeds.").exists()


# --- The operator's page ---------------------------------------------------------------------


def test_the_page_is_refused_to_staff_without_the_permission(client, db):
    enter(client, make_user(is_staff=True))
    assert client.get("/cabinet/embedding-sites/").status_code == 403


def test_the_page_sends_visitors_to_sign_in(client, db):
    response = client.get("/cabinet/embedding-sites/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_operator_allows_a_site_on_the_page(client, operator):
    enter(client, operator)
    response = client.post(
        "/cabinet/embedding-sites/",
        {"origin": "https://admin.example.ru", "reason": "District site"},
        follow=True,
    )
    assert response.status_code == 200
    assert EmbedOrigin.objects.get().origin == "https://admin.example.ru"
    assert "https://admin.example.ru may now embed the widgets." in response.content.decode()


def test_the_page_shows_why_an_origin_is_refused(client, operator):
    enter(client, operator)
    response = client.post(
        "/cabinet/embedding-sites/", {"origin": "https://example.org/page", "reason": "x"}
    )
    assert response.status_code == 400
    assert "without a path" in response.content.decode()
    assert not EmbedOrigin.objects.exists()


def test_an_operator_removes_a_site_on_the_page(client, operator, partner):
    enter(client, operator)
    response = client.post(f"/cabinet/embedding-sites/{partner.pk}/remove/")
    assert response.status_code == 302
    assert not EmbedOrigin.objects.exists()


def test_staff_without_the_permission_remove_nothing(client, partner):
    enter(client, make_user(is_staff=True))
    assert client.post(f"/cabinet/embedding-sites/{partner.pk}/remove/").status_code == 403
    assert EmbedOrigin.objects.exists()


def test_operators_find_the_page_from_the_organizations(client, operator):
    enter(client, operator)
    assert "/cabinet/embedding-sites/" in client.get("/organizations/").content.decode()


def test_residents_are_not_shown_the_page(client, db):
    assert "/cabinet/embedding-sites/" not in client.get("/organizations/").content.decode()
