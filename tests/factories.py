"""Test data builders shared by every app's tests (one cast, healthchecks' `hc/test.py` way)."""

import itertools

from veche.accounts.models import User
from veche.accounts.services import ensure_account
from veche.organizations.models import Membership, Organization
from veche.territories.models import Territory

_sequence = itertools.count(1)

PASSWORD = "correct-horse-battery-9"


def make_territory(
    code: str | None = None,
    *,
    parent: Territory | None = None,
    kind: str = Territory.Kind.DISTRICT,
    ru: str | None = None,
    en: str | None = None,
) -> Territory:
    number = next(_sequence)
    code = code or f"territory-{number}"
    return Territory.objects.create(
        code=code,
        parent=parent,
        kind=kind,
        name={"ru": ru or f"Территория {number}", "en": en or f"Territory {number}"},
    )


def make_organization(
    slug: str | None = None,
    *,
    parent: Organization | None = None,
    jurisdiction: list[Territory] = (),
    kind: str = Organization.Kind.AUTHORITY,
    ru: str | None = None,
    en: str | None = None,
) -> Organization:
    number = next(_sequence)
    organization = Organization.objects.create(
        slug=slug or f"organization-{number}",
        parent=parent,
        kind=kind,
        name={"ru": ru or f"Организация {number}", "en": en or f"Organization {number}"},
        dispatch_email=f"org{number}@example.org",
        postal_address=f"ул. Тестовая, {number}",
    )
    organization.jurisdiction.set(jurisdiction)
    return organization


def make_user(email: str | None = None, *, password: str = PASSWORD, **fields) -> User:
    # People in tests have signed up, which records their consent to processing.
    fields.setdefault("processing_consent", True)
    user, _ = ensure_account(
        email=email or f"person{next(_sequence)}@example.org", password=password, **fields
    )
    return user


def make_staff(organization: Organization, role: str = Membership.Role.OFFICIAL, **fields) -> User:
    user = make_user(**fields)
    Membership.objects.create(user=user, organization=organization, role=role)
    return user


def make_resident(
    territory: Territory, *, level: int | None = None, birthdate=None, **fields
) -> User:
    """A person verified (by default through the census) as living in `territory`."""
    import datetime

    from veche.identity.models import Level, Verification
    from veche.identity.services import record_verification

    user = make_user(**{"last_name": "Жителев", "first_name": "Иван", **fields})
    record_verification(
        user=user,
        level=level or Level.CENSUS,
        source=Verification.Source.CENSUS,
        source_reference="tests",
        # The verified name is what signatures carry: the profile's name as verified.
        claims={
            key: value
            for key, value in (
                ("family_name", user.last_name),
                ("given_name", user.first_name),
                ("middle_name", user.patronymic),
            )
            if value
        },
        birthdate=birthdate or datetime.date(1980, 1, 1),
        territory=territory,
    )
    return user


def make_category(slug: str = "roads"):
    from veche.appeals.models import Category

    category, _ = Category.objects.get_or_create(
        slug=slug, defaults={"name": {"ru": slug.capitalize(), "en": slug.capitalize()}}
    )
    return category


APPEAL_TEXT = (
    "Просим отремонтировать дорожное покрытие во дворе дома: ямы глубиной до 20 сантиметров "
    "мешают проезду машин скорой помощи и опасны для детей."
)


def make_problem(
    *,
    author=None,
    organization=None,
    territory=None,
    threshold: int | None = None,
    title: str = "Ямы во дворе дома 5 по улице Пушкина",
    text: str = APPEAL_TEXT,
    description: str = "Проблема появилась весной и с каждым днём всё хуже.",
):
    """A published problem with its appeal collecting signatures (through the service)."""
    from veche.appeals.models import AppealPolicy
    from veche.appeals.services import publish_problem

    territory = territory or make_territory()
    organization = organization or make_organization(jurisdiction=[territory])
    if threshold is not None:
        AppealPolicy.objects.update_or_create(
            organization=organization, defaults={"signature_threshold": threshold}
        )
    author = author or make_resident(territory)
    return publish_problem(
        author=author,
        title=title,
        description=description,
        category=make_category(),
        territory=territory,
        organization=organization,
        appeal_text=text,
    )


def make_appeal(
    *,
    author=None,
    organization=None,
    territory=None,
    status: str = "collecting",
    title: str = "Ямы во дворе дома 5 по улице Пушкина",
    description: str = "Проблема появилась весной и с каждым днём всё хуже.",
    address: str = "",
    text: str = APPEAL_TEXT,
    threshold: int = 50,
    started=None,
    **fields,
):
    """An appeal in any state (`fields` set the rest of the appeal: dates, numbers, counts), with
    its published problem and first revision, stored directly: no service, no audit row, no
    signature. For lists, notices and documents, where how it reached the state does not
    matter; `make_problem` goes through the services. `started`: when it was published."""
    from django.utils import timezone

    from veche.appeals.models import Appeal, Problem, Revision
    from veche.appeals.participants import number_of

    started = started or timezone.now()
    author = author or make_user()
    territory = territory or make_territory()
    problem = Problem.objects.create(
        author=author,
        title=title,
        description=description,
        category=make_category(),
        territory=territory,
        address=address,
        status=Problem.Status.PUBLISHED,
        published_at=started,
        created_at=started,
    )
    appeal = Appeal.objects.create(
        problem=problem,
        organization=organization or make_organization(jurisdiction=[territory]),
        status=status,
        signature_threshold=threshold,
        created_at=started,
        **fields,
    )
    problem.current_appeal = appeal
    problem.save(update_fields=["current_appeal"])
    number_of(problem.pk, author.pk)
    Revision.objects.create(appeal=appeal, number=1, text=text, author=author, created_at=started)
    return appeal


