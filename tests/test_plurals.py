"""Counts read as Russian: every number shown beside a noun chooses one of Russian's three
plural forms ("1 обращение", "2 обращения", "5 обращений", "11 обращений", "21 обращение"), and
no template puts a number beside a noun that cannot change with it."""

import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.utils import translation

VECHE = Path(__file__).resolve().parent.parent / "veche"
COUNTS = (0, 1, 2, 5, 11, 21)


def forms(one: str, few: str, many: str) -> dict[int, str]:
    return {0: many, 1: one, 2: few, 5: many, 11: many, 21: one}


# (template, context for a count, the Russian form expected for each count)
SHOWN = [
    (
        "appeals/sections/organization_score.html",
        lambda n: {"score": {"answered": n, "overdue_now": 0, "ratings": n, "average": None}},
        forms("обращение с ответом", "обращения с ответом", "обращений с ответом"),
    ),
    (
        "territories/sections/home_fact.html",
        lambda n: {"territory_count": n},
        forms("территория", "территории", "территорий"),
    ),
    (
        "organizations/sections/home_fact.html",
        lambda n: {"organization_count": n},
        forms(
            "организация отвечает здесь", "организации отвечают здесь", "организаций отвечают здесь"
        ),
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("template, context, expected", SHOWN, ids=[row[0] for row in SHOWN])
def test_each_count_takes_its_russian_form(template, context, expected, rf):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    for count in COUNTS:
        with translation.override("ru"):
            html = render_to_string(template, context(count), request=request)
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
        assert re.search(rf"\b{count} {re.escape(expected[count])}\b", text), (count, text[:400])


# A number in a tag followed by a noun translated on its own: "<strong>{{ n }}</strong> {%
# translate "questions" %}" gives "1 вопросы".
NUMBER_BESIDE_NOUN = re.compile(
    r"{{[^}]*}}(?:</strong>|</span>|</b>)?\s*(?:<span>)?\s*{%\s*(?:translate|trans)\s"
)


def test_no_template_puts_a_number_beside_a_fixed_noun():
    found = [
        f"{path.relative_to(VECHE)}:{line_number}"
        for path in VECHE.rglob("templates/**/*.html")
        for line_number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if NUMBER_BESIDE_NOUN.search(line)
    ]
    assert found == []
