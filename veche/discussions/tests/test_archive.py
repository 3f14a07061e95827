"""The public archive lists past discussions (concluded, or cancelled after publication) for
anyone, searched by territory (and what lies inside it), form, year and words, page by page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_discussion, make_territory, set_fields
from veche.discussions.models import Discussion
from veche.territories.models import Territory

pytestmark = pytest.mark.django_db
ARCHIVE = reverse("discussions:archive")


def concluded(**options) -> Discussion:
    discussion = make_discussion(stage="review", **options)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    return set_fields(
        discussion,
        protocol_signed_at=yesterday,
        protocol_signed_by=discussion.created_by,
        conclusion_published_at=yesterday,
        conclusion_published_by=discussion.created_by,
        conclusion_text="Рекомендовать проект к утверждению.",
        progress_percent=40,
    )


def cancelled(**options) -> Discussion:
    discussion = make_discussion(stage="intake", **options)
    return set_fields(
        discussion, status=Discussion.Status.CANCELLED, cancel_reason="Проект отозван."
    )


def listed(client, **filters) -> list[int]:
    response = client.get(ARCHIVE, filters)
    assert response.status_code == 200
    return [discussion.pk for discussion in response.context["page"].object_list]


def test_concluded_and_cancelled_discussions_are_listed_for_anyone(client):
    done = concluded()
    called_off = cancelled()
    assert set(listed(client)) == {done.pk, called_off.pk}


def test_running_discussions_drafts_and_unpublished_conclusions_are_not(client):
    concluded()
    make_discussion(stage="intake")
    make_discussion(stage="review")
    make_discussion(publish=False)
    protocol_only = make_discussion(stage="review")
    set_fields(
        protocol_only,
        protocol_signed_at=timezone.now(),
        protocol_signed_by=protocol_only.created_by,
    )
    draft_called_off = make_discussion(publish=False)
    set_fields(draft_called_off, status=Discussion.Status.CANCELLED, cancel_reason="Не нужен.")
    assert len(listed(client)) == 1


def test_each_row_leads_to_the_discussion_page(client):
    done = concluded(title="Генеральный план: изменения 2025 года")
    content = client.get(ARCHIVE).content.decode()
    assert f'href="{done.get_absolute_url()}"' in content
    assert "Генеральный план: изменения 2025 года" in content


def test_the_page_of_an_archived_discussion_opens_for_anyone(client):
    done = concluded(title="Проект планировки квартала 12")
    response = client.get(done.get_absolute_url())
    assert response.status_code == 200
    assert "Рекомендовать проект к утверждению." in response.content.decode()


def test_a_territory_takes_in_the_territories_inside_it(client):
    city = make_territory("kazan", kind=Territory.Kind.CITY)
    district = make_territory("vakhitovsky", parent=city)
    quarter = make_territory("quarter-12", parent=district, kind=Territory.Kind.NEIGHBOURHOOD)
    in_quarter = concluded(territory=quarter)
    in_district = cancelled(territory=district)
    concluded(territory=make_territory("elsewhere", kind=Territory.Kind.CITY))
    assert set(listed(client, territory="vakhitovsky")) == {in_quarter.pk, in_district.pk}


def test_by_form(client):
    hearing = concluded(kind="hearing")
    concluded(kind="discussion")
    assert listed(client, kind="hearing") == [hearing.pk]


def test_by_the_year_the_exposition_opened(client):
    recent = concluded()
    older = concluded()
    set_fields(older, exposition_start=datetime.date(timezone.localdate().year - 3, 4, 1))
    assert listed(client, year=older.exposition_start.year) == [older.pk]
    assert listed(client, year=recent.exposition_start.year) == [recent.pk]


def test_words_are_looked_for_in_the_title_and_the_description(client):
    by_title = concluded(title="Реконструкция набережной озера Кабан")
    by_description = set_fields(concluded(), description="Проект затрагивает набережную и сквер.")
    concluded(title="Правила благоустройства")
    assert set(listed(client, q="набережн")) == {by_title.pk, by_description.pk}
    assert listed(client, q="  озера   Кабан ") == [by_title.pk]


def test_search_ignores_the_case_of_latin_letters(client):
    found = concluded(title="Квартал Kazan City Park")
    assert listed(client, q="kazan city") == [found.pk]


def test_a_lower_case_russian_word_finds_a_capitalised_title(client):
    found = concluded(title="Набережная озера Кабан")
    assert listed(client, q="набережная") == [found.pk]
    assert listed(client, q="КАБАН") == [found.pk]


def test_newest_exposition_first(client):
    older, newer = concluded(), concluded()
    set_fields(older, exposition_start=older.exposition_start - datetime.timedelta(days=30))
    assert listed(client) == [newer.pk, older.pk]


def test_filters_combine(client):
    district = make_territory("vakhitovsky")
    wanted = concluded(territory=district, kind="hearing", title="Слушания по скверу")
    concluded(territory=district, kind="discussion", title="Обсуждение сквера")
    concluded(kind="hearing", title="Слушания по скверу в другом районе")
    assert listed(client, territory="vakhitovsky", kind="hearing", q="скверу") == [wanted.pk]


@pytest.mark.parametrize(
    "filters, field",
    [
        ({"kind": "referendum"}, "kind"),
        ({"year": "soon"}, "year"),
        ({"territory": "nowhere"}, "territory"),
    ],
)
def test_a_wrong_filter_is_explained_and_lists_nothing(client, filters, field):
    concluded()
    response = client.get(ARCHIVE, filters)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert list(response.context["page"].object_list) == []


def test_pages_of_twenty_keep_the_search(client):
    for _ in range(21):
        cancelled(kind="hearing")
    concluded(kind="discussion")
    first = client.get(ARCHIVE, {"kind": "hearing"})
    assert len(first.context["page"].object_list) == 20
    assert "kind=hearing&amp;page=2" in first.content.decode()
    assert len(listed(client, kind="hearing", page=2)) == 1


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(ARCHIVE).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(client):
    concluded()
    cancelled()
    client.get(ARCHIVE)  # the first request fills a cache of identity providers
    few = _queries(client)
    for _ in range(4):
        concluded()
        cancelled()
    client.get(ARCHIVE)  # the new rows' territories make the header's kept list of them stale
    assert _queries(client) == few