def make_signature(appeal, user=None, *, withdrawn: bool = False, **fields):
    """The person's signature (a new person's by default) under the appeal's latest revision,
    stored directly: no eligibility check, and the appeal's count is left as it is. The person
    gets their participant number on the problem, as signing gives it."""
    from django.utils import timezone

    from veche.appeals.models import Signature
    from veche.appeals.participants import number_of

    user = user or make_user()
    number_of(appeal.problem_id, user.pk)
    fields.setdefault("full_name", user.full_name or user.email)
    fields.setdefault("postal_address", "420111, Казань, ул. Баумана, д. 1")
    fields.setdefault("email", user.email)
    return Signature.objects.create(
        appeal=appeal,
        user=user,
        revision=appeal.revisions.order_by("-number").first(),
        withdrawn_at=timezone.now() if withdrawn else None,
        **fields,
    )


def set_fields(instance, **fields):
    """The row with `fields` changed in the database directly (no save(), no service, no audit
    row), as time would have moved its dates or another process its state; reloaded."""
    type(instance).objects.filter(pk=instance.pk).update(**fields)
    instance.refresh_from_db()
    return instance


def tiny_pdf(pages: int = 2) -> bytes:
    """A real PDF with blank pages, for project materials."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def discussion_dates(stage: str = "intake", today=None) -> dict:
    """A lawful schedule that puts a discussion at `stage` on `today` (local date)."""
    import datetime

    from django.utils import timezone

    today = today or timezone.localdate()
    day = datetime.timedelta(days=1)
    exposition_start = {
        "scheduled": today + 10 * day,
        "announced": today + 5 * day,
        "exposition": today - 1 * day,
        "intake": today - 3 * day,
        "review": today - 20 * day,
    }[stage]
    intake_start = exposition_start + (4 * day if stage == "exposition" else 0 * day)
    intake_end = intake_start + 13 * day
    return {
        "notice_date": exposition_start - 7 * day,
        "exposition_start": exposition_start,
        "intake_start": intake_start,
        "intake_end": intake_end,
        "exposition_end": intake_end,
        "protocol_due": intake_end + 5 * day,
        "conclusion_due": intake_end + 10 * day,
    }


def make_discussion(
    *,
    stage: str = "intake",
    territory=None,
    organizer=None,
    organizer_user=None,
    experts=(),
    min_age: int | None = 18,
    title: str = "Проект планировки территории квартала 12 в Вахитовском районе",
    kind: str = "discussion",
    subject: str = "planning_project",
    time_zone: str | None = None,
    publish: bool = True,
):
    """A discussion (published, with one PDF material) standing at `stage` today.

    It is created and published through the services with a future schedule, then its dates
    are moved to put it at the wanted stage, as time would."""
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from veche.discussions import services
    from veche.discussions.models import Discussion

    territory = territory or make_territory()
    organizer = organizer or make_organization(jurisdiction=[territory])
    organizer_user = organizer_user or make_staff(organizer, Membership.Role.ORGANIZER)
    fields = {
        "kind": kind,
        "subject": subject,
        "title": title,
        "description": "Проект предусматривает размещение сквера и реконструкцию улицы.",
        "territory": territory,
        **discussion_dates("scheduled"),
    }
    if time_zone:
        fields["time_zone"] = time_zone
    if kind == "hearing":
        fields["meeting_at"] = timezone.make_aware(
            datetime.datetime.combine(fields["intake_end"], datetime.time(18, 0))
        )
    discussion = services.create_discussion(
        user=organizer_user,
        organizer=organizer,
        fields=fields,
        eligibility={"min_age": min_age, "territories": [territory]},
        experts=experts,
        accept_warnings=True,
    )
    services.add_material(
        user=organizer_user,
        discussion=discussion,
        title="Чертёж планировки",
        upload=SimpleUploadedFile("plan.pdf", tiny_pdf(), content_type="application/pdf"),
    )
    if publish:
        services.publish_discussion(
            user=organizer_user, discussion=discussion, accept_warnings=True
        )
        if stage != "scheduled":
            dates = discussion_dates(stage)
            if kind == "hearing":
                dates["meeting_at"] = timezone.make_aware(
                    datetime.datetime.combine(dates["intake_end"], datetime.time(18, 0))
                )
            Discussion.objects.filter(pk=discussion.pk).update(**dates)
    discussion.refresh_from_db()
    return discussion
