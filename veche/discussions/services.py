"""Use cases of public discussions and hearings. Each runs in one transaction, checks who may act
and at which stage, records an audit event, and announces what people are to hear of: the event
is stored with an outbox message in the same transaction, and the notices are made in the
background (`veche.discussions.notices`)."""

import datetime

import rules
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from veche.core import ratelimits
from veche.core.audit import record_event
from veche.core.forms import normalize_line
from veche.discussions import notices, records, tasks
from veche.discussions.materials import check_upload
from veche.discussions.models import (
    Application,
    Discussion,
    ExpertAnswer,
    Follow,
    Material,
    MaterialVersion,
    Milestone,
    RecordBuild,
    ScheduleChange,
    Stage,
    Submission,
)
from veche.discussions.records import builds
from veche.discussions.schedule import (
    MOVABLE_FIELDS,
    dates_of,
    schedule_errors,
    schedule_warnings,
)
from veche.discussions.wording import PHRASES
from veche.identity.eligibility import check_eligibility, legal_entity_of
from veche.identity.models import EligibilityRule, Level
from veche.moderation.screening import is_obscene, is_threatening
from veche.notifications.services import announce

LEVELS = {
    "email": Level.EMAIL,
    "phone": Level.PHONE,
    "census": Level.CENSUS,
    "provider": Level.PROVIDER,
}
Kind = Submission.Kind


class ScheduleWarnings(ValidationError):
    """The schedule breaks a period of docs/rules.md; the organizer goes on only knowingly."""

    def __init__(self, warnings: list[str]):
        super().__init__(warnings)
        self.warnings = warnings


def _notify(event: str, subject: Discussion | Application, **context) -> None:
    """Announce an event of the discussion (or application), in the caller's transaction; its
    notices are made once it commits, in the background (see `notices`)."""
    announce(subject=subject, event=event, context=context)


def _actor(user) -> dict:
    # Who acted is not told of their own act.
    return {"actor": user.pk}


def _require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("You may not do this."))


def _lock(discussion: Discussion) -> Discussion:
    return Discussion.objects.select_for_update().get(pk=discussion.pk)


def _require_stage(discussion: Discussion, *stages: str, moment=None) -> str:
    stage = discussion.stage_at(moment)
    if stage not in stages:
        raise ValidationError(
            _("This cannot be done now: the discussion is at the stage “%(stage)s”.")
            % {"stage": Stage(stage).label}
        )
    return stage


def _check_schedule(values: dict, *, accept_warnings: bool) -> list[str]:
    errors = schedule_errors(values)
    if errors:
        raise ValidationError(errors)
    warnings = schedule_warnings(values)
    if warnings and not accept_warnings:
        raise ScheduleWarnings(warnings)
    return warnings


# --- Putting a project forward --------------------------------------------------------------


def _set_eligibility(discussion: Discussion, eligibility: dict) -> None:
    """The same rule for proposals/remarks (submit) and for questions (ask)."""
    content_type = ContentType.objects.get_for_model(Discussion)
    territories = eligibility.get("territories") or [discussion.territory]
    for action in (EligibilityRule.Action.SUBMIT, EligibilityRule.Action.ASK):
        rule, _created = EligibilityRule.objects.update_or_create(
            action=action,
            content_type=content_type,
            object_id=discussion.pk,
            defaults={
                "min_level": eligibility.get("min_level")
                or LEVELS[settings.VECHE_DISCUSSION_MIN_LEVEL],
                "min_age": eligibility.get("min_age", settings.VECHE_DISCUSSION_MIN_AGE) or None,
                "owners_qualify": eligibility.get("owners_qualify", True),
            },
        )
        rule.territories.set(territories)


def eligibility_of(discussion: Discussion) -> EligibilityRule | None:
    return (
        EligibilityRule.objects.filter(
            action=EligibilityRule.Action.SUBMIT,
            content_type=ContentType.objects.get_for_model(Discussion),
            object_id=discussion.pk,
        )
        .prefetch_related("territories")
        .first()
    )


@transaction.atomic
def create_discussion(
    *,
    user,
    organizer,
    fields: dict,
    eligibility: dict | None = None,
    experts=(),
    application: Application | None = None,
    accept_warnings: bool = False,
) -> Discussion:
    """A draft discussion of the organizer; nothing is public until it is published."""
    _require(
        rules.has_perm("discussions.organize_for", user, organizer),
        _("Only organizers of %(organization)s may put a project forward on its behalf.")
        % {"organization": organizer.title},
    )
    discussion = Discussion(organizer=organizer, created_by=user, **fields)
    discussion.full_clean(exclude=["created_by", "organizer"])
    warnings = _check_schedule(dates_of(discussion), accept_warnings=accept_warnings)
    discussion.save()
    discussion.experts.set(experts)
    _set_eligibility(discussion, eligibility or {})
    if application is not None:
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status != Application.Status.ACCEPTED or application.discussion_id:
            raise ValidationError(
                _("Only an accepted application without a discussion may be used.")
            )
        application.discussion = discussion
        application.save(update_fields=["discussion"])
    record_event(
        actor=user,
        action="discussion.created",
        target=discussion,
        data={"warnings": warnings},
    )
    return discussion


