"""A demo citizen proves who she is through the demo national ID over real OpenID Connect, and
is then refused an action reserved for another district, with the reason shown."""

import datetime

from playwright.sync_api import expect

from tests import idp_fixture
from tests.factories import make_problem
from veche.demo.loader import load_people_and_places
from veche.identity.eligibility import age_on
from veche.identity.models import IdentityProvider
from veche.identity.services import save_identity_provider
from veche.territories.models import Territory

demo_idp = idp_fixture.demo_idp


def test_citizen_signs_in_with_national_id_and_is_refused_in_another_district(
    page, live_server, demo_idp, axe, transactional_db
):
    load_people_and_places()  # the provider, the districts, the people; no more is needed
    provider = IdentityProvider.objects.get(slug="demo-esia")
    provider.issuer, provider.client_secret = demo_idp.issuer, demo_idp.client_secret
    save_identity_provider(provider=provider)
    sovetsky = Territory.objects.get(code="kazan-sovetsky")
    elsewhere = make_problem(territory=sovetsky, title="Нет пандуса у поликлиники на Сахарова")
    page.context.add_cookies([{"name": "veche_language", "value": "en", "url": live_server.url}])

    page.goto("/accounts/login/")
    axe(page, "sign-in page with the provider")
    page.locator('a[href^="/accounts/oidc/demo-esia/login/"]').first.click()
    # allauth asks to continue with a POST (a GET never starts a sign-in), then the browser goes
    # to the provider: discovery, authorization request with PKCE, state and nonce.
    page.locator('main form.form button[type="submit"]').click()
    page.wait_for_url(f"{demo_idp.base_url}/**")
    page.locator('form:has(input[name="username"][value="safina"]) button').click()
    page.locator('button[name="allow"]').click()

    # Back at Veche: code exchanged for tokens, ID token checked, userinfo read. Before the
    # first page, Veche asks its own consent to processing (the provider's only let it pass).
    page.wait_for_url(f"{live_server.url}/accounts/consent/**")
    axe(page, "consent to processing")
    page.locator('input[name="consent_processing"]').check()
    page.locator('main form.form button[type="submit"]').click()
    page.wait_for_url(f"{live_server.url}/accounts/profile/")
    page.goto("/verification/")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Сафина Алсу Ринатовна")
    years = age_on(datetime.date(1990, 4, 12), datetime.date.today())
    expect(facts).to_contain_text(f"{years} years")
    expect(facts).to_contain_text("Vakhitovsky District")
    axe(page, "my verification")

    page.goto(elsewhere.get_absolute_url())
    reason = page.locator(".sign-box .notice")
    expect(reason).to_contain_text(
        "You must live in Sovetsky District; your verified address is in Vakhitovsky District."
    )
    expect(page.locator(f'form[action="/problems/{elsewhere.pk}/sign/"]')).to_have_count(0)
    axe(page, "appeal in another district")
