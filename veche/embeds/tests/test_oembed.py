"""oEmbed 1.0 for the pages that have a widget: a "rich" answer with the titled iframe, sized
within maxwidth and maxheight; 404 for other addresses, 501 for XML, 400 for no format."""

import pytest

pytestmark = pytest.mark.django_db

SITE = "http://testserver"


def _oembed(client, url, **more):
    return client.get("/oembed", {"url": url, **more})


def test_a_discussion_page_is_described(client, discussion):
    response = _oembed(client, f"{SITE}{discussion.get_absolute_url()}", format="json")
    assert response.status_code == 200
    answer = response.json()
    assert answer["version"] == "1.0"
    assert answer["type"] == "rich"
    assert answer["provider_name"] == "Veche"
    assert (answer["width"], answer["height"]) == (400, 460)
    assert f'src="{SITE}/embed/discussion/{discussion.pk}/?lang=en"' in answer["html"]
    assert f'title="Public discussion: {discussion.title}"' in answer["html"]


def test_a_territory_page_is_described_by_its_report_widget(client, district):
    answer = _oembed(client, f"{SITE}{district.get_absolute_url()}").json()
    assert f"/embed/report/{district.code}/" in answer["html"]
    assert answer["title"] == "Report a problem: Vakhitovsky district"


def test_an_organization_page_is_described_by_its_rating(client, office):
    answer = _oembed(client, f"{SITE}{office.get_absolute_url()}").json()
    assert f"/embed/organization/{office.slug}/rating/" in answer["html"]


def test_the_widget_address_itself_is_described(client, discussion):
    answer = _oembed(client, f"{SITE}/embed/discussion/{discussion.pk}/").json()
    assert answer["type"] == "rich"


def test_the_size_stays_within_the_consumers_maximum(client, discussion):
    url = f"{SITE}{discussion.get_absolute_url()}"
    answer = _oembed(client, url, maxwidth="320", maxheight="200").json()
    assert (answer["width"], answer["height"]) == (320, 200)
    assert 'width="320" height="200"' in answer["html"]


def test_a_larger_maximum_keeps_the_natural_size(client, discussion):
    url = f"{SITE}{discussion.get_absolute_url()}"
    answer = _oembed(client, url, maxwidth="2000", maxheight="abc").json()
    assert (answer["width"], answer["height"]) == (400, 460)


@pytest.mark.parametrize("forged", ["9" * 5000, "²", "-5"])
def test_a_maximum_that_is_no_size_keeps_the_natural_size(client, discussion, forged):
    url = f"{SITE}{discussion.get_absolute_url()}"
    answer = _oembed(client, url, maxwidth=forged, maxheight=forged).json()
    assert (answer["width"], answer["height"]) == (400, 460)


def test_xml_is_not_implemented(client, discussion):
    response = _oembed(client, f"{SITE}{discussion.get_absolute_url()}", format="xml")
    assert response.status_code == 501


@pytest.mark.parametrize(
    "url",
    [
        f"{SITE}/problems/",
        f"{SITE}/discussions/999999/",
        f"{SITE}/nowhere/",
        "https://elsewhere.example/discussions/1/",
        "javascript:alert(1)",
        "",
    ],
)
def test_other_addresses_are_not_found(client, discussion, url):
    assert _oembed(client, url).status_code == 404


def test_a_draft_discussion_is_not_described(client, district, office):
    from tests.factories import make_discussion

    draft = make_discussion(territory=district, organizer=office, publish=False)
    assert _oembed(client, f"{SITE}{draft.get_absolute_url()}").status_code == 404


def test_the_answer_is_in_the_language_asked(client, district):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ru"
    answer = _oembed(client, f"{SITE}{district.get_absolute_url()}").json()
    assert answer["provider_name"] == "Вече"
    assert answer["title"] == "Сообщить о проблеме: Вахитовский район"
    assert "?lang=ru" in answer["html"]


def test_a_format_that_is_no_format_is_a_bad_request(client, discussion):
    response = _oembed(client, f"{SITE}{discussion.get_absolute_url()}", format="abc")
    assert response.status_code == 400