@transaction.atomic
def update_draft(
    *,
    user,
    discussion: Discussion,
    fields: dict,
    eligibility: dict | None = None,
    experts=None,
    accept_warnings: bool = False,
) -> Discussion:
    """Everything of a draft may change; once published, dates move only with a reason."""
    discussion = _lock(discussion)
    _require(rules.has_perm("discussions.manage_discussion", user, discussion))
    if discussion.status != Discussion.Status.DRAFT:
        raise ValidationError(
            _("A published discussion keeps its terms; move a date with a public reason instead.")
        )
    for name, value in fields.items():
        setattr(discussion, name, value)
    discussion.full_clean()
    _check_schedule(dates_of(discussion), accept_warnings=accept_warnings)
    discussion.save()
    if experts is not None:
        discussion.experts.set(experts)
    if eligibility is not None:
        _set_eligibility(discussion, eligibility)
    record_event(actor=user, action="discussion.updated", target=discussion)
    return discussion


@transaction.atomic
def publish_discussion(*, user, discussion: Discussion, accept_warnings: bool = False):
    """The organizer commits to the schedule; from now on the stages follow the dates."""
    discussion = _lock(discussion)
    _require(rules.has_perm("discussions.manage_discussion", user, discussion))
    if discussion.status != Discussion.Status.DRAFT:
        raise ValidationError(_("The discussion is already published."))
    if not discussion.materials.filter(versions__isnull=False).exists():
        raise ValidationError(
            _("Add at least one document of the project: the notice lists its materials.")
        )
    if discussion.local_date() > discussion.notice_date:
        raise ValidationError(
            _("The notice date has passed; set the schedule anew before publishing.")
        )
    warnings = _check_schedule(dates_of(discussion), accept_warnings=accept_warnings)
    discussion.status = Discussion.Status.PUBLISHED
    discussion.published_at = timezone.now()
    discussion.save(update_fields=["status", "published_at"])
    record_event(
        actor=user, action="discussion.published", target=discussion, data={"warnings": warnings}
    )
    if discussion.stage == Stage.ANNOUNCED:
        _announce(discussion, discussion.published_at)
    return discussion


def move_date(
    *, user, discussion: Discussion, field: str, value, reason: str, accept_warnings=False
) -> ScheduleChange:
    """Move one date of a published schedule, with a public reason that is kept."""
    return move_dates(
        user=user,
        discussion=discussion,
        values={field: value},
        reason=reason,
        accept_warnings=accept_warnings,
    )[0]


def _day(value, zone) -> datetime.date | None:
    return value.astimezone(zone).date() if isinstance(value, datetime.datetime) else value


