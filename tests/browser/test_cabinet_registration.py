"""An organization comes to Veche in the browser: the director of a municipal water company, a
verified resident, applies for its cabinet from the list of organizations; a platform
administrator finds the application there and approves it; the director, now its head, sets up
the second factor his role needs and invites a specialist by e-mail; she signs up with the
invited address, confirms it, accepts the invitation and works in the cabinet. Letters go
through a real SMTP server; each page passes axe and is photographed on a phone and a desktop."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, save_screenshot, sign_in
from tests.factories import PASSWORD, make_resident, make_territory
from tests.pictures import camera_jpeg
from tests.sign_in import code_to_type, with_second_factor
from veche.cabinet.tests.registration import make_reviewer, valid_ogrn
from veche.core.models import AuditEvent
from veche.organizations.models import CabinetApplication, Invitation, Membership, Organization
from veche.territories.models import Territory

DIRECTOR = "garipov@vodokanal-kazan.example"
SPECIALIST = "safina@vodokanal-kazan.example"
REVIEWER = "operator@veche.example"
NAME = "МУП «Водоканал» г. Казани"
INVITATION_LINK = re.compile(r"https?://\S+?(/cabinet/invitations/[^\s/]+/)")
CONFIRMATION_LINK = re.compile(r"https?://\S+?(/accounts/confirm-email/[^\s/]+/)")


@pytest.fixture
def immediate_letters(settings):
    # The outbox's letters go as soon as the change commits, through the SMTP server.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def mail_text(message) -> str:
    return message.get_body(preferencelist=("plain", "html")).get_content()


def letter_to(smtp_server, address: str, count: int):
    messages = smtp_server.wait_for(count)
    return [m for m in messages if m["To"] == address][-1]


def expect_success(page) -> None:
    expect(page.locator(".message--error")).to_have_count(0)
    expect(page.locator(".message--success")).to_have_count(1)


def photograph(page, name: str) -> None:
    """The page as it is, on a desktop and on a phone (for the README and for looking at)."""
    save_screenshot(page, f"{name}-desktop")
    page.set_viewport_size(PHONE)
    save_screenshot(page, f"{name}-phone")
    page.set_viewport_size(DESKTOP)


def set_up_second_factor(page) -> None:
    """A person who has just got a staff role is sent to set up an authenticator app: the
    password again if the sign-in was long ago, then the code of the app."""
    page.wait_for_url(re.compile(r".*/accounts/(reauthenticate|2fa/totp/activate)/.*"))
    if "/accounts/reauthenticate/" in page.url:
        page.locator('main input[name="password"]').fill(PASSWORD)
        page.locator('main form button[type="submit"]').first.click()
        page.wait_for_url("**/accounts/2fa/totp/activate/**")
    secret = page.locator("#authenticator_secret").input_value()
    page.locator('main input[name="code"]').fill(code_to_type(secret))
    page.locator('main form button[type="submit"]').first.click()
    page.wait_for_url(lambda url: "/accounts/2fa/totp/activate/" not in url)


def test_an_organization_applies_is_approved_and_its_head_invites_a_specialist(
    new_context, live_server, smtp_server, immediate_letters, axe, transactional_db
):
    city = make_territory("kazan", kind=Territory.Kind.CITY, ru="Казань", en="Kazan")
    district = make_territory(
        "kazan-vakhitovsky", parent=city, ru="Вахитовский район", en="Vakhitovsky District"
    )
    make_resident(
        district,
        email=DIRECTOR,
        last_name="Гарипов",
        first_name="Тимур",
        patronymic="Рустемович",
    )
    with_second_factor(make_reviewer(email=REVIEWER, last_name="Операторова"))
    ogrn = valid_ogrn(58177)

    # --- The director applies for the cabinet, from the list of organizations ----------------
    director = sign_in(new_context(viewport=DESKTOP).new_page(), DIRECTOR)
    director.goto("/organizations/")
    axe(director, "list of organizations")
    photograph(director, "organizations-ru")
    director.locator("main").get_by_role("link", name="Подать заявку на кабинет").click()
    director.wait_for_url("**/cabinet/apply/")
    expect(director.locator("h1")).to_have_text("Заявка на служебный кабинет")
    form = director.locator("main form.application-form")
    # The head's name comes from the profile.
    expect(form.locator('[name="head_name"]')).to_have_value("Гарипов Тимур Рустемович")
    axe(director, "application form")
    photograph(director, "cabinet-apply-ru")
    form.locator('[name="name_ru"]').fill(NAME)
    form.locator('[name="name_en"]').fill("Vodokanal of Kazan municipal company")
    form.locator('[name="short_name"]').fill("Водоканал")
    form.locator('[name="kind"]').select_option("municipal_company")
    # A typo in the OGRN is caught, with the reason, and the rest of the form is kept.
    form.locator('[name="ogrn"]').fill(ogrn[:-1] + str((int(ogrn[-1]) + 1) % 10))
    form.locator(f'[name="jurisdiction"][value="{city.pk}"]').check()
    form.locator('[name="appeals_email"]').fill("priemnaya@vodokanal-kazan.example")
    form.locator('[name="head_position"]').fill("Генеральный директор")
    form.locator('[name="postal_address"]').fill("420111, г. Казань, ул. Кремлёвская, д. 5")
    form.locator('[name="phone"]').fill("+7 843 231-62-00")
    form.locator('button[type="submit"]').click()
    expect(form.locator(".field--error")).to_have_count(1)
    expect(form.locator(".field--error")).to_contain_text("проверьте, нет ли опечатки")
    expect(form.locator('[name="name_ru"]')).to_have_value(NAME)
    axe(director, "application form with an error")
    form.locator('[name="ogrn"]').fill(f"{ogrn[:1]} {ogrn[1:5]} {ogrn[5:]}")  # grouped, as typed
    expect(form.locator(f'[name="jurisdiction"][value="{city.pk}"]')).to_be_checked()
    form.locator('[name="logo"]').set_input_files(
        {"name": "logo.jpg", "mimeType": "image/jpeg", "buffer": camera_jpeg()}
    )
    form.locator('button[type="submit"]').click()
    director.wait_for_url(re.compile(r".*/cabinet/applications/\d+/$"))
    expect_success(director)
    expect(director.locator("main")).to_contain_text("Ждёт рассмотрения")
    application = CabinetApplication.objects.get()
    assert application.ogrn == ogrn
    axe(director, "the applicant's view of the application")

    # --- The administrator finds it and approves it -------------------------------------------
    reviewer = sign_in(new_context(viewport=DESKTOP).new_page(), REVIEWER, second_factor=True)
    reviewer.goto("/organizations/")
    reviewer.get_by_role("link", name="1 заявка на кабинет ждёт рассмотрения").click()
    reviewer.wait_for_url("**/cabinet/applications/")
    axe(reviewer, "applications for a cabinet")
    photograph(reviewer, "cabinet-applications-ru")
    reviewer.get_by_role("link", name=NAME).click()
    expect(reviewer.locator("main")).to_contain_text(ogrn)
    expect(reviewer.locator("main img.application-logo")).to_be_visible()
    axe(reviewer, "application under review")
    photograph(reviewer, "cabinet-application-review-ru")
    approve = reviewer.locator(f'form[action="/cabinet/applications/{application.pk}/approve/"]')
    expect(approve.locator('[name="slug"]')).to_have_value("vodokanal-of-kazan-municipal-company")
    approve.locator('[name="slug"]').fill("vodokanal-kazan")
    approve.locator('button[type="submit"]').click()
    reviewer.wait_for_url("**/cabinet/applications/")
    expect_success(reviewer)
    organization = Organization.objects.get(slug="vodokanal-kazan")
    assert organization.ogrn == ogrn
    assert list(organization.jurisdiction.all()) == [city]

    # The director hears of it by e-mail, in Russian.
    decision = letter_to(smtp_server, DIRECTOR, 1)
    assert "Кабинет открыт" in decision["Subject"]

    # --- The director, now head, sets up the second factor and invites a specialist ------------
    director.goto("/cabinet/staff/")
    set_up_second_factor(director)
    director.goto("/cabinet/staff/")
    expect(director.locator("h1")).to_have_text(NAME)
    invite = director.locator('form[action="/cabinet/staff/vodokanal-kazan/invite/"]')
    invite.locator('[name="email"]').fill(SPECIALIST)
    invite.locator('[name="role"]').select_option("official")
    invite.locator('[name="position"]').fill("Главный специалист по работе с обращениями")
    invite.locator('button[type="submit"]').click()
    expect_success(director)
    expect(director.locator("main")).to_contain_text(SPECIALIST)
    axe(director, "staff page with a pending invitation")
    photograph(director, "cabinet-staff-ru")

    letter = letter_to(smtp_server, SPECIALIST, 2)
    link = INVITATION_LINK.search(mail_text(letter)).group(1)

    # --- The specialist signs up with the invited address and accepts, on her phone ------------
    specialist = new_context(viewport=PHONE).new_page()
    specialist.goto(link)
    expect(specialist.locator("main h2")).to_have_text(NAME)
    axe(specialist, "invitation page")
    save_screenshot(specialist, "cabinet-invitation-ru-phone")
    specialist.locator("main").get_by_role("link", name="Зарегистрироваться").click()
    signup = specialist.locator('form[action^="/accounts/signup/"]')
    signup.locator('input[name="email"]').fill(SPECIALIST)
    signup.locator('input[name="password1"]').fill(PASSWORD)
    signup.locator('input[name="password2"]').fill(PASSWORD)
    for consent in signup.locator('input[type="checkbox"][required]').all():
        consent.check()
    signup.locator('button[type="submit"]').click()
    specialist.wait_for_url("**/accounts/confirm-email/**")
    confirmation = letter_to(smtp_server, SPECIALIST, 3)
    specialist.goto(CONFIRMATION_LINK.search(mail_text(confirmation)).group(1))
    specialist.locator('main form[method="post"] button[type="submit"]').click()
    specialist.wait_for_url("**/accounts/login/**")
    login = specialist.locator('form[action^="/accounts/login/"]')
    login.locator('input[name="login"]').fill(SPECIALIST)
    login.locator('input[name="password"]').fill(PASSWORD)
    login.locator('button[type="submit"]').click()
    specialist.wait_for_url(lambda url: "/accounts/login/" not in url)
    specialist.goto(link)
    specialist.get_by_role("button", name="Принять приглашение").click()
    # An official's role needs a second factor: she sets it up and lands in the cabinet.
    set_up_second_factor(specialist)
    specialist.goto("/cabinet/")
    expect(specialist.locator(".cabinet-nav")).to_be_visible()
    expect(specialist.locator("main h1")).to_have_text(NAME)

    membership = Membership.objects.get(user__email=SPECIALIST)
    assert (membership.organization, membership.role) == (organization, "official")
    assert Invitation.objects.get().status == Invitation.Status.ACCEPTED
    # The link worked once: opened again, it offers nothing.
    specialist.goto(link)
    expect(specialist.get_by_role("button", name="Принять приглашение")).to_have_count(0)

    # The head sees her among the members; every step is in the audit log.
    director.goto("/cabinet/staff/")
    expect(director.locator("main table").first).to_contain_text(SPECIALIST)
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "organization.cabinet_applied",
        "organization.application_approved",
        "organization.staff_invited",
        "organization.invitation_accepted",
    }
