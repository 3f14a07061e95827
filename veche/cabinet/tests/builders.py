"""Appeals as an organization receives them, made directly (for lists and dates) or through the
services (for the lifecycle), and the files officials attach to answers."""

import datetime
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories import make_appeal, make_problem, make_signature, make_user
from veche.appeals import services
from veche.appeals.models import Appeal

_sequence = itertools.count(1)
Status = Appeal.Status


def received_appeal(
    organization,
    *,
    status: str = Status.SENT,
    title: str | None = None,
    territory=None,
    due_in: int | None = None,
    sent_days_ago: int = 2,
    under_control: bool = False,
    answered_on_time: bool | None = None,
    signature_count: int = 1,
) -> Appeal:
    """An appeal already in the organization's hands, in the given state; due `due_in` days
    from today (negative: in the past)."""
    number = next(_sequence)
    now = timezone.now()
    today = timezone.localdate()
    author = make_user(last_name="Петров", first_name="Пётр", patronymic="Петрович")
    registered = status != Status.SENT
    answered = status in (Status.ANSWERED, Status.CLOSED, Status.ESCALATED)
    appeal = make_appeal(
        author=author,
        organization=organization,
        territory=territory,
        status=status,
        title=title or f"Problem {number}",
        description="Described.",
        text="Просим починить.",
        started=now - datetime.timedelta(days=sent_days_ago + 10),
        signature_count=signature_count,
        sent_at=now - datetime.timedelta(days=sent_days_ago),
        registration_number=f"R-{number}" if registered else "",
        registered_at=now - datetime.timedelta(days=sent_days_ago - 1) if registered else None,
        due_date=today + datetime.timedelta(days=due_in) if due_in is not None else None,
        under_control=under_control,
        answered_at=now if answered else None,
        answered_on_time=answered_on_time if answered else None,
    )
    make_signature(
        appeal,
        author,
        full_name="Петров Пётр Петрович",
        postal_address="420111, Казань, ул. Пушкина, д. 5, кв. 7",
    )
    return appeal


def sent_appeal(organization, territory, *, neighbour=None) -> Appeal:
    """Published, signed by the author (and a neighbour), sent by the author: through services."""
    appeal = make_problem(organization=organization, territory=territory).current_appeal
    if neighbour is not None:
        services.sign_appeal(user=neighbour, appeal=appeal)
    services.send_appeal_now(author=appeal.problem.author, appeal=appeal)
    appeal.refresh_from_db()
    return appeal


def registered_appeal(organization, territory, official, *, neighbour=None) -> Appeal:
    appeal = sent_appeal(organization, territory, neighbour=neighbour)
    services.register_appeal(official=official, appeal=appeal, registration_number="ВХ-1/26")
    appeal.refresh_from_db()
    return appeal


# Smallest files that carry each accepted kind's signature.
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def pdf(name: str = "answer.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def docx(name: str = "answer.docx") -> SimpleUploadedFile:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(
        name,
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