@transaction.atomic
def move_dates(
    *, user, discussion: Discussion, values: dict, reason: str, accept_warnings=False
) -> list[ScheduleChange]:
    """Move dates of a published schedule together (extending the intake moves the exposition's
    end and the protocol with it), with one public reason that is kept with each change."""
    discussion = _lock(discussion)
    _require(rules.has_perm("discussions.manage_discussion", user, discussion))
    if not values or any(field not in MOVABLE_FIELDS for field in values):
        raise ValidationError(_("This date cannot be moved."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason: it is published with the change.")})
    if discussion.status != Discussion.Status.PUBLISHED or discussion.protocol_signed_at:
        raise ValidationError(_("Dates can be moved only while the discussion runs."))
    today = discussion.local_date()
    old_values = {field: getattr(discussion, field) for field in values}
    changed = {field: value for field, value in values.items() if old_values[field] != value}
    if not changed:
        raise ValidationError(_("The new date is the same as the old one."))
    for field, value in changed.items():
        old_day = _day(old_values[field], discussion.zone)
        # A date already reached is history; only a running period may be extended.
        if old_day is not None and old_day <= today and field not in RUNNING_ENDS:
            raise ValidationError({field: _("This date has already come; it cannot be moved.")})
        new_day = _day(value, discussion.zone)
        if new_day is not None and new_day < today:
            raise ValidationError({field: _("A date cannot be moved into the past.")})
        setattr(discussion, field, value)
    _check_schedule(dates_of(discussion), accept_warnings=accept_warnings)
    discussion.save(update_fields=list(changed))
    changes = [
        ScheduleChange.objects.create(
            discussion=discussion,
            field=field,
            old_value=_date_text(old_values[field]),
            new_value=_date_text(value),
            reason=reason.strip(),
            changed_by=user,
        )
        for field, value in changed.items()
    ]
    record_event(
        actor=user,
        action="discussion.dates_moved",
        target=discussion,
        data={c.field: [c.old_value, c.new_value] for c in changes},
    )
    _notify("schedule_changed", discussion, changes=[c.pk for c in changes], **_actor(user))
    return changes


# The ends of periods that may still run today: the organizer may extend them.
RUNNING_ENDS = ("intake_end", "exposition_end")


def _date_text(value) -> str:
    return (
        value.isoformat(timespec="minutes")
        if isinstance(value, datetime.datetime)
        else (value.isoformat() if value else "")
    )


@transaction.atomic
def cancel_discussion(*, user, discussion: Discussion, reason: str) -> Discussion:
    discussion = _lock(discussion)
    _require(rules.has_perm("discussions.manage_discussion", user, discussion))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason: it is published.")})
    if discussion.conclusion_published_at or discussion.status == Discussion.Status.CANCELLED:
        raise ValidationError(_("A concluded or cancelled discussion cannot be cancelled."))
    discussion.status = Discussion.Status.CANCELLED
    discussion.cancel_reason = reason.strip()
    discussion.save(update_fields=["status", "cancel_reason"])
    record_event(actor=user, action="discussion.cancelled", target=discussion)
    if discussion.published_at:
        # A draft was never public: nobody is told of it, not even that it is called off.
        _notify("cancelled", discussion, **_actor(user))
    return discussion


# --- Materials ------------------------------------------------------------------------------


def _store_version(*, user, material: Material, upload, note: str) -> MaterialVersion:
    checked = check_upload(upload)
    number = (material.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = MaterialVersion(
        material=material,
        number=number,
        original_name=(getattr(upload, "name", "") or "document")[-255:],
        content_type=checked.content_type,
        size=len(checked.content),
        sha256=checked.sha256,
        pages=checked.pages,
        note=note,
        uploaded_by=user,
    )
    version.file.save("upload", ContentFile(checked.content), save=False)
    version.save()
    return version


@transaction.atomic
def add_material(*, user, discussion: Discussion, title: str, upload) -> MaterialVersion:
    discussion = _lock(discussion)
    _require(rules.has_perm("discussions.manage_discussion", user, discussion))
    if discussion.protocol_signed_at or discussion.status == Discussion.Status.CANCELLED:
        raise ValidationError(_("The materials of a finished discussion cannot change."))
    if not title.strip():
        raise ValidationError({"title": _("Name the document.")})
    position = discussion.materials.count()
    material = Material.objects.create(
        discussion=discussion, title=title.strip(), position=position
    )
    version = _store_version(user=user, material=material, upload=upload, note="")
    record_event(
        actor=user,
        action="discussion.material_added",
        target=discussion,
        data={"material": material.pk, "sha256": version.sha256},
    )
    return version


@transaction.atomic
def add_material_version(*, user, material: Material, upload, note: str) -> MaterialVersion:
    """A new version of a material; every earlier version stays available."""
    discussion = _lock(material.discussion)
    _require(rules.has_perm("discussions.manage_discussion", user, discussion))
    if discussion.protocol_signed_at or discussion.status == Discussion.Status.CANCELLED:
        raise ValidationError(_("The materials of a finished discussion cannot change."))
    if discussion.status == Discussion.Status.PUBLISHED and not note.strip():
        raise ValidationError({"note": _("Say what changed: participants see it.")})
    version = _store_version(user=user, material=material, upload=upload, note=note.strip())
    record_event(
        actor=user,
        action="discussion.material_revised",
        target=discussion,
        data={"material": material.pk, "version": version.number, "sha256": version.sha256},
    )
    return version


# --- Taking part ----------------------------------------------------------------------------


def identification_of(user, *, as_legal_entity: bool) -> dict:
    """The identification data docs/rules.md asks of a participant, from the verified identity."""
    verifications = list(
        user.verifications.filter(revoked_at__isnull=True)
        .select_related("territory")
        .order_by("-level", "-verified_at")
    )
    now = timezone.now()
    valid = [v for v in verifications if v.is_valid_on(now)]
    best = valid[0] if valid else None
    data = {
        "full_name": next((v.full_name for v in valid if v.full_name), "") or user.full_name,
        "birthdate": next((v.birthdate.isoformat() for v in valid if v.birthdate), ""),
        "address": next((v.address for v in valid if v.address), ""),
        "territory": next((v.territory.title for v in valid if v.territory_id), ""),
        "verification": best.get_source_display() if best else "",
        "verified_at": best.verified_at.isoformat() if best else "",
    }
    if as_legal_entity:
        entity = legal_entity_of(user, now)
        if entity is None:
            raise ValidationError(
                _(
                    "No legal entity is verified for your account: sign in through the "
                    "identity provider as the entity's representative."
                )
            )
        data |= {
            "legal_name": entity.name,
            "ogrn": entity.ogrn,
            "legal_address": entity.address,
        }
    return data


def _next_number(discussion: Discussion) -> int:
    last = discussion.submissions.aggregate(last=Max("number"))["last"]
    return (last or 0) + 1


def _participant_number(discussion: Discussion, **same_person) -> int:
    """The number the person already has in this discussion, else the next one."""
    earlier = (
        discussion.submissions.filter(**same_person)
        .exclude(participant_number=None)
        .values_list("participant_number", flat=True)
        .first()
        if same_person
        else None
    )
    if earlier:
        return earlier
    last = discussion.submissions.aggregate(last=Max("participant_number"))["last"]
    return (last or 0) + 1


def _basis(decision_basis: str) -> str:
    return {
        "resident": Submission.Basis.RESIDENT,
        "owner": Submission.Basis.OWNER,
    }.get(decision_basis, Submission.Basis.OTHER)


def _material_of(discussion: Discussion, material: Material | None, page: int | None):
    if material is None:
        return None, None
    if material.discussion_id != discussion.pk:
        raise ValidationError({"material": _("Choose a document of this discussion.")})
    version = material.current
    if page is not None and version and version.pages and not 1 <= page <= version.pages:
        raise ValidationError(
            {"page": _("The document has %(pages)s pages.") % {"pages": version.pages}}
        )
    return material, page


@transaction.atomic
def submit(
    *,
    user,
    discussion: Discussion,
    kind: str,
    text: str,
    material: Material | None = None,
    page: int | None = None,
    as_legal_entity: bool = False,
    moment: datetime.datetime | None = None,
) -> Submission:
    """An eligible participant's proposal, remark or question, registered with a number."""
    ratelimits.spend("submit", user)
    moment = moment or timezone.now()
    if kind not in Kind.values:
        raise ValidationError(
            {"kind": _("Choose what you send: a proposal, a remark or a question.")}
        )
    discussion = _lock(discussion)  # submissions of one discussion are numbered one by one
    if kind == Kind.QUESTION:
        if not discussion.questions_open_at(moment):
            raise ValidationError(_("Questions to the experts are taken during the exposition."))
        action = EligibilityRule.Action.ASK
    else:
        if not discussion.intake_open_at(moment):
            raise ValidationError(
                _("Proposals and remarks are not taken now: the intake is closed.")
                if discussion.stage_at(moment) not in (Stage.ANNOUNCED, Stage.EXPOSITION)
                else _("Proposals and remarks are taken from %(date)s.")
                % {"date": discussion.intake_start.isoformat()}
            )
        action = EligibilityRule.Action.SUBMIT
    decision = check_eligibility(user, action, discussion, moment=moment)
    if not decision.allowed:
        raise PermissionDenied(" ".join(decision.reasons))
    text = text.strip()
    if len(text) < 10:
        raise ValidationError({"text": str(PHRASES[kind].write_it)})
    # Submissions are published with their number: what could not be published is refused
    # before it is registered, with the reason, so that the participant can rephrase it.
    if is_obscene(text):
        raise ValidationError(
            {"text": _("The text contains obscene words; it is published, so please rephrase it.")}
        )
    if is_threatening(text):
        raise ValidationError({"text": _("The text reads as a threat; please rephrase it.")})
    material, page = _material_of(discussion, material, page)
    # Pressed twice, or sent again from the browser's history: the same thing is kept once.
    earlier = discussion.submissions.filter(
        author=user,
        kind=kind,
        text=text,
        material=material,
        page=page,
        as_legal_entity=as_legal_entity,
    ).first()
    if earlier is not None:
        raise ValidationError(
            _("You have already sent this; it is registered under number %(number)s.")
            % {"number": earlier.registration_number}
        )
    number = _next_number(discussion)
    submission = Submission.objects.create(
        discussion=discussion,
        number=number,
        registration_number=f"{discussion.registration_prefix}-{number:04d}",
        kind=kind,
        text=text,
        material=material,
        page=page,
        author=user,
        as_legal_entity=as_legal_entity,
        participant_number=_participant_number(discussion, author=user),
        participant=identification_of(user, as_legal_entity=as_legal_entity),
        basis=_basis(decision.basis),
        channel=Submission.Channel.SITE,
        created_at=moment,
    )
    Follow.objects.get_or_create(user=user, discussion=discussion)
    record_event(
        actor=user,
        action="discussion.submission_registered",
        target=submission,
        data={
            "discussion": discussion.pk,
            "number": submission.registration_number,
            "kind": kind,
            "basis": submission.basis,
        },
    )
    # The receipt is stored with the submission: a crash after the commit cannot lose it.
    tasks.queue_receipt(submission.pk)
    if kind == Kind.QUESTION:
        _notify("question_asked", discussion, submission=submission.pk, **_actor(user))
    return submission


PAPER_FIELDS = ("full_name", "birthdate", "address", "legal_name", "ogrn", "legal_address")


@transaction.atomic
def register_on_behalf(
    *,
    official,
    discussion: Discussion,
    kind: str,
    text: str,
    channel: str,
    received_on: datetime.date,
    participant: dict,
    basis: str,
    material: Material | None = None,
    page: int | None = None,
) -> Submission:
    """A submission that came in writing, at the meeting or in the visitors' book, registered
    by an official of the organizer. It must have arrived while the intake was open."""
    discussion = _lock(discussion)
    _require(rules.has_perm("discussions.register_submission", official, discussion))
    if channel == Submission.Channel.SITE or channel not in Submission.Channel.values:
        raise ValidationError({"channel": _("Say how the submission was received.")})
    if discussion.protocol_signed_at or discussion.status != Discussion.Status.PUBLISHED:
        raise ValidationError(_("The protocol is signed: no submission can be added."))
    if not discussion.intake_start <= received_on <= discussion.intake_end:
        raise ValidationError(
            {
                "received_on": _(
                    "Submissions are accepted from %(start)s to %(end)s; this one came on "
                    "%(day)s and cannot be registered."
                )
                % {
                    "start": discussion.intake_start.isoformat(),
                    "end": discussion.intake_end.isoformat(),
                    "day": received_on.isoformat(),
                }
            }
        )
    if received_on > discussion.local_date():
        raise ValidationError({"received_on": _("The date of receipt cannot be in the future.")})
    participant = {name: str(participant.get(name, "")).strip() for name in PAPER_FIELDS}
    as_legal_entity = bool(participant["legal_name"] or participant["ogrn"])
    if as_legal_entity:
        if not (participant["legal_name"] and participant["ogrn"] and participant["legal_address"]):
            raise ValidationError(_("A legal entity gives its name, OGRN and address."))
    elif not (participant["full_name"] and participant["birthdate"] and participant["address"]):
        raise ValidationError(
            _("A person gives full name, date of birth and address of residence.")
        )
    if basis not in Submission.Basis.values:
        raise ValidationError({"basis": _("Choose the basis of participation.")})
    if len(text.strip()) < 10:
        raise ValidationError({"text": _("Write out the submission as received.")})
    material, page = _material_of(discussion, material, page)
    participant |= {"received_on": received_on.isoformat()}
    # The same paper registered twice (a double press, two officials) is kept once.
    for earlier in discussion.submissions.filter(
        author__isnull=True,
        kind=kind,
        text=text.strip(),
        channel=channel,
        material=material,
        page=page,
    ):
        if earlier.participant == participant:
            raise ValidationError(earlier.words.already_registered)
    number = _next_number(discussion)
    submission = Submission.objects.create(
        discussion=discussion,
        number=number,
        registration_number=f"{discussion.registration_prefix}-{number:04d}",
        kind=kind,
        text=text.strip(),
        material=material,
        page=page,
        author=None,
        as_legal_entity=as_legal_entity,
        participant_number=_participant_number(
            discussion,
            author=None,
            **(
                {"participant__ogrn": participant["ogrn"]}
                if as_legal_entity
                else {
                    "participant__full_name": participant["full_name"],
                    "participant__birthdate": participant["birthdate"],
                }
            ),
        ),
        participant=participant,
        basis=basis,
        channel=channel,
        registered_by=official,
    )
    record_event(
        actor=official,
        action="discussion.submission_registered_on_behalf",
        target=submission,
        data={"discussion": discussion.pk, "number": submission.registration_number},
    )
    return submission


# --- Experts --------------------------------------------------------------------------------


@transaction.atomic
def answer_question(*, expert, submission: Submission, text: str) -> ExpertAnswer:
    discussion = submission.discussion
    _require(
        rules.has_perm("discussions.answer_question", expert, discussion),
        _("Only the experts of this discussion answer its questions."),
    )
    if submission.kind != Kind.QUESTION:
        raise ValidationError(_("Only questions are answered by the experts."))
    if submission.hidden_at or discussion.status != Discussion.Status.PUBLISHED:
        raise ValidationError(_("This question can no longer be answered."))
    if discussion.protocol_signed_at:
        raise ValidationError(_("The protocol is signed: answers can no longer be added."))
    if len(text.strip()) < 2:
        raise ValidationError({"text": _("Write the answer.")})
    answer = ExpertAnswer.objects.create(submission=submission, expert=expert, text=text.strip())
    record_event(
        actor=expert,
        action="discussion.question_answered",
        target=submission,
        data={"answer": answer.pk},
    )
    _notify("question_answered", discussion, answer=answer.pk, **_actor(expert))
    return answer


# --- Review ---------------------------------------------------------------------------------


@transaction.atomic
def recommend(*, user, submission: Submission, recommendation: str, reason: str) -> Submission:
    """The organizer's reasoned recommendation on one submission."""
    discussion = _lock(submission.discussion)
    _require(rules.has_perm("discussions.manage_discussion", user, discussion))
    _require_stage(discussion, Stage.INTAKE, Stage.REVIEW)
    if recommendation not in Submission.Recommendation.values:
        raise ValidationError({"recommendation": _("Choose a recommendation.")})
    if len(reason.strip()) < 5:
        raise ValidationError({"reason": _("Give the reasons for the recommendation.")})
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    changed = bool(submission.recommendation)
    submission.recommendation = recommendation
    submission.recommendation_reason = reason.strip()
    submission.reviewed_by = user
    submission.reviewed_at = timezone.now()
    submission.save(
        update_fields=["recommendation", "recommendation_reason", "reviewed_by", "reviewed_at"]
    )
    record_event(
        actor=user,
        action="discussion.recommendation_revised" if changed else "discussion.recommended",
        target=submission,
        data={"recommendation": recommendation},
    )
    _notify("recommendation", discussion, submission=submission.pk, **_actor(user))
    return submission


def unreviewed(discussion: Discussion):
    return discussion.submissions.filter(recommendation="", hidden_at__isnull=True)


def _keep_issued(discussion: Discussion, which: str, issued):
    """Record the registered document's code and keep its PDF exactly as issued."""
    document = issued.document
    setattr(discussion, f"{which}_code", document.code)
    getattr(discussion, f"{which}_file").save(
        f"{which}-{document.code}.pdf", ContentFile(issued.pdf), save=False
    )
    return document


@transaction.atomic
def sign_protocol(*, user, discussion: Discussion) -> RecordBuild:
    """Sign off the protocol: only in review, with every submission recommended. The protocol
    is built in the background (a hearing's can take minutes), registered and published, and
    its followers told, by `keep_signed_protocol`; returns that build."""
    discussion = _lock(discussion)
    _require(rules.has_perm("discussions.manage_discussion", user, discussion))
    _require_stage(discussion, Stage.REVIEW)
    missing = unreviewed(discussion).count()
    if missing:
        raise ValidationError(
            _("%(count)s submission(s) have no recommendation yet; review them first.")
            % {"count": missing}
        )
    discussion.protocol_signed_at = timezone.now()
    discussion.protocol_signed_by = user
    discussion.save(update_fields=["protocol_signed_at", "protocol_signed_by"])
    record_event(
        actor=user,
        action="discussion.protocol_signed",
        target=discussion,
        data={"submissions": discussion.submissions.filter(hidden_at__isnull=True).count()},
    )
    return builds.request(discussion, RecordBuild.Kind.PROTOCOL, user)


def _keep_published(discussion: Discussion, which: str, issued, actor) -> None:
    """Keep the built protocol or conclusion on the discussion (once: a second build of the same
    act keeps the first), record it and tell the followers."""
    with transaction.atomic():
        discussion = _lock(discussion)
        if getattr(discussion, f"{which}_file"):
            return
        document = _keep_issued(discussion, which, issued)
        discussion.save(update_fields=[f"{which}_code", f"{which}_file"])
        record_event(
            actor=actor,
            action=f"discussion.{which}_issued",
            target=discussion,
            data={"code": document.code, "sha256": document.sha256},
        )
        _notify(which, discussion, **_actor(actor))


def keep_signed_protocol(discussion: Discussion, progress=None) -> None:
    """Build the signed protocol (in the background: `records.builds`), register it and keep it
    as issued; then it is published and its followers are told."""
    issued = records.issue_protocol(discussion, progress or records.no_progress)
    _keep_published(discussion, "protocol", issued, discussion.protocol_signed_by)


@transaction.atomic
def publish_conclusion(*, user, discussion: Discussion, text: str) -> RecordBuild:
    """Publish the conclusion; once published it never changes. Its PDF is built in the
    background by `keep_published_conclusion`; returns that build."""
    discussion = _lock(discussion)
    _require(rules.has_perm("discussions.manage_discussion", user, discussion))
    _require_stage(discussion, Stage.PROTOCOL)
    if len(text.strip()) < 10:
        raise ValidationError({"text": _("Write the overall conclusions, with reasons.")})
    discussion.conclusion_text = text.strip()
    discussion.conclusion_published_at = timezone.now()
    discussion.conclusion_published_by = user
    discussion.save(
        update_fields=["conclusion_text", "conclusion_published_at", "conclusion_published_by"]
    )
    record_event(
        actor=user,
        action="discussion.conclusion_published",
        target=discussion,
        data={"submissions": discussion.submissions.filter(hidden_at__isnull=True).count()},
    )
    return builds.request(discussion, RecordBuild.Kind.CONCLUSION, user)


def keep_published_conclusion(discussion: Discussion, progress=None) -> None:
    issued = records.issue_conclusion(discussion, progress or records.no_progress)
    _keep_published(discussion, "conclusion", issued, discussion.conclusion_published_by)


def may_build(discussion: Discussion, kind: str) -> bool:
    """Whether a document of `kind` can be built now: the draft protocol until the protocol is
    signed, the conclusion's copy once it is; the signed protocol and the published conclusion
    again only when their build failed."""
    Kind = RecordBuild.Kind
    signed, published = discussion.protocol_signed_at, discussion.conclusion_published_at
    return {
        Kind.DRAFT_PROTOCOL: not signed,
        Kind.ANNEX: True,
        Kind.PROTOCOL_DOCX: True,
        Kind.CONCLUSION_DOCX: bool(signed),
        Kind.PROTOCOL: bool(signed) and not discussion.protocol_file,
        Kind.CONCLUSION: bool(published) and not discussion.conclusion_file,
    }.get(kind, False)


def request_record(*, user, discussion: Discussion, kind: str) -> RecordBuild:
    """Build a document of the discussion for its organizer, in the background; the build
    already under way, if there is one."""
    _require(rules.has_perm("discussions.manage_discussion", user, discussion))
    if not may_build(discussion, kind):
        raise ValidationError(_("This document cannot be prepared at this stage."))
    return builds.request(discussion, kind, user)


# --- After the decision ---------------------------------------------------------------------


@transaction.atomic
def record_progress(
    *,
    user,
    discussion: Discussion,
    title: str,
    percent: int,
    note: str = "",
    submission: Submission | None = None,
) -> Milestone:
    discussion = _lock(discussion)
    _require(rules.has_perm("discussions.manage_discussion", user, discussion))
    _require_stage(discussion, Stage.CONCLUSION, Stage.ARCHIVE)
    if not 0 <= percent <= 100:
        raise ValidationError({"percent": _("Give a percentage from 0 to 100.")})
    if not title.strip():
        raise ValidationError({"title": _("Say what was done.")})
    if submission is not None:
        if submission.discussion_id != discussion.pk:
            raise ValidationError(_("Choose a submission of this discussion."))
        if submission.recommendation not in (
            Submission.Recommendation.ACCEPTED,
            Submission.Recommendation.PARTLY,
        ):
            raise ValidationError(_("Progress is recorded on accepted proposals only."))
    milestone = Milestone.objects.create(
        discussion=discussion,
        submission=submission,
        title=title.strip(),
        percent=percent,
        note=note.strip(),
        recorded_by=user,
    )
    target = submission or discussion
    target.progress_percent = percent
    target.save(update_fields=["progress_percent"])
    record_event(
        actor=user,
        action="discussion.progress_recorded",
        target=target,
        data={"milestone": milestone.pk, "percent": percent},
    )
    _notify("progress", discussion, milestone=milestone.pk, **_actor(user))
    return milestone


# --- Applications of landowners and developers ----------------------------------------------


@transaction.atomic
def apply_for_discussion(
    *, user, organization, subject: str, title: str, description: str, territory, document
) -> Application:
    entity = identification_of(user, as_legal_entity=True)
    if subject not in Discussion.Subject.values:
        raise ValidationError({"subject": _("Choose the subject.")})
    # A double click or a resend must not file the same application twice: the applicant's
    # row is locked, so two requests at once are checked one after the other.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    title = normalize_line(title)
    if Application.objects.filter(
        applicant=user,
        organization=organization,
        title=title,
        status=Application.Status.PENDING,
    ).exists():
        raise ValidationError(
            _("You have already filed this application; it is under consideration.")
        )
    checked = check_upload(document)
    application = Application(
        applicant=user,
        legal_entity={key: entity[key] for key in ("legal_name", "ogrn", "legal_address")},
        organization=organization,
        subject=subject,
        title=title,
        description=description.strip(),
        territory=territory,
    )
    application.document.save(
        f"application.{checked.content_type.split('/')[-1]}",
        ContentFile(checked.content),
        save=False,
    )
    application.full_clean()
    application.save()
    record_event(actor=user, action="discussion.application_filed", target=application)
    _notify("filed", application, **_actor(user))
    return application


@transaction.atomic
def decide_application(*, user, application: Application, accept: bool, reason: str):
    application = Application.objects.select_for_update().get(pk=application.pk)
    _require(rules.has_perm("discussions.decide_application", user, application))
    if application.status != Application.Status.PENDING:
        raise ValidationError(_("This application has already been decided."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason: the applicant sees it.")})
    application.status = Application.Status.ACCEPTED if accept else Application.Status.REFUSED
    application.reason = reason.strip()
    application.decided_by = user
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    record_event(
        actor=user,
        action="discussion.application_decided",
        target=application,
        data={"status": application.status},
    )
    _notify("decided", application, **_actor(user))
    return application


# --- Following ------------------------------------------------------------------------------


def set_following(*, user, discussion=None, territory=None, follow: bool) -> None:
    target = {"discussion": discussion} if discussion is not None else {"territory": territory}
    if follow:
        Follow.objects.get_or_create(user=user, **target)
    else:
        Follow.objects.filter(user=user, **target).delete()


# --- Time-driven notices --------------------------------------------------------------------


def send_due_notices(now: datetime.datetime | None = None) -> dict[str, int]:
    """Run by the worker's schedule (`veche discussion_tick`): announce discussions whose notice
    date has come, remind experts of waiting questions. Idempotent: a second run announces
    nothing. Only events are stored here; their notices are made by the outbox's worker."""
    now = now or timezone.now()
    announced = 0
    for discussion in Discussion.objects.filter(
        status=Discussion.Status.PUBLISHED, notice_sent_at__isnull=True
    ):
        if discussion.stage_at(now) in (Stage.SCHEDULED, Stage.DRAFT):
            continue
        with transaction.atomic():
            announced += _announce(discussion, now)
    reminded = notices.remind_experts(now)
    return {"announced": announced, "experts_reminded": reminded}


def _announce(discussion: Discussion, now: datetime.datetime) -> bool:
    """Claim the discussion's notice and announce it, in the caller's transaction: the claim and
    the event commit together, so the notice is neither lost nor announced twice."""
    claimed = Discussion.objects.filter(pk=discussion.pk, notice_sent_at__isnull=True).update(
        notice_sent_at=now
    )
    # After a long stop of the tick, a discussion already past its intake is not announced:
    # the notice would invite people to something they can no longer join.
    if not claimed or discussion.stage_at(now) not in (
        Stage.ANNOUNCED,
        Stage.EXPOSITION,
        Stage.INTAKE,
    ):
        return False
    _notify("announced", discussion)
    return True


# --- Erasure of an account ------------------------------------------------------------------


def erase_personal_data(user) -> None:
    """What erasing an account does here (README, "Personal data"). Runs inside the erasure's
    transaction.

    - Submissions stay in their discussion with the identification data taken when they were
      registered: the Town Planning Code (art. 5.1) has the protocol record every participant's
      identification data, and the protocol and the organizer's recommendations rest on them.
      Only the link to the account is cut; the public sees "Participant No. N" as before.
    - An application not yet decided is withdrawn: it and its document go, since nobody is
      left to hear the decision. A decided one stays as the authority's record (and the origin
      of a discussion); it holds the legal entity's data, not the person's.
    - Follows go.
    """
    for application in Application.objects.select_for_update().filter(
        applicant=user, status=Application.Status.PENDING
    ):
        record_event(
            actor=user,
            action="discussion.application_withdrawn",
            target=application,
            data={"reason": "account erased"},
        )
        document = application.document
        application.delete()
        # The file goes once the erasure is committed; a rollback keeps both.
        transaction.on_commit(lambda d=document: d.storage.delete(d.name), robust=True)
    Submission.objects.filter(author=user).update(author=None)
    Follow.objects.filter(user=user).delete()
