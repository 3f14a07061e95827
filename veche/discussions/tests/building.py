"""Tests run the background builds of documents as the worker does: a build is queued when the
transaction commits, which a test's transaction never does."""

from veche.discussions.models import RecordBuild
from veche.discussions.records import builds


def run_builds() -> list[str]:
    """Run every queued build, oldest first; what each did."""
    queued = RecordBuild.objects.filter(state=RecordBuild.State.QUEUED).order_by("pk")
    return [builds.run(pk) for pk in queued.values_list("pk", flat=True)]
