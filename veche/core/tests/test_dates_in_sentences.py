"""A sentence that ends with a date ends with one full stop, in every language: Django's Russian
"1 января 2027 г." once gave "Срок ответа — 1 января 2027 г..". Dates are formatted by
`veche/formats/<language>/formats.py`, which this test holds to that."""

import datetime

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.formats import date_format

DAY = datetime.date(2027, 1, 1)
MOMENT = timezone.make_aware(datetime.datetime(2026, 12, 12, 15, 30))


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
@pytest.mark.parametrize("value", [DAY, MOMENT])
def test_a_sentence_ending_with_a_date_has_one_full_stop(language, value):
    template = Template(
        "{% load i18n %}{% blocktranslate with due=value %}The answer is due by {{ due }}."
        "{% endblocktranslate %} {{ value }}. {{ value|date }}."
    )
    with translation.override(language):
        text = template.render(Context({"value": value}))
        assert ".." not in text, text
        assert not date_format(DAY).endswith(".")


def test_russian_dates_read_as_russian():
    with translation.override("ru"):
        assert date_format(DAY) == "1 января 2027"
        assert date_format(MOMENT, "DATETIME_FORMAT") == "12 декабря 2026, 15:30"
