"""Full-text search over problems: PostgreSQL full-text search and trigram similarity in
production, SQLite FTS5 on the embedded default. Both are kept in indexes (migrations 0002 and
0006), so a search stays fast with a hundred thousand problems (`make benchmark`)."""

import re

from django.db import connection
from django.db.models import QuerySet

from veche.appeals.models import UNPUBLISHED, Problem

_WORD = re.compile(r"[\w]+", re.U)
_STOP = {
    "и",
    "в",
    "во",
    "на",
    "не",
    "с",
    "со",
    "по",
    "к",
    "у",
    "о",
    "об",
    "от",
    "для",
    "из",
    "за",
    "что",
    "как",
    "это",
    "нет",
    "the",
    "and",
    "of",
    "in",
    "on",
    "to",
    "a",
    "is",
}


def words(text: str, *, minimum: int = 3, limit: int = 12) -> list[str]:
    seen: list[str] = []
    for word in _WORD.findall((text or "").lower()):
        if len(word) >= minimum and word not in _STOP and word not in seen:
            seen.append(word)
    return seen[:limit]


def _postgres_ids(terms: list[str], *, any_word: bool, title: str, limit: int) -> list[int]:
    operator = " | " if any_word else " & "
    query = operator.join(f"{term}:*" for term in terms)
    with connection.cursor() as cursor:
        # The stored vector (migration 0006) is ranked without parsing the texts again.
        cursor.execute(
            """
            SELECT id FROM appeals_problem
            WHERE status <> 'draft' AND search_vector @@ to_tsquery('russian', %s)
            ORDER BY ts_rank(search_vector, to_tsquery('russian', %s)) + similarity(title, %s)
                     DESC, id DESC
            LIMIT %s
            """,
            [query, query, title, limit],
        )
        found = [row[0] for row in cursor.fetchall()]
        if found:
            return found
        # Nothing has these words: perhaps one is misspelt, so look for titles that look alike.
        # Only then, because common trigrams ("во дворе") make the trigram index check tens of
        # thousands of titles one by one.
        cursor.execute(
            """
            SELECT id FROM appeals_problem
            WHERE status <> 'draft' AND title %% %s
            ORDER BY similarity(title, %s) DESC, id DESC
            LIMIT %s
            """,
            [title, title, limit],
        )
        return [row[0] for row in cursor.fetchall()]


def _sqlite_ids(terms: list[str], *, any_word: bool, limit: int) -> list[int]:
    # No Russian stemmer in FTS5: a prefix of each word stands in for its stem.
    operator = " OR " if any_word else " AND "
    query = operator.join(f'"{term[: max(4, len(term) - 2)]}"*' for term in terms)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM appeals_problem_fts WHERE appeals_problem_fts MATCH %s "
            "ORDER BY bm25(appeals_problem_fts) LIMIT %s",
            [query, limit],
        )
        return [row[0] for row in cursor.fetchall()]


def matching_ids(text: str, *, any_word: bool = False, limit: int = 1000) -> list[int]:
    terms = words(text)
    if not terms:
        return []
    if connection.vendor == "postgresql":
        return _postgres_ids(terms, any_word=any_word, title=text[:200], limit=limit)
    return _sqlite_ids(terms, any_word=any_word, limit=limit)


def search_problems(queryset: QuerySet[Problem], text: str) -> list[int]:
    """Ids of the problems of the queryset that match all words of `text`, most relevant first.
    The order comes from the index and is kept in Python: ordering by a CASE over hundreds of
    ids cost more to build than the search itself."""
    ids = matching_ids(text, limit=500)
    if not ids:
        return []
    allowed = set(queryset.filter(pk__in=ids).values_list("pk", flat=True))
    return [pk for pk in ids if pk in allowed]


def similar_problems(
    title: str, description: str = "", *, territory=None, limit: int = 5
) -> list[Problem]:
    """Published problems like the one being written, to join instead of duplicating."""
    ids = matching_ids(f"{title} {title} {description[:300]}", any_word=True, limit=50)
    if not ids:
        return []
    queryset = Problem.objects.filter(pk__in=ids, hidden_at__isnull=True).exclude(
        status__in=UNPUBLISHED
    )
    if territory is not None:
        city = territory.ancestors().filter(kind="city").first() or territory
        queryset = queryset.filter(territory__path__startswith=city.path)
    found = {p.pk: p for p in queryset.select_related("territory", "category")}
    return [found[pk] for pk in ids if pk in found][:limit]
