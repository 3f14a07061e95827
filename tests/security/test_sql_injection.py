"""SQL injection and search-syntax injection: what a visitor types into a search box or a
filter reaches the database as a parameter, never as SQL or as search-engine syntax, so it can
neither fail the page (500) nor widen the search to everything.

The search runs on PostgreSQL's full-text search and trigram similarity (`to_tsquery`, `%`) in
production and on SQLite's FTS5 (`MATCH`) on the embedded default: veche/appeals/search.py
keeps only words of the text and quotes them. Run this file on both databases.
"""

import pytest
from django.urls import reverse

from tests.factories import make_discussion, make_problem, make_territory
from veche.appeals.models import Problem

pytestmark = pytest.mark.django_db

HOLES = "Ямы во дворе дома 5 по улице Пушкина"
LIGHTS = "Не горят фонари в парке Горького"


@pytest.fixture
def two_problems():
    district = make_territory()
    return (
        make_problem(territory=district, title=HOLES),
        make_problem(
            territory=district,
            title=LIGHTS,
            description="Темно вечером.",
            text="Просим починить фонари в парке Горького: вечером по аллеям ходить темно.",
        ),
    )


def found(client, text: str) -> list[int]:
    response = client.get(reverse("appeals:list"), {"q": text})
    assert response.status_code == 200, text
    return [problem.pk for problem in response.context["page"].items]


def test_the_search_finds_by_words(client, two_problems):
    holes, lights = two_problems
    assert found(client, "ямы дворе") == [holes.pk]
    assert found(client, "фонари") == [lights.pk]


@pytest.mark.parametrize(
    "text",
    [
        "' OR 1=1 --",
        "ямы' OR '1'='1",
        "'); DROP TABLE appeals_problem; --",
        "ямы\\' UNION SELECT id FROM accounts_user --",
        "1; SELECT pg_sleep(5)",
        "%' AND similarity(title, 'x') > 0 --",
    ],
)
def test_sql_in_the_search_is_text(client, two_problems, text):
    holes = two_problems[0]
    assert found(client, text) in ([], [holes.pk])
    assert Problem.objects.count() == 2


@pytest.mark.parametrize(
    "text",
    [
        # FTS5 MATCH syntax: a bare or unbalanced quote, a prefix star, NEAR groups,
        # column filters, boolean operators and the initial-token caret.
        '"',
        '"ямы',
        "*",
        "ямы OR фонари",
        "ямы OR *",
        "NEAR(ямы фонари, 50)",
        "title:ямы OR description:темно",
        "^ямы OR фонари",
        "ямы AND NOT нечто",
        "{title description}: фонари OR ямы",
        # PostgreSQL tsquery syntax: or, not, followed-by, weights, prefixes, grouping.
        "ямы | фонари",
        "!нечто",
        "ямы <-> фонари | парке",
        "фонари:A | ямы:*",
        "(ямы | фонари) & !нечто",
        "ямы & ",
        "':*",
    ],
)
def test_search_syntax_is_text_and_widens_nothing(client, two_problems, text):
    """Either holes or lights may match (the words are there), never both: both would mean an
    operator took effect and every word became optional."""
    assert len(found(client, text)) <= 1


def test_an_operator_alone_matches_nothing(client, two_problems):
    for text in ("OR", "NEAR", "AND", "NOT", "*", "|", "!", "&", ":*", '""', "%", "_"):
        assert found(client, text) == [], text


def test_a_trigram_fallback_takes_the_text_as_a_parameter(client, two_problems):
    # Nothing matches by words, so PostgreSQL falls back to `title % text`; `%` and quotes
    # inside the text must stay text there too.
    assert found(client, "Ямы во дворе' %% '1") in ([], [two_problems[0].pk])


def test_a_search_of_a_hundred_thousand_characters_is_refused_by_the_form(client, two_problems):
    response = client.get(reverse("appeals:list"), {"q": "ямы " * 25_000})
    assert response.status_code == 200
    assert "q" in response.context["form"].errors


@pytest.mark.parametrize(
    ("page", "status"),
    # Past any list a person pages through: not found. Not a positive number: the first page.
    [("99999999999999999999999", 404), ("-99999999999999999999", 200), ("1e9", 200)],
)
def test_a_page_number_far_beyond_the_database_is_no_error(client, two_problems, page, status):
    response = client.get(reverse("appeals:list"), {"page": page})
    assert response.status_code == status
    response = client.get(reverse("appeals:list"), {"page": page, "q": "ямы"})
    assert response.status_code == status


@pytest.mark.parametrize("field", ["territory", "organization", "category", "status"])
def test_sql_in_a_filter_matches_nothing(client, two_problems, field):
    response = client.get(reverse("appeals:list"), {field: "x' OR '1'='1"})
    assert response.status_code == 200
    assert list(response.context["page"].items) == [] or field == "status"


def test_like_wildcards_in_the_archive_search_match_nothing(client):
    """The archive's text search is LIKE underneath: `%` and `_` must be escaped."""
    from veche.discussions.services import cancel_discussion

    discussion = make_discussion(stage="intake", title="Проект планировки квартала 12")
    cancel_discussion(user=discussion.created_by, discussion=discussion, reason="Отозван.")
    archive = reverse("discussions:archive")
    assert discussion.title in client.get(archive, {"q": "квартала"}).content.decode()
    for text in ("%", "_", "%%", "' OR '1'='1", "квартала%12"):
        response = client.get(archive, {"q": text})
        assert response.status_code in (200, 400), text
        assert discussion.title not in response.content.decode(), text


@pytest.mark.parametrize("code", ["' OR 1=1 --", "%", "_" * 12, "0 UNION SELECT 1"])
def test_sql_in_a_verification_code_finds_no_document(client, code):
    response = client.get(reverse("documents:verify"), {"code": code})
    assert response.status_code == 200
    assert (
        "No document has this code" in response.content.decode() or response.context["form"].errors
    )


def test_sql_in_a_revision_number_is_not_found(client, two_problems):
    url = reverse("appeals:diff", args=[two_problems[0].pk])
    for value in ("1 OR 1=1", "1; DROP TABLE appeals_problem", "99999999999999999999999"):
        assert client.get(url, {"from": value}).status_code == 404, value


@pytest.mark.parametrize("value", ["abc", "1 OR 1=1", "1; DROP TABLE appeals_comment", "٣"])
def test_sql_in_the_comment_of_a_complaint_is_not_found(client, two_problems, value):
    from tests.factories import make_user

    client.force_login(make_user())
    assert client.get(reverse("moderation:report"), {"comment": value}).status_code == 404
    response = client.post(reverse("moderation:report"), {"comment": value, "reason": "spam"})
    assert response.status_code == 404
