"""No dump and no feed names a resident: not their name (even one they agreed to show on the
site), e-mail, date of birth or address. Every file of the day's dump and every feed, with each
filter, is read for the strings of the residents the city has."""

import pytest

from veche.opendata import dumps
from veche.opendata.datasets import DATASETS
from veche.opendata.tests.cast import forbidden_strings

pytestmark = pytest.mark.django_db


def _feeds(city) -> list[str]:
    places = [city.city.code, city.district.code, city.other.code]
    return [
        "/feeds/problems/",
        "/feeds/problems/?category=lighting",
        "/feeds/answers/",
        "/feeds/answers/?organization=city-hall",
        "/feeds/discussions/",
        *[
            f"/feeds/{kind}/?territory={place}"
            for kind in ("problems", "answers", "discussions")
            for place in places
        ],
    ]


def test_the_residents_strings_are_where_a_leak_would_show(city):
    # The test would prove nothing if the residents' data were not in the database at all.
    author = city.residents[0]
    assert author.published_name == "Зюзюкина Аглая Феоктистовна"
    assert (
        city.problems["district"]
        .appeals.get()
        .signatures.filter(postal_address__contains="Небывалая")
    )


def test_no_dump_file_holds_a_residents_name_email_birth_date_or_address(city):
    day = dumps.dump_day().day
    files = [dumps.folder(day) / f"{d.slug}.{fmt}" for d in DATASETS for fmt in dumps.FORMATS]
    files.append(dumps.folder(day) / dumps.MANIFEST)
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert text.count("\n") >= 1, path.name
        for string in forbidden_strings():
            assert string not in text, (path.name, string)


def test_no_feed_holds_a_residents_name_email_birth_date_or_address(client, city):
    for url in _feeds(city):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        for string in forbidden_strings():
            assert string not in text, (url, string)


def test_no_official_is_named_either(client, city):
    day = dumps.dump_day().day
    texts = [(dumps.folder(day) / f"{d.slug}.json").read_text() for d in DATASETS]
    texts.append(client.get("/feeds/answers/").content.decode())
    assert not any("Чиновникова" in text for text in texts)
