"""The cast of the tests of the organizer's pages: a discussion at any stage, a resident's
submission, the data of the create form and of a paper submission, a snapshot of what a request
could change."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.utils import timezone

from tests.factories import (
    discussion_dates,
    make_discussion,
    make_resident,
    tiny_pdf,
)
from veche.core.models import AuditEvent
from veche.discussions import services
from veche.discussions.forms_organizer import suggested_schedule
from veche.discussions.models import (
    Discussion,
    MaterialVersion,
    Milestone,
    ScheduleChange,
)
from veche.identity.models import Level

DAY = datetime.timedelta(days=1)


def discussion_at(stage, office, organizer, **options):
    return make_discussion(
        stage=stage,
        territory=office.jurisdiction.first(),
        organizer=office,
        organizer_user=organizer,
        **options,
    )


def pdf(name="plan.pdf", pages=2):
    return SimpleUploadedFile(name, tiny_pdf(pages), content_type="application/pdf")


def submit_as_resident(discussion, text="Сохранить все деревья вдоль улицы.", kind="proposal"):
    return services.submit(
        user=make_resident(discussion.territory), discussion=discussion, kind=kind, text=text
    )


def move_to(discussion, stage):
    Discussion.objects.filter(pk=discussion.pk).update(**discussion_dates(stage))
    discussion.refresh_from_db()
    return discussion


def snapshot(discussion) -> dict:
    """Everything an organizer's page could change, to see that a refusal changed nothing."""
    discussion = Discussion.objects.get(pk=discussion.pk)
    return {
        "discussion": model_to_dict(discussion, exclude=["experts"]),
        "versions": sorted(
            MaterialVersion.objects.filter(material__discussion=discussion).values_list(
                "pk", flat=True
            )
        ),
        "submissions": sorted(
            discussion.submissions.values_list("pk", "recommendation", "recommendation_reason")
        ),
        "changes": ScheduleChange.objects.count(),
        "milestones": Milestone.objects.count(),
        "audit": AuditEvent.objects.count(),
        "discussions": Discussion.objects.count(),
    }


def create_data(territory, **changes) -> dict:
    dates = suggested_schedule(timezone.localdate())
    organizer = territory.organizations.first()
    data = {
        "organizer": organizer.pk if organizer else "",
        "kind": "discussion",
        "subject": "planning_project",
        "title": "Проект планировки квартала 7",
        "description": "Сквер и реконструкция улицы.",
        "territory": territory.pk,
        "time_zone": "Europe/Moscow",
        **{name: value.isoformat() for name, value in dates.items()},
        "exposition_place": "ул. Баумана, 1",
        "exposition_hours": "будни 10–18",
        "meeting_at": "",
        "meeting_place": "",
        "eligible_territories": [territory.pk],
        "owners_qualify": "on",
        "min_age": "18",
        "min_level": str(Level.CENSUS),
        "expert_emails": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def paper_data(discussion, **changes) -> dict:
    data = {
        "channel": "writing",
        "received_on": discussion.local_date().isoformat(),
        "participant": "person",
        "full_name": "Петрова Мария Ивановна",
        "birthdate": "1970-03-08",
        "address": "Казань, ул. Пушкина, 5, кв. 2",
        "legal_name": "",
        "ogrn": "",
        "legal_address": "",
        "basis": "resident",
        "kind": "remark",
        "text": "Прошу сохранить детскую площадку во дворе.",
        "material": "",
        "page": "",
    }
    data.update(changes)
    return data
