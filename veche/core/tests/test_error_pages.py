"""Every refusal and failure is Veche's own page in the person's language, with a way back; the
API and JSON clients get RFC 9457 problem details instead."""

import json

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import path

from tests.factories import make_organization, make_problem, make_resident, make_user
from veche import urls as veche_urls

pytestmark = pytest.mark.django_db


def broken(request):
    raise RuntimeError("boom")


urlpatterns = [path("broken/", broken), *veche_urls.urlpatterns]
handler400 = veche_urls.handler400
handler403 = veche_urls.handler403
handler404 = veche_urls.handler404
handler500 = veche_urls.handler500
handler429 = veche_urls.handler429


def russian(client=None, **kwargs):
    return client or Client(HTTP_ACCEPT_LANGUAGE="ru", **kwargs)


def text(response) -> str:
    return response.content.decode()


def test_missing_page_is_ours_in_russian_with_a_way_home():
    response = russian().get("/problems/999999999/")
    assert response.status_code == 404
    page = text(response)
    assert "Страница не найдена" in page
    assert 'href="/"' in page
    assert 'lang="ru"' in page


def test_missing_page_in_english():
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in text(response)


def test_refused_page_offers_sign_in_to_a_stranger():
    response = russian().get("/cabinet/")
    # The cabinet sends strangers to sign in; a resident who is signed in is refused.
    assert response.status_code == 302
    client = russian()
    client.force_login(make_user())
    response = client.get("/cabinet/")
    assert response.status_code == 403
    page = text(response)
    assert "Вы не можете открыть эту страницу" in page
    assert "Ошибка 403" in page


def test_wrong_method_is_explained_and_keeps_allow():
    client = russian()
    client.force_login(make_user())
    response = client.get("/verification/phone/")
    assert response.status_code == 405
    assert "POST" in response["Allow"]
    assert "Это действие нельзя выполнить так" in text(response)


@override_settings(ACCOUNT_RATE_LIMITS={"login": "2/m/ip"})
def test_sign_in_rate_limit_answers_in_russian_with_retry_after():
    cache.clear()
    client = russian()
    statuses = [
        client.post("/accounts/login/", {"login": "x@example.org", "password": "wrong"}).status_code
        for _ in range(4)
    ]
    assert statuses[-1] == 429
    response = client.post("/accounts/login/", {"login": "x@example.org", "password": "wrong"})
    assert response.status_code == 429
    assert response["Retry-After"]
    assert "Слишком много попыток" in text(response)
    cache.clear()


@override_settings(ROOT_URLCONF=__name__)
def test_server_error_page_is_bare_and_russian():
    client = russian(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    page = text(response)
    assert "Что-то пошло не так на нашей стороне" in page
    assert 'lang="ru"' in page
    # The bare layout reads nothing from the database (which may be what failed).
    assert "Выйти" not in page and "Войти" not in page


def test_csrf_failure_is_explained_in_russian():
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(make_user())
    response = client.post("/accounts/consent/", {})
    assert response.status_code == 403
    page = text(response)
    assert "ничего не изменилось" in page
    # The form was refused, not the page: no "you may not open this page" over it.
    assert '<h1 id="error-title">Форма не принята</h1>' in page
    assert "Вы не можете открыть эту страницу" not in page


def test_json_clients_get_problem_details_in_their_language():
    response = russian(HTTP_ACCEPT="application/json").get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["status"] == 404
    assert body["title"] == "Страница не найдена"


def test_api_paths_always_get_problem_details():
    response = russian().get("/api/v0/nothing/")
    assert response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content)["status"] == 404


def test_bad_host_is_a_bad_request_page():
    response = russian().get("/", HTTP_HOST="evil example")
    assert response.status_code == 400
    assert "Запрос не удалось понять" in text(response)


def test_a_refusal_never_leaks_the_exception_text():
    organization = make_organization()
    client = russian()
    client.force_login(make_user())
    response = client.get(f"/cabinet/organizations/{organization.pk}/")
    assert response.status_code in (403, 404)
    assert "Traceback" not in text(response)


@override_settings(ROOT_URLCONF=__name__)
def test_an_htmx_request_gets_its_refusal_as_a_fragment_for_the_page_it_came_from():
    client = russian(HTTP_HX_REQUEST="true")
    response = client.get("/problems/999999999/")
    missing = text(response)
    # Which of the three it is depends on these: a cache in between must keep them apart.
    vary = {name.strip() for name in response["Vary"].split(",")}
    assert {"Accept", "HX-Request", "HX-Boosted"} <= vary
    # A fragment veche.js shows by the form or link that sent the request; nothing to resend.
    assert missing.lstrip().startswith('<div class="message message--error request-error"')
    # In words for what was done on the page, not for a page of its own.
    assert 'role="alert"' in missing and "Не найдено" in missing
    assert "Обновите страницу" in missing and "Страница не найдена" not in missing
    assert "<html" not in missing and "data-resend-after" not in missing
    broken = Client(HTTP_HX_REQUEST="true", raise_request_exception=False).get("/broken/")
    assert broken.status_code == 500 and "<html" not in text(broken)
    assert "data-request-error" in text(broken)
    # A boosted request wants the whole page; a JSON client still gets problem details.
    boosted = russian(HTTP_HX_REQUEST="true", HTTP_HX_BOOSTED="true").get("/problems/999999999/")
    assert "<html" in text(boosted)
    api = Client(HTTP_HX_REQUEST="true").get("/api/v1/problems/999999999/")
    assert api["Content-Type"] == "application/problem+json"


def test_a_csrf_refusal_of_an_htmx_form_says_what_to_do_on_the_page():
    problem = make_problem()
    client = russian(HTTP_HX_REQUEST="true", enforce_csrf_checks=True)
    client.force_login(make_resident(problem.territory))
    response = client.post(f"/problems/{problem.pk}/sign/", {"agree": "on"})
    assert response.status_code == 403
    assert "data-request-error" in text(response) and "<html" not in text(response)
    assert "Обновите страницу и отправьте форму снова" in text(response)
    assert "Форма не принята" in text(response) and "Вам это недоступно" not in text(response)
    assert "Вернитесь назад" not in text(response)  # the person is on the page
