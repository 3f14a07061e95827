"""Resident pages of problems: lists, the appeal page, signing by POST only, hostile input."""

import pytest
from django.utils import translation

from tests.factories import make_problem, make_resident, make_territory, make_user
from veche.appeals.models import Appeal, Signature

pytestmark = pytest.mark.django_db


@pytest.fixture
def district():
    return make_territory("kazan-vakhitovsky", en="Vakhitovsky District")


def test_problem_list_keeps_a_fixed_number_of_queries(
    client, district, django_assert_max_num_queries
):
    for number in range(25):
        make_problem(territory=district, title=f"Проблема номер {number} во дворе")
    with django_assert_max_num_queries(8):
        response = client.get("/problems/")
    assert response.status_code == 200
    assert response.content.decode().count('class="problem-card"') == 20
    assert "page=2" in response.content.decode()


def test_problem_list_filters_by_territory_and_search(client, district):
    make_problem(territory=district, title="Яма на дороге у школы")
    other = make_territory("kazan-sovetsky")
    make_problem(territory=other, title="Нет света в подъезде дома")
    html = client.get("/problems/?territory=kazan-sovetsky").content.decode()
    assert "Нет света" in html and "Яма на дороге" not in html
    html = client.get("/problems/?q=яма+дорога").content.decode()
    assert "Яма на дороге" in html and "Нет света" not in html


def test_appeal_page_shows_text_progress_and_public_names_only(client, district):
    problem = make_problem(territory=district, threshold=50)
    author = problem.author
    html = client.get(problem.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert problem.current_appeal.current_revision.text[:40] in html
    assert 'max="50" value="1"' in html
    assert "Participant No. 1" in html  # the author, first on this problem
    assert author.last_name not in html
    assert author.email not in html


def test_a_resident_signs_with_one_post(client, district):
    problem = make_problem(territory=district)
    resident = make_resident(district)
    client.force_login(resident)
    page = client.get(problem.get_absolute_url()).content.decode()
    assert f'action="/problems/{problem.pk}/sign/"' in page
    response = client.post(f"/problems/{problem.pk}/sign/", {"agree": "on"})
    assert response.status_code == 302
    assert Signature.objects.filter(user=resident).exists()


def test_signing_by_get_changes_nothing(client, district):
    problem = make_problem(territory=district)
    resident = make_resident(district)
    client.force_login(resident)
    assert client.get(f"/problems/{problem.pk}/sign/").status_code == 405
    assert not Signature.objects.filter(user=resident).exists()


def test_signing_without_csrf_token_is_refused(district):
    from django.test import Client

    problem = make_problem(territory=district)
    resident = make_resident(district)
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)
    assert client.post(f"/problems/{problem.pk}/sign/").status_code == 403
    assert not Signature.objects.filter(user=resident).exists()


def test_an_ineligible_resident_sees_why_on_the_page(client, district):
    problem = make_problem(territory=district)
    client.force_login(make_resident(make_territory("kazan-sovetsky", en="Sovetsky District")))
    with translation.override("en"):
        html = client.get(problem.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You must live in Vakhitovsky District" in html
    assert "/sign/" not in html


def test_html_in_a_title_and_comment_is_shown_as_text(client, district):
    problem = make_problem(territory=district, title="<script>alert('x')</script> во дворе")
    author = problem.author
    client.force_login(author)
    client.post(f"/problems/{problem.pk}/comment/", {"text": "<img src=x onerror=alert(1)> ок"})
    html = client.get(problem.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    assert "<img src=x" not in html


def test_only_the_author_edits_the_text(client, district):
    problem = make_problem(territory=district)
    client.force_login(make_user())
    assert client.get(f"/problems/{problem.pk}/edit/").status_code == 403
    client.force_login(problem.author)
    response = client.post(
        f"/problems/{problem.pk}/edit/",
        {
            "text": problem.current_appeal.current_revision.text + " Дополнение.",
            "substantive": "on",
        },
    )
    assert response.status_code == 302
    assert problem.current_appeal.revisions.count() == 2
    diff = client.get(f"/problems/{problem.pk}/revisions/?from=1&to=2").content.decode()
    assert "<ins>" in diff


def test_publishing_shows_similar_problems_and_the_addressee_first(client, district):
    from tests.factories import make_category, make_organization

    office = make_organization("office", jurisdiction=[district], en="District Office")
    make_problem(territory=district, organization=office, title="Яма на дороге у школы 5")
    client.force_login(make_resident(district))
    form = {
        "title": "Большая яма на дороге возле школы",
        "category": make_category().pk,
        "territory": district.pk,
        "description": "Яма мешает проезду уже месяц.",
        "appeal_text": "Просим заделать яму на дороге возле школы, она опасна для детей и машин.",
        "confirm": "check",
    }
    html = client.post("/problems/new/", form, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Яма на дороге у школы 5" in html
    assert "District Office" in html
    response = client.post(
        "/problems/new/", {**form, "confirm": "publish", "organization": office.pk}
    )
    assert response.status_code == 302
    assert Appeal.objects.count() == 2
