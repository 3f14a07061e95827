"""What the cabinet shows on other apps' pages (`veche.core.sections`): on the list of
organizations, the way to apply for a cabinet, and to the platform's reviewers the applications
waiting for them."""

from veche.cabinet.queries_organization import pending_count
from veche.core import sections


def apply_for_cabinet(request, _subject):
    return "cabinet/sections/apply.html", {}


def applications_waiting(request, _subject):
    return "cabinet/sections/applications_waiting.html", {"pending_count": pending_count()}


def register() -> None:
    sections.register("organizations", "apply_for_cabinet", order=10, content=apply_for_cabinet)
    sections.register(
        "organizations",
        "applications_waiting",
        order=10,
        slot="top",
        content=applications_waiting,
        permission="organizations.review_applications",
    )
