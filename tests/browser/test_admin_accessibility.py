"""Every page of the admin, where operators configure and repair the city's Veche, passes
axe-core (WCAG 2.1 A and AA) on the demo city: each model's table, its form for a new row and for
the first row, the pages Veche adds beside them, a history and a deletion's confirmation. Django's
own widgets leave some fields unnamed; Veche names them (veche/admin.js, admin_site.NamesItsCells,
admin/widgets/split_datetime.html), and the names are checked here by role, as a screen reader
finds them."""

from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    axe_violations,
    describe_violations,
    sign_in,
)
from veche.accounts.models import User
from veche.appeals.models import Category, Dispatch
from veche.demo.city import DEMO_PASSWORD, DEMO_TOTP_SECRET
from veche.identity.models import Verification
from veche.organizations.models import Organization
from veche.territories.models import Territory

ADMIN_EMAIL = "admin@demo.veche.example"


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def every_admin_page(administrator) -> list[str]:
    """The admin's index, each application's, and for each model on the site its table, its
    form for a new row where one may be added, and the form of its first row."""
    request = RequestFactory().get("/admin/")
    request.user = administrator
    pages = ["/admin/"]
    for model, model_admin in admin.site._registry.items():
        app_index = reverse("admin:app_list", args=[model._meta.app_label])
        if app_index not in pages:
            pages.append(app_index)
        pages.append(admin_url(model, "changelist"))
        if model_admin.has_add_permission(request):
            pages.append(admin_url(model, "add"))
        first = model_admin.get_queryset(request).order_by("pk").first()
        if first is not None:
            pages.append(admin_url(model, "change", first.pk))
    return pages


def veches_own_pages() -> list[str]:
    """The pages Veche puts beside Django's: who answers (asked and answered), the load turned
    away, the census upload, a verification moved to its owner, a dispatch sent again or to
    another recipient; and Django's history and deletion of one organization."""
    organization = Organization.objects.order_by("pk").first()
    district = Territory.objects.filter(children__isnull=True).order_by("path").first()
    dispatch = Dispatch.objects.order_by("pk").first()
    question = f"category={Category.objects.order_by('pk').first().slug}&territory={district.code}"
    return [
        reverse("admin:appeals_responsibility_who_answers"),
        reverse("admin:appeals_responsibility_who_answers") + "?" + question,
        reverse("admin:core_ratelimit_load"),
        reverse("admin:identity_censusimport_upload"),
        reverse("admin:identity_verification_rebind", args=[Verification.objects.first().pk]),
        reverse("admin:appeals_dispatch_resend", args=[dispatch.pk]),
        reverse("admin:appeals_dispatch_recipient", args=[dispatch.pk]),
        admin_url(Organization, "history", organization.pk),
        admin_url(Organization, "delete", organization.pk),
    ]


def widgets_named(page) -> None:
    """Wait for Select2's boxes to be built and named: on jQuery's ready, which may come after
    the window's load."""
    page.wait_for_load_state("load")
    page.wait_for_function(
        """() => document.querySelectorAll(
            'select.admin-autocomplete:not([name*="__prefix__"])'
        ).length === document.querySelectorAll('[data-veche-named]').length"""
    )


def signed_in_administrator(new_context):
    page = new_context(viewport=DESKTOP).new_page()
    sign_in(page, ADMIN_EMAIL, password=DEMO_PASSWORD, second_factor=True, secret=DEMO_TOTP_SECRET)
    return page


def test_every_admin_page_passes_axe(new_context, demo):
    page = signed_in_administrator(new_context)
    pages = every_admin_page(User.objects.get(email=ADMIN_EMAIL)) + veches_own_pages()
    assert len(pages) > 90  # every model of Veche and of the libraries it registers
    refused, found = [], []
    for path in pages:
        answer = page.goto(path)
        if answer.status != 200:
            refused.append(f"{path}: {answer.status}")
            continue
        widgets_named(page)
        violations = axe_violations(page)
        if violations:
            found.append(describe_violations(violations, path))
    assert not refused, "\n".join(refused)
    assert not found, "\n\n".join(found)


def test_the_admins_widgets_have_names_a_screen_reader_finds(new_context, demo):
    """What axe asks for, by the names: an autocomplete's box says its field and then its
    choice, a filter box's hint is an image, a cell of an inline row is named by its column, a
    date's and a time's boxes by their labels; on a phone too, and in a row added in the page."""
    desktop = signed_in_administrator(new_context)
    phone = new_context(viewport=PHONE, storage_state=desktop.context.storage_state()).new_page()
    organization = Organization.objects.filter(memberships__isnull=False).order_by("pk").first()
    for page in (desktop, phone):
        page.goto(admin_url(Organization, "change", organization.pk))
        widgets_named(page)
        parent = page.get_by_role("combobox", name="Вышестоящая организация")
        assert parent.count() == 1
        assert page.locator(".search-label-icon[role=img]").count() == 2
        memberships = organization.memberships.count()
        assert page.get_by_role("textbox", name="Должность", exact=True).count() == memberships
        assert page.get_by_role("checkbox", name="Удалить", exact=True).count() == memberships
        # A row added in the page: its account's box is named by its column too.
        page.locator(".add-row a").click()
        widgets_named(page)
        people = page.get_by_role("combobox", name="Пользователь")
        assert people.count() == memberships + 1
        assert page.get_by_role("textbox", name="Должность", exact=True).count() == memberships + 1
        violations = axe_violations(page)
        assert not violations, describe_violations(violations, f"{page.url} with a row added")

    user = User.objects.get(email=ADMIN_EMAIL)
    desktop.goto(admin_url(User, "change", user.pk))
    assert desktop.get_by_label("Дата:").count() == 2  # the last sign-in and the sign-up
    assert desktop.get_by_label("Время:").count() == 2
    desktop.get_by_label("Дата:").first.fill("2026-12-01")
    assert desktop.locator("#id_last_login_0").input_value() == "2026-12-01"
