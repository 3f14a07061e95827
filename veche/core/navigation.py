"""Links to the workspaces of staff (the cabinet, an organizer's discussions, e-control), which
the product apps register in their `AppConfig.ready()`: the header shows a person the first one
their permissions open, so it never offers a page that answers 403, and core imports no product
app."""

from dataclasses import dataclass

import rules
from django.urls import reverse


@dataclass(frozen=True)
class WorkspaceLink:
    label: str  # a lazy translation
    url_name: str
    # A django-rules permission, asked of its rule: the same question the page asks, without
    # Django's "a superuser holds every permission", which would offer a superuser the cabinet of
    # no organization.
    permission: str
    order: int

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_LINKS: dict[str, WorkspaceLink] = {}


def register_workspace(*, label, url_name: str, permission: str, order: int) -> None:
    _LINKS[url_name] = WorkspaceLink(label, url_name, permission, order)


def workspace_links() -> list[WorkspaceLink]:
    return sorted(_LINKS.values(), key=lambda link: link.order)


def workspace_for(user) -> WorkspaceLink | None:
    """The workspace the header offers this person: the first one they may open, or none."""
    if not getattr(user, "is_authenticated", False):
        return None
    # The workspaces' rules ask the person's staff roles, which are read once per request
    # (`veche.organizations.rules`): one query answers every link, for residents and staff alike,
    # and none when the page or the middleware has already asked.
    return next((link for link in workspace_links() if rules.has_perm(link.permission, user)), None)
