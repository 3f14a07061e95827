"""What the widgets show, in both languages, with every link opening the full site in a new
tab; and the "Embed on your site" disclosure and oEmbed discovery on the pages they embed."""

import datetime
import re

import pytest

from tests.factories import make_resident
from tests.sign_in import enter

pytestmark = pytest.mark.django_db

LINK = re.compile(r"<a\s[^>]*>")


def _links_open_a_new_tab(html: str) -> bool:
    links = LINK.findall(html)
    return bool(links) and all('target="_blank"' in a and 'rel="noopener"' in a for a in links)


def test_the_discussion_card_shows_stage_dates_count_and_the_way_in(client, discussion):
    html = client.get(f"/embed/discussion/{discussion.pk}/").content.decode()
    assert discussion.title in html
    assert f"{discussion.intake_end:%Y}" in html
    assert "Submissions taken" in html
    assert "stage-badge--intake" in html
    assert "0 submissions" in html
    assert f'href="/discussions/{discussion.pk}/#take-part"' in html
    assert "Take part" in html
    assert _links_open_a_new_tab(html)


def test_the_widget_has_no_header_or_footer_of_the_site(client, discussion):
    html = client.get(f"/embed/discussion/{discussion.pk}/").content.decode()
    assert "site-header" not in html and "<footer" not in html
    assert "<form" not in html


def test_the_language_is_asked_in_the_address(client, discussion):
    response = client.get(f"/embed/discussion/{discussion.pk}/", {"lang": "ru"})
    html = response.content.decode()
    assert '<html lang="ru">' in html
    assert "Принять участие" in html
    assert response["Content-Language"] == "ru"


def test_without_lang_the_visitors_language_is_used(client, discussion):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ru"
    html = client.get(f"/embed/discussion/{discussion.pk}/").content.decode()
    assert '<html lang="ru">' in html


def test_an_unknown_lang_is_ignored(client, discussion):
    html = client.get(f"/embed/discussion/{discussion.pk}/", {"lang": "xx"}).content.decode()
    assert '<html lang="en">' in html


def test_the_report_widget_opens_the_form_for_its_territory(client, district, problem):
    html = client.get(f"/embed/report/{district.code}/").content.decode()
    assert f'href="/problems/new/?territory={district.code}"' in html
    assert f'href="/problems/new/?territory={district.code}&amp;category=roads"' in html
    assert problem.title in html
    assert _links_open_a_new_tab(html)


def test_the_report_widget_in_russian(client, district):
    html = client.get(f"/embed/report/{district.code}/", {"lang": "ru"}).content.decode()
    assert "Сообщить о проблеме" in html
    assert "Вахитовский район" in html


def test_the_publishing_form_comes_chosen_for_the_territory_and_category(client, district):
    from veche.appeals.models import Category

    roads = Category.objects.get_or_create(slug="roads", defaults={"name": {"en": "Roads"}})[0]
    enter(client, make_resident(district))
    response = client.get("/problems/new/", {"territory": district.code, "category": "roads"})
    form = response.context["form"]
    assert form["territory"].value() == district.pk
    assert form["category"].value() == roads.pk


def test_unknown_codes_choose_nothing_on_the_form(client, district):
    enter(client, make_resident(district))
    response = client.get("/problems/new/", {"territory": "nowhere", "category": "nothing"})
    assert response.context["form"]["territory"].value() is None


def test_the_rating_widget_of_an_unrated_organization(client, office):
    html = client.get(f"/embed/organization/{office.slug}/rating/").content.decode()
    assert office.short_title in html
    assert "Not rated yet" in html
    assert "/organizations/rating/?territory=vakhitovsky#organization-district-office" in html


def test_the_rating_widget_shows_the_place_score_and_deadlines_kept(client, office, problem):
    from veche.embeds.queries import place_in_rating

    appeal = problem.current_appeal
    # Overdue: received long ago and never registered, a deadline come and missed.
    appeal.status, appeal.sent_at = "sent", datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    appeal.save(update_fields=["status", "sent_at"])
    place = place_in_rating(office)
    assert (place.position, place.ranked) == (1, 1)
    html = client.get(f"/embed/organization/{office.slug}/rating/").content.decode()
    assert "1 of 1" in html
    assert f">{place.score.score}<" in html
    assert ">0%<" in html  # none of its one deadline kept


# --- The pages the widgets embed ---------------------------------------------------------------


@pytest.fixture
def pages(discussion, district, office):
    return [discussion.get_absolute_url(), district.get_absolute_url(), office.get_absolute_url()]


def test_no_embed_code_is_offered_while_no_site_may_embed(client, pages):
    for url in pages:
        html = client.get(url).content.decode()
        assert "application/json+oembed" not in html, url
        assert "Embed on your site" not in html, url


def test_the_pages_offer_the_code_and_the_discovery_link(client, pages, partner):
    for url in pages:
        html = client.get(url).content.decode()
        assert 'type="application/json+oembed"' in html, url
        assert "http://testserver/oembed?url=http%3A%2F%2Ftestserver" in html, url
        assert "Embed on your site" in html, url
        assert "&lt;iframe src=&quot;http://testserver/embed/" in html, url
        assert "title=&quot;" in html, url
        assert partner.origin in html, url
