"""The problem list, its search and the problem page stay fast with many problems: any page of
the list, however deep, and any search page take the same few queries; the problem page takes
the same queries for 3 signatures or 60. (`make benchmark` times them with 100 000 problems.)"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import make_category, make_organization, make_territory, make_user
from veche.appeals.models import Appeal, Comment, Problem, Revision, Signature
from veche.appeals.queries import PAGE_SIZE

pytestmark = pytest.mark.django_db


@pytest.fixture
def district():
    return make_territory("kazan-vakhitovsky", en="Vakhitovsky District")


def problem(district, title: str, *, days_ago: int, status: str = "published", author=None):
    author = author or make_user()
    item = Problem.objects.create(
        author=author,
        title=title,
        description="Описание проблемы для поиска и списка.",
        category=make_category(),
        territory=district,
        status=status,
        published_at=timezone.now() - datetime.timedelta(days=days_ago),
    )
    appeal = Appeal.objects.create(
        problem=item,
        organization=make_organization(),
        status=Appeal.Status.COLLECTING,
        signature_threshold=50,
    )
    Revision.objects.create(appeal=appeal, number=1, text="Просим починить.", author=author)
    item.current_appeal = appeal
    item.save(update_fields=["current_appeal"])
    return item


@pytest.fixture
def many(district):
    """45 published problems, newest first by number, and a draft among them."""
    author = make_user()
    items = [
        problem(district, f"Проблема номер {number} во дворе", days_ago=number, author=author)
        for number in range(45)
    ]
    problem(district, "Черновик во дворе", days_ago=3, status="draft", author=author)
    return items


def queries_for(client, url: str) -> tuple[int, str]:
    client.get(url)  # the first request of a process fills caches of its own (CSP origins)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def titles(html: str) -> list[str]:
    return [
        line.split(">", 1)[1].split("<", 1)[0]
        for line in html.split('class="problem-card__title"')[1:]
    ]


def test_a_deep_page_shows_the_right_problems_in_the_same_queries(client, many):
    first_count, first = queries_for(client, "/problems/")
    third_count, third = queries_for(client, "/problems/?page=3")
    assert titles(first) == [f"Проблема номер {n} во дворе" for n in range(PAGE_SIZE)]
    assert titles(third) == [f"Проблема номер {n} во дворе" for n in range(40, 45)]
    assert "Черновик" not in first + third
    assert third_count == first_count


def test_filters_take_no_query_per_row(client, many, district):
    count, html = queries_for(client, f"/problems/?territory={district.code}&status=collecting")
    assert len(titles(html)) == PAGE_SIZE
    assert count <= 8


def test_search_pages_keep_the_order_of_relevance_in_the_same_queries(client, many, district):
    # The older problem is the more relevant one, so relevance and date disagree.
    problem(district, "Не горит фонарь у подъезда, темно по вечерам", days_ago=100)
    problem(district, "Фонарь: фонарь не горит", days_ago=101)
    count, html = queries_for(client, "/problems/?q=фонарь")
    assert titles(html) == [
        "Фонарь: фонарь не горит",
        "Не горит фонарь у подъезда, темно по вечерам",
    ]
    count_many, html_many = queries_for(client, "/problems/?q=проблема+дворе")
    assert len(titles(html_many)) == PAGE_SIZE
    assert "Черновик" not in html_many
    second_count, second = queries_for(client, "/problems/?q=проблема+дворе&page=3")
    assert len(titles(second)) == 5
    assert not set(titles(second)) & set(titles(html_many))
    assert count == count_many == second_count


def test_search_respects_the_other_filters(client, many, district):
    elsewhere = make_territory("kazan-sovetsky")
    problem(elsewhere, "Фонарь не горит на Баумана", days_ago=1)
    problem(district, "Фонарь не горит на Пушкина", days_ago=2)
    _count, html = queries_for(client, f"/problems/?q=фонарь&territory={district.code}")
    assert titles(html) == ["Фонарь не горит на Пушкина"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigram similarity is PostgreSQL's (pg_trgm)"
)
def test_a_misspelt_search_still_finds_titles_that_look_alike(client, district):
    problem(district, "Не горит фонарь у подъезда", days_ago=1)
    _count, html = queries_for(client, "/problems/?q=не+горит+фанарь")
    assert titles(html) == ["Не горит фонарь у подъезда"]


def test_the_problem_page_takes_the_same_queries_whatever_it_holds(client, district):
    small = problem(district, "Мало подписей и комментариев", days_ago=1)
    large = problem(district, "Много подписей и комментариев", days_ago=2)
    for item, people in ((small, 3), (large, 60)):
        appeal, revision = item.current_appeal, item.current_appeal.revisions.get()
        for _ in range(people):
            user = make_user()
            Signature.objects.create(appeal=appeal, user=user, revision=revision, full_name="И")
            Comment.objects.create(problem=item, author=user, text="Поддерживаю!")
    small_count, _html = queries_for(client, small.get_absolute_url())
    large_count, html = queries_for(client, large.get_absolute_url())
    assert html.count("Поддерживаю!") == 60
    assert large_count == small_count


def test_a_signed_in_reader_gets_the_problem_page_in_the_same_queries_whatever_it_holds(
    client, district
):
    """A signed-in reader's page is made for them (not taken from the shared cache): its
    queries stay the same for 3 signatures and comments or more than a page of signatories."""
    from tests.factories import make_resident

    reader = make_resident(district)
    client.force_login(reader)
    small = problem(district, "Мало подписей", days_ago=1)
    large = problem(district, "Много подписей", days_ago=2)
    for item, people in ((small, 3), (large, 80)):
        appeal, revision = item.current_appeal, item.current_appeal.revisions.get()
        for _ in range(people):
            user = make_user()
            Signature.objects.create(appeal=appeal, user=user, revision=revision, full_name="И")
            Comment.objects.create(problem=item, author=user, text="Поддерживаю!")
        Signature.objects.create(appeal=appeal, user=reader, revision=revision, full_name="Ч")
    small_count, _html = queries_for(client, small.get_absolute_url())
    large_count, html = queries_for(client, large.get_absolute_url())
    assert html.count("Поддерживаю!") == 80
    assert large_count == small_count


def test_the_first_page_of_many_problems_takes_at_most_fifteen_queries(client, many):
    count, html = queries_for(client, "/problems/")
    assert len(titles(html)) == PAGE_SIZE
    assert count <= 15
