"""Only the widgets may be framed, and only by the sites an operator listed: every other page,
and the widgets while no site is listed, say `frame-ancestors 'none'` and X-Frame-Options DENY."""

import pytest

from veche.embeds.tests.conftest import PARTNER

pytestmark = pytest.mark.django_db


def _frame_ancestors(response) -> str:
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    return policy["frame-ancestors"]


@pytest.fixture
def widget_urls(discussion, district, office):
    return [
        f"/embed/discussion/{discussion.pk}/",
        f"/embed/report/{district.code}/",
        f"/embed/organization/{office.slug}/rating/",
    ]


def test_widgets_may_be_framed_by_nobody_while_no_site_is_listed(client, widget_urls):
    for url in widget_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _frame_ancestors(response) == "'none'"
        assert response["X-Frame-Options"] == "DENY"


def test_widgets_may_be_framed_by_the_listed_sites(client, widget_urls, partner):
    for url in widget_urls:
        response = client.get(url)
        assert _frame_ancestors(response) == PARTNER
        assert "X-Frame-Options" not in response


def test_a_widget_keeps_the_rest_of_the_policy(client, widget_urls, partner):
    policy = client.get(widget_urls[0])["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "object-src 'none'" in policy


def test_every_other_page_stays_unframeable_with_a_site_listed(
    client, discussion, district, office, partner
):
    for url in (
        "/",
        discussion.get_absolute_url(),
        district.get_absolute_url(),
        office.get_absolute_url(),
        "/organizations/rating/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _frame_ancestors(response) == "'none'", url
        assert response["X-Frame-Options"] == "DENY", url


def test_a_missing_widget_is_not_found(client, partner):
    assert client.get("/embed/discussion/999999/").status_code == 404
    assert client.get("/embed/report/nowhere/").status_code == 404
    assert client.get("/embed/organization/nobody/rating/").status_code == 404


def test_a_draft_discussion_has_no_widget(client, district, office):
    from tests.factories import make_discussion

    draft = make_discussion(territory=district, organizer=office, publish=False)
    assert client.get(f"/embed/discussion/{draft.pk}/").status_code == 404


def test_widgets_vary_by_language(client, widget_urls):
    assert "Accept-Language" in client.get(widget_urls[0])["Vary"]
