"""The open-data page: datasets with their dictionary, licence and downloads of the latest
dump, and the audit chain's heads; in both languages, linked from every page's footer."""

import pytest
from django.utils import timezone, translation
from django.utils.html import escape

from veche.core.models import AuditHead
from veche.opendata import dumps
from veche.opendata.datasets import DATASETS

pytestmark = pytest.mark.django_db


def test_before_the_first_dump_the_page_says_so(client):
    page = client.get("/open-data/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No dump yet" in page
    assert "/open-data/20" not in page


def test_the_page_lists_each_dataset_with_its_dictionary_and_downloads(client, city):
    day = dumps.dump_day().day.isoformat()
    page = client.get("/open-data/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for dataset in DATASETS:
        with translation.override("en"):
            assert escape(str(dataset.title)) in page
        assert f'href="/open-data/{day}/{dataset.slug}.csv"' in page
        assert f'href="/open-data/{day}/{dataset.slug}.json"' in page
        for field in dataset.fields:
            assert f"<code>{field.name}</code>" in page
    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a>' in page


def test_the_page_shows_the_heads_of_the_audit_log(client, city):
    dumps.dump_day()
    head = AuditHead.objects.get(day=timezone.localdate())
    page = client.get("/open-data/").content.decode()
    assert head.hash in page


def test_the_page_speaks_russian_and_english(client, city):
    dumps.dump_day()
    russian = client.get("/open-data/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    english = client.get("/open-data/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Открытые данные</h1>" in russian
    assert "Словарь данных" in russian
    assert "<h1>Open data</h1>" in english
    assert "Data dictionary" in english


def test_the_licence_is_a_setting(client, settings):
    settings.VECHE_OPEN_DATA_LICENCE_NAME = "ODbL 1.0"
    settings.VECHE_OPEN_DATA_LICENCE_URL = "https://opendatacommons.org/licenses/odbl/1-0/"
    page = client.get("/open-data/").content.decode()
    assert (
        'href="https://opendatacommons.org/licenses/odbl/1-0/" rel="license">ODbL 1.0</a>' in page
    )


def test_every_page_links_the_open_data_from_its_footer(client):
    page = client.get("/about/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<a href="/open-data/">Open data</a>' in page
