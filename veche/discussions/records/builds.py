"""Building a discussion's documents in the background, never inside a web request: the protocol of
a hearing with ten thousand submissions takes minutes to lay out.

A build is a stored `RecordBuild`, queued (a django-tasks task) only after the transaction that
asked for it commits. A worker claims it with one conditional update that sets a lease, reports
its progress part by part (renewing the lease), and stores the file; the organizer's page shows
the progress. A build whose worker died (its lease ran out) or whose task was lost is queued again
by `requeue_stalled`, which `veche discussion_tick` runs; after `MAX_ATTEMPTS` it is failed.
"""

import datetime
import logging
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from veche.discussions.models import Discussion, RecordBuild
from veche.discussions.records import pdf, word

logger = logging.getLogger(__name__)

Kind, State = RecordBuild.Kind, RecordBuild.State
UNFINISHED = (State.QUEUED, State.RUNNING)
# Longer than the slowest part takes (a part of 500 submissions: about half a minute); renewed
# with every part.
LEASE = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 3

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _file_name(build: RecordBuild) -> str:
    extension = "docx" if build.kind in (Kind.PROTOCOL_DOCX, Kind.CONCLUSION_DOCX) else "pdf"
    return f"{build.kind}-{build.pk}.{extension}"


# The builders of the kinds: the drafts and copies give their bytes, stored on the build; the
# signed protocol and the published conclusion are kept on the discussion by `keep`, given as
# `finishers` by the services (they register the document and record the event).
BUILDERS: dict[str, Callable] = {
    Kind.DRAFT_PROTOCOL: pdf.draft_protocol_pdf,
    Kind.ANNEX: pdf.annex_pdf,
    Kind.PROTOCOL_DOCX: word.protocol_docx,
    Kind.CONCLUSION_DOCX: word.conclusion_docx,
}
FINISHERS: dict[str, Callable] = {}


def register_finisher(kind: str, finish: Callable) -> None:
    """`finish(discussion, progress)` builds and keeps a published document of `kind`."""
    FINISHERS[kind] = finish


def request(discussion: Discussion, kind: str, user=None) -> RecordBuild:
    """The build of `kind` under way for this discussion, else a new one, queued once the
    caller's transaction commits."""
    under_way = RecordBuild.objects.filter(
        discussion=discussion, kind=kind, state__in=UNFINISHED
    ).first()
    if under_way is not None:
        return under_way
    try:
        with transaction.atomic():
            build = RecordBuild.objects.create(discussion=discussion, kind=kind, requested_by=user)
    except IntegrityError:  # asked twice at once: the other request's build
        return RecordBuild.objects.get(discussion=discussion, kind=kind, state__in=UNFINISHED)
    transaction.on_commit(lambda: _queue(build.pk))
    return build


def _queue(build_pk: int) -> None:
    from veche.discussions.tasks import build_record

    # robust: the build is stored; if the queue refuses it now, requeue_stalled queues it.
    try:
        build_record.enqueue(build_pk)
    except Exception:
        logger.exception("record build %s not queued", build_pk)


def _claimable(now: datetime.datetime) -> Q:
    return Q(state=State.QUEUED) | Q(state=State.RUNNING, lease_until__lt=now)


def run(build_pk: int) -> str:
    """Claim the build, build the document, store it; returns what happened, in a word or two."""
    now = timezone.now()
    claimed = (
        RecordBuild.objects.filter(pk=build_pk)
        .filter(_claimable(now))
        .update(
            state=State.RUNNING,
            lease_until=now + LEASE,
            attempts=F("attempts") + 1,
            started_at=now,
            done=0,
            error="",
        )
    )
    if not claimed:
        return "not claimed"
    build = RecordBuild.objects.select_related("discussion").get(pk=build_pk)
    # Only the holder of this attempt records progress and the outcome.
    ours = RecordBuild.objects.filter(pk=build_pk, state=State.RUNNING, attempts=build.attempts)

    def progress(done: int, total: int) -> None:
        ours.update(done=done, total=total, lease_until=timezone.now() + LEASE)

    discussion = Discussion.objects.select_related(
        "territory", "organizer", "protocol_signed_by", "conclusion_published_by"
    ).get(pk=build.discussion_id)
    try:
        if build.kind in FINISHERS:
            FINISHERS[build.kind](discussion, progress)
            content = None
        else:
            content = BUILDERS[build.kind](discussion, progress)
    except Exception as error:
        logger.exception("record build %s (%s) failed", build_pk, build.kind)
        ours.update(
            state=State.FAILED,
            lease_until=None,
            finished_at=timezone.now(),
            error=f"{type(error).__name__}: {error}"[:2000],
        )
        return "failed"
    name = ""
    if content is not None:
        name = build.file.storage.save(
            build_path_of(build, _file_name(build)), ContentFile(content)
        )
    finished = ours.update(
        state=State.DONE, lease_until=None, finished_at=timezone.now(), file=name
    )
    if not finished and name:
        build.file.storage.delete(name)  # the lease ran out and another worker took it over
        return "lost its lease"
    # The file of the build before is not needed any more.
    for older in RecordBuild.objects.filter(
        discussion_id=build.discussion_id, kind=build.kind, state=State.DONE, pk__lt=build.pk
    ).exclude(file=""):
        older.file.delete(save=False)
        RecordBuild.objects.filter(pk=older.pk).update(file="")
    return "built"


def build_path_of(build: RecordBuild, filename: str) -> str:
    return build.file.field.generate_filename(build, filename)


def requeue_stalled(now: datetime.datetime | None = None) -> int:
    """Queue again every build whose worker died or whose task was lost; fail those tried
    `MAX_ATTEMPTS` times. Returns how many were queued."""
    now = now or timezone.now()
    stalled = RecordBuild.objects.filter(
        Q(state=State.RUNNING, lease_until__lt=now)
        | Q(state=State.QUEUED, requested_at__lt=now - LEASE)
    )
    stalled.filter(attempts__gte=MAX_ATTEMPTS).update(
        state=State.FAILED, lease_until=None, finished_at=now, error="gave up: the worker stopped"
    )
    due = list(stalled.filter(attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True))
    for pk in due:
        _queue(pk)
    return len(due)


def latest(discussion: Discussion) -> dict[str, RecordBuild]:
    """The newest build of each kind of this discussion, in one query."""
    found: dict[str, RecordBuild] = {}
    for build in RecordBuild.objects.filter(discussion=discussion).order_by("-requested_at", "-pk"):
        found.setdefault(build.kind, build)
    return found


def ready_file(discussion: Discussion, kind: str) -> RecordBuild | None:
    """The newest finished build of `kind` that has its file."""
    return (
        RecordBuild.objects.filter(discussion=discussion, kind=kind, state=State.DONE)
        .exclude(file="")
        .order_by("-requested_at", "-pk")
        .first()
    )
