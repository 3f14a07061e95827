"""Applying for an organization's cabinet: a verified person files an application, at most one
per OGRN waits at a time; a platform administrator approves it, which creates the organization,
its jurisdiction and the applicant's membership as head, or refuses it with a reason; the
applicant hears of the decision; every step is audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import make_organization, make_territory, make_user
from tests.pictures import assert_clean_upright, camera_jpeg
from tests.sign_in import enter
from veche.cabinet import services
from veche.cabinet.tests.registration import (  # noqa: F401 (a fixture)
    application_details,
    file_application,
    form_data,
    letters_at_once_in_english,
    make_reviewer,
    valid_ogrn,
)
from veche.core.models import AuditEvent
from veche.identity.models import Level
from veche.organizations.models import CabinetApplication, Membership, Organization
from veche.organizations.rules import holds_role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("letters_at_once_in_english")]
Status = CabinetApplication.Status


@pytest.fixture
def territory():
    return make_territory("vakhitovsky", en="Vakhitovsky District")


@pytest.fixture
def applicant(territory):
    from tests.factories import make_resident

    return make_resident(territory, first_name="Тимур", last_name="Гарипов")


def logo_from_a_phone() -> SimpleUploadedFile:
    return SimpleUploadedFile("logo.jpg", camera_jpeg(), content_type="image/jpeg")


# --- Filing ---------------------------------------------------------------------------------


def test_a_verified_person_files_an_application_through_the_form(client, applicant, territory):
    enter(client, applicant)
    page = client.get(reverse("cabinet:apply"))
    assert page.status_code == 200
    # The head's name is the applicant's own, offered from the profile.
    assert "Гарипов Тимур" in page.content.decode()
    data = form_data(territory, logo=logo_from_a_phone())
    answer = client.post(reverse("cabinet:apply"), data)
    application = CabinetApplication.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("cabinet:application", args=[application.pk])
    assert application.applicant == applicant
    assert application.status == Status.PENDING
    assert application.name == {"ru": data["name_ru"], "en": data["name_en"]}
    assert application.ogrn == data["ogrn"]
    assert list(application.jurisdiction.all()) == [territory]
    # The logo is kept through the picture guard: re-encoded without what the camera wrote.
    assert_clean_upright(application.logo.read())
    assert AuditEvent.objects.filter(
        action="organization.cabinet_applied", object_id=str(application.pk)
    ).exists()


def test_a_person_confirmed_by_e_mail_only_is_sent_to_confirm_their_identity(client):
    person = make_user()
    enter(client, person)
    page = client.get(reverse("cabinet:apply"))
    assert page.status_code == 403
    assert reverse("identity:mine") in page.content.decode()
    assert client.post(reverse("cabinet:apply"), form_data(make_territory())).status_code == 403
    with pytest.raises(PermissionDenied):
        file_application(person)
    assert not CabinetApplication.objects.exists()


def test_a_phone_confirmed_person_may_apply(territory):
    from tests.factories import make_resident

    person = make_resident(territory, level=Level.PHONE)
    assert file_application(person, territory=territory).status == Status.PENDING


def test_the_form_says_what_is_wrong_with_the_ogrn(client, applicant, territory):
    enter(client, applicant)
    good = valid_ogrn()
    typo = good[:-1] + str((int(good[-1]) + 1) % 10)
    page = client.post(reverse("cabinet:apply"), form_data(territory, ogrn=typo))
    assert page.status_code == 400
    assert "does not match the others: check it for a typo" in page.content.decode()
    page = client.post(reverse("cabinet:apply"), form_data(territory, ogrn="12345"))
    assert "An OGRN has 13 digits (an OGRNIP of an entrepreneur 15); this one has 5." in (
        page.content.decode()
    )
    assert not CabinetApplication.objects.exists()


def test_the_form_reads_an_ogrn_typed_in_groups(client, applicant, territory):
    enter(client, applicant)
    ogrn = valid_ogrn()
    grouped = f"{ogrn[:1]} {ogrn[1:3]}-{ogrn[3:5]} {ogrn[5:]}"
    assert client.post(reverse("cabinet:apply"), form_data(territory, ogrn=grouped)).status_code
    assert CabinetApplication.objects.get().ogrn == ogrn


def test_the_form_is_in_russian_with_russian_errors(client, applicant, territory):
    enter(client, applicant)
    page = client.post(
        reverse("cabinet:apply"),
        form_data(territory, ogrn="", kind="ngo", appeals_email="не адрес"),
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    text = page.content.decode()
    assert "Заявка на служебный кабинет" in text
    assert "Исправьте поля, отмеченные ниже." in text
    assert "Введите правильный адрес электронной почты." in text


def test_only_a_deputy_applies_without_an_ogrn(applicant, territory):
    with pytest.raises(ValidationError) as refused:
        file_application(applicant, territory=territory, kind="ngo", ogrn="")
    assert "ogrn" in refused.value.error_dict
    deputy = file_application(applicant, territory=territory, kind="deputy", ogrn="")
    assert deputy.status == Status.PENDING


def test_one_application_per_ogrn_waits_at_a_time(applicant, territory):
    from tests.factories import make_resident

    ogrn = valid_ogrn()
    file_application(applicant, territory=territory, ogrn=ogrn)
    colleague = make_resident(territory)
    with pytest.raises(ValidationError) as refused:
        file_application(colleague, territory=territory, ogrn=ogrn)
    assert refused.value.message_dict["ogrn"] == [
        "An application with this OGRN is already awaiting review."
    ]


def test_the_unique_constraint_holds_one_pending_per_ogrn_even_past_the_service(applicant):
    from django.db import IntegrityError, transaction

    first = file_application(applicant)
    with pytest.raises(IntegrityError), transaction.atomic():
        CabinetApplication.objects.create(
            applicant=applicant, **application_details(ogrn=first.ogrn)
        )


def test_an_organization_already_on_veche_cannot_apply_again(applicant, territory):
    ogrn = valid_ogrn()
    existing = make_organization()
    existing.ogrn = ogrn
    existing.save()
    with pytest.raises(ValidationError) as refused:
        file_application(applicant, territory=territory, ogrn=ogrn)
    assert refused.value.message_dict["ogrn"] == [
        "An organization with this OGRN already has a cabinet on Veche."
    ]


def test_after_a_refusal_the_organization_may_apply_again(applicant, territory):
    reviewer = make_reviewer()
    first = file_application(applicant, territory=territory)
    services.refuse_application(user=reviewer, application=first, reason="Нет печати.")
    again = file_application(applicant, territory=territory, ogrn=first.ogrn)
    assert again.status == Status.PENDING


def test_reviewers_hear_of_a_new_application(applicant, django_capture_on_commit_callbacks):
    reviewer = make_reviewer()
    bystander = make_user(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        application = file_application(applicant)
    [notice] = reviewer.notifications.filter(kind="cabinet_application_filed")
    assert notice.title == f"Новая заявка на кабинет: {application.name['ru']}"
    assert notice.url == reverse("cabinet:application", args=[application.pk])
    assert not bystander.notifications.exists()
    assert not applicant.notifications.filter(kind="cabinet_application_filed").exists()


# --- Deciding -------------------------------------------------------------------------------


def test_approval_creates_the_organization_its_jurisdiction_and_its_head(
    applicant, territory, django_capture_on_commit_callbacks, mailoutbox
):
    reviewer = make_reviewer()
    application = file_application(applicant, territory=territory)
    with django_capture_on_commit_callbacks(execute=True):
        organization = services.approve_application(
            user=reviewer, application=application, slug="vodokanal"
        )
    organization.refresh_from_db()
    assert organization.slug == "vodokanal"
    assert organization.name == application.name
    assert organization.ogrn == application.ogrn
    assert organization.kind == application.kind
    assert organization.dispatch_email == application.appeals_email
    assert organization.postal_address == application.postal_address
    assert organization.signatory_title == {"ru": "Директор"}
    assert list(organization.jurisdiction.all()) == [territory]
    head = Membership.objects.get(organization=organization)
    assert (head.user, head.role, head.position) == (applicant, "head", "Директор")
    assert holds_role(applicant, organization, roles="head")
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    assert application.organization == organization
    assert application.decided_by == reviewer
    event = AuditEvent.objects.get(action="organization.application_approved")
    assert event.actor == reviewer
    assert event.data == {"organization": organization.pk, "membership": head.pk}
    [notice] = applicant.notifications.filter(kind="cabinet_application_approved")
    # In the applicant's language (Russian, the site's), the name too, whatever the reviewer's.
    assert notice.title == f"Кабинет открыт: {application.name['ru']}"
    assert [m.to for m in mailoutbox if notice.title in m.subject] == [[applicant.email]]


def test_approval_through_the_page_takes_the_suggested_code(client, applicant, territory):
    reviewer = make_reviewer()
    application = file_application(applicant, territory=territory)
    enter(client, reviewer)
    page = client.get(reverse("cabinet:application", args=[application.pk]))
    assert page.status_code == 200
    assert 'value="vodokanal-' in page.content.decode()  # from the English name
    slug = page.context["approval"].initial["slug"]
    answer = client.post(reverse("cabinet:approve", args=[application.pk]), {"slug": slug})
    assert answer.status_code == 302
    assert Organization.objects.get(slug=slug).application == application


def test_a_code_already_taken_is_refused_on_the_form(client, applicant):
    make_organization("vodokanal")
    reviewer = make_reviewer()
    application = file_application(applicant)
    enter(client, reviewer)
    page = client.post(reverse("cabinet:approve", args=[application.pk]), {"slug": "vodokanal"})
    assert page.status_code == 400
    assert "This code is taken by another organization." in page.content.decode()
    application.refresh_from_db()
    assert application.status == Status.PENDING


def test_a_refusal_needs_a_reason_which_the_applicant_reads(
    client, applicant, django_capture_on_commit_callbacks
):
    reviewer = make_reviewer()
    application = file_application(applicant)
    enter(client, reviewer)
    url = reverse("cabinet:refuse", args=[application.pk])
    assert client.post(url, {"reason": "  "}).status_code == 400
    application.refresh_from_db()
    assert application.status == Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            client.post(url, {"reason": "ОГРН принадлежит другой организации."}).status_code == 302
        )
    application.refresh_from_db()
    assert application.status == Status.REFUSED
    assert application.reason == "ОГРН принадлежит другой организации."
    assert not Organization.objects.exists()
    assert AuditEvent.objects.filter(action="organization.application_refused").count() == 1
    [notice] = applicant.notifications.filter(kind="cabinet_application_refused")
    assert notice.title == f"В заявке на кабинет отказано: {application.name['ru']}"
    assert "ОГРН принадлежит другой организации." in notice.body
    # The applicant reads the reason on the application's page.
    enter(client, applicant)
    page = client.get(reverse("cabinet:application", args=[application.pk]))
    assert "ОГРН принадлежит другой организации." in page.content.decode()


def test_a_decided_application_is_not_decided_again(applicant):
    reviewer = make_reviewer()
    application = file_application(applicant)
    services.approve_application(user=reviewer, application=application, slug="first")
    with pytest.raises(ValidationError):
        services.approve_application(user=reviewer, application=application, slug="second")
    with pytest.raises(ValidationError):
        services.refuse_application(user=reviewer, application=application, reason="Поздно.")
    assert Organization.objects.count() == 1
    assert Membership.objects.count() == 1


def test_nobody_decides_their_own_application_not_even_a_superuser(territory):
    from tests.factories import make_resident

    superuser = make_resident(territory, is_staff=True, is_superuser=True)
    application = file_application(superuser, territory=territory)
    with pytest.raises(PermissionDenied):
        services.approve_application(user=superuser, application=application, slug="mine")
    with pytest.raises(PermissionDenied):
        services.refuse_application(user=superuser, application=application, reason="Сам.")


def test_the_reviewers_list_shows_pending_and_decided_applications(client, applicant):
    reviewer = make_reviewer()
    pending = [file_application(applicant) for _ in range(3)]
    decided = file_application(applicant)
    services.refuse_application(user=reviewer, application=decided, reason="Нет.")
    enter(client, reviewer)
    page = client.get(reverse("cabinet:applications"))
    assert page.status_code == 200
    assert [a.pk for a in page.context["pending"]] == [a.pk for a in pending]
    assert [a.pk for a in page.context["decided"]] == [decided.pk]


def queries_of(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_reviewers_list_reads_as_many_rows_in_as_many_queries(client, applicant):
    reviewer = make_reviewer()
    enter(client, reviewer)
    for _ in range(2):
        services.refuse_application(
            user=reviewer, application=file_application(applicant), reason="Нет."
        )
    file_application(applicant)
    queries_of(client, reverse("cabinet:applications"))  # the session's first checks, once
    few = queries_of(client, reverse("cabinet:applications"))
    for _ in range(4):
        file_application(applicant)
        services.refuse_application(
            user=reviewer, application=file_application(applicant), reason="Нет."
        )
    # The new rows' territories make the header's kept list of them stale: read it once.
    queries_of(client, reverse("cabinet:applications"))
    assert queries_of(client, reverse("cabinet:applications")) == few


def test_the_list_of_organizations_invites_organizations_to_apply_and_reviewers_to_review(
    client, applicant
):
    file_application(applicant)
    page = client.get(reverse("organizations:list")).content.decode()
    assert reverse("cabinet:apply") in page
    assert reverse("cabinet:applications") not in page
    enter(client, make_reviewer())
    page = client.get(reverse("organizations:list")).content.decode()
    assert "1 application for a cabinet is waiting for review" in page


# --- Personal data --------------------------------------------------------------------------


def test_the_export_holds_the_applications_the_person_filed(applicant):
    from veche.accounts.services import export_personal_data

    application = file_application(applicant)
    exported = export_personal_data(user=applicant)["cabinet_applications"]
    assert [entry["ogrn"] for entry in exported] == [application.ogrn]
    assert exported[0]["status"] == "pending"


def test_erasure_withdraws_a_pending_application_and_keeps_a_decided_one(
    applicant, django_capture_on_commit_callbacks
):
    from veche.accounts.services import erase_account

    reviewer = make_reviewer()
    decided = file_application(applicant)
    services.approve_application(user=reviewer, application=decided, slug="kept")
    pending = file_application(applicant)
    office = Organization.objects.get(slug="kept")
    invitation = services.invite_staff(
        user=applicant, organization=office, email=applicant.email.upper(), role="expert"
    )
    with django_capture_on_commit_callbacks(execute=True):
        erase_account(user=applicant)
    assert not CabinetApplication.objects.filter(pk=pending.pk).exists()
    assert CabinetApplication.objects.get(pk=decided.pk).status == Status.APPROVED
    assert not type(invitation).objects.filter(pk=invitation.pk).exists()
    assert AuditEvent.objects.filter(
        action="organization.application_withdrawn", object_id=str(pending.pk)
    ).exists()
