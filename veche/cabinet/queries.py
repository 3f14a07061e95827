"""Read side of the official cabinet: whose appeals a person sees, the inbox and its sections,
the appeal's file as the addressee sees it, and the report on subordinate organizations."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from veche.appeals.models import (
    Answer,
    Appeal,
    ControlPeriod,
    Message,
    Revision,
    Signature,
    SupplementaryList,
)
from veche.appeals.ratings import counted_ratings, counted_ratings_q
from veche.appeals.rules import OFFICIAL_ROLES
from veche.cabinet.deadlines import due_soon_q, overdue_q
from veche.cabinet.rules import AWAITING_ANSWER_STATUSES, RECEIVED_STATUSES
from veche.organizations.models import Membership, Organization
from veche.organizations.queries import organization_tree
from veche.organizations.rules import organizations_where

Status = Appeal.Status
PAGE_SIZE = 25

# --- Who sees what --------------------------------------------------------------------------


@dataclass
class CabinetScope:
    """The organizations a person works for, and those they oversee as a head (read-only)."""

    own: list[Organization]
    head_of: set[int]
    # Own organizations and every organization under one they head, in tree order with depth.
    overseen: list[tuple[Organization, int]] = field(default_factory=list)

    @property
    def is_head(self) -> bool:
        return bool(self.head_of)

    def readable(self) -> dict[str, Organization]:
        found = {organization.slug: organization for organization in self.own}
        found.update({organization.slug: organization for organization, _ in self.overseen})
        return found

    def pick(self, slug: str | None) -> Organization:
        """The organization whose inbox to show: the one asked for, else the first own one."""
        if not slug:
            return self.own[0]
        organization = self.readable().get(slug)
        if organization is None:
            raise Http404
        return organization

    def works_for(self, organization: Organization) -> bool:
        return any(own.pk == organization.pk for own in self.own)


def cabinet_scope(user) -> CabinetScope:
    """Refuses (403) anyone who is neither an official nor a head of an organization."""
    if not user.has_perm("cabinet.enter"):
        raise PermissionDenied
    own = list(Organization.objects.filter(pk__in=organizations_where(user, roles=OFFICIAL_ROLES)))
    if not own:
        # A superuser passes every permission check but has no inbox of their own.
        raise PermissionDenied
    head_of = organizations_where(user, roles=Membership.Role.HEAD)
    scope = CabinetScope(own=sorted(own, key=lambda o: o.title), head_of=head_of)
    if head_of:
        scope.overseen = organization_tree(Organization.objects.all(), roots=head_of)
    return scope


def appeal_for_cabinet(user, pk: int) -> Appeal:
    """The one way the cabinet fetches an appeal: 403 for people without a cabinet, 404 for staff
    of organizations that have nothing to do with it (they must not learn it exists)."""
    if not user.has_perm("cabinet.enter"):
        raise PermissionDenied
    appeal = (
        Appeal.objects.select_related(
            "problem__territory",
            "problem__category",
            "problem__author",
            "organization__parent",
            "organization__appeal_policy",
        )
        .filter(pk=pk)
        .first()
    )
    if appeal is None or not user.has_perm("cabinet.view_appeal", appeal):
        raise Http404
    return appeal


# --- Inbox ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    description: str
    condition: Callable[[datetime.date], Q] | None  # None: every received appeal
    ordering: tuple[str, ...]
    tone: str = ""  # how the tile is coloured: "danger", "warn" or plain

    @property
    def hint(self) -> str:
        return str(self.description) % {"days": settings.VECHE_DUE_SOON_DAYS}


SECTIONS: dict[str, Section] = {
    section.key: section
    for section in (
        Section(
            "new",
            _("New"),
            _("Received, not registered yet"),
            lambda today: Q(status=Status.SENT),
            ("sent_at", "id"),
        ),
        Section(
            "due_soon",
            _("Due soon"),
            _("The answer is due within %(days)s days"),
            due_soon_q,
            ("due_date", "id"),
            "warn",
        ),
        Section(
            "overdue",
            _("Overdue"),
            _("Not registered in time, or not answered by the due date"),
            overdue_q,
            ("due_date", "id"),
            "danger",
        ),
        Section(
            "under_control",
            _("Under control"),
            _("Taken under control by a head"),
            lambda today: Q(under_control=True),
            ("due_date", "-id"),
        ),
        Section(
            "answered",
            _("Answered"),
            _("A final answer has been given"),
            lambda today: Q(answered_at__isnull=False),
            ("-answered_at", "-id"),
        ),
        Section("all", _("All"), _("Every appeal received"), None, ("-sent_at", "-id")),
    )
}
DEFAULT_SECTION = "new"


def received_appeals(organization: Organization) -> QuerySet[Appeal]:
    return Appeal.objects.filter(organization=organization, status__in=RECEIVED_STATUSES)


def inbox(organization: Organization, section: Section, today: datetime.date) -> QuerySet[Appeal]:
    """One section's rows, with everything a row shows in the same query."""
    queryset = received_appeals(organization)
    if section.condition is not None:
        queryset = queryset.filter(section.condition(today))
    return (
        queryset.select_related("problem__territory")
        .annotate(since_dispatch=signatures_since_dispatch())
        .order_by(*section.ordering)
    )


def signatures_since_dispatch():
    """How many of an appeal's signatures were given after it was sent (the support it kept
    gathering), as a subquery for its row."""
    return Coalesce(
        Subquery(
            Signature.objects.counted()
            .filter(appeal=OuterRef("pk"), after_dispatch=True)
            .order_by()
            .values("appeal")
            .annotate(count=Count("pk"))
            .values("count")
        ),
        0,
    )


def section_counts(organization: Organization, today: datetime.date) -> dict[str, int]:
    """How many appeals each section holds, in one query."""
    return received_appeals(organization).aggregate(
        **{
            key: Count("pk", filter=section.condition(today)) if section.condition else Count("pk")
            for key, section in SECTIONS.items()
        }
    )


# --- The appeal's file ----------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime.datetime
    # sent, registered, interim, extension, forwarding, final, message_in, message_out, control
    kind: str
    title: str
    text: str = ""
    actor: str = ""
    attachments: tuple = ()
    on_letterhead: bool = False
    late: bool = False  # given after the period the law sets (a late forwarding)
    link: str = ""  # a document the entry is about (another organization's letter)


@dataclass
class AppealFile:
    appeal: Appeal
    revision: Revision | None
    signatures: list[Signature]
    author_signature: Signature | None
    history: list[HistoryEntry]
    rating_average: float | None
    rating_count: int
    previous: list[Appeal]
    supplementary_lists: list[SupplementaryList]
    since_dispatch: int


def appeal_file(appeal: Appeal) -> AppealFile:
    """Everything the addressee's page shows; a fixed number of queries whatever the sizes."""
    revision = appeal.revisions.order_by("-number").first()
    signatures = list(
        # Counted ones: a signature awaiting the confirmation of a changed text went nowhere.
        appeal.signatures.counted()
        .select_related("revision", "supplementary_list")
        .order_by("created_at", "id")
    )
    since_dispatch = sum(1 for signature in signatures if signature.after_dispatch)
    # The addressee has the co-applicants it received: with the appeal and in the lists sent.
    signatures = [s for s in signatures if not s.after_dispatch or s.supplementary_list_id]
    supplementary_lists = list(appeal.supplementary_lists.filter(organization=appeal.organization))
    author_signature = next((s for s in signatures if s.user_id == appeal.problem.author_id), None)
    answers = list(
        appeal.answers.select_related("official", "organization").prefetch_related("attachments")
    )
    messages = list(appeal.messages.select_related("sender"))
    control_periods = list(
        appeal.control_periods.select_related("organization", "head", "lifted_by")
    )
    # The ratings every total counts (not the addressee's own staff's, nor an invalidated
    # signatory's), as the league's.
    ratings = (
        counted_ratings().filter(appeal=appeal).aggregate(average=Avg("score"), count=Count("pk"))
    )
    take_ups = list(appeal.take_ups.select_related("organization", "document"))
    return AppealFile(
        appeal=appeal,
        revision=revision,
        signatures=signatures,
        author_signature=author_signature,
        history=sorted(
            _history(appeal, answers, messages, control_periods, supplementary_lists)
            + _taken_up(take_ups),
            key=lambda entry: entry.at,
        ),
        rating_average=ratings["average"],
        rating_count=ratings["count"],
        previous=_previous_appeals(appeal),
        supplementary_lists=supplementary_lists,
        since_dispatch=since_dispatch,
    )


def taken_up_by(organization: Organization, limit: int = 20) -> list:
    """The problems the organization took up publicly, latest first, with their addressees."""
    return list(
        organization.take_ups_made.select_related("problem", "addressee", "document").order_by(
            "-created_at", "-id"
        )[:limit]
    )


def _taken_up(take_ups) -> list[HistoryEntry]:
    """Other organizations' letters taking the problem up: the addressee reads them with the
    appeal (they came by e-mail too, perhaps before the appeal itself)."""
    return [
        HistoryEntry(
            take_up.created_at,
            "taken_up",
            gettext("Taken up publicly by %(organization)s")
            % {"organization": take_up.organization.short_title},
            text=take_up.text,
            actor=", ".join(filter(None, [take_up.signer_name, take_up.signer_position])),
            link=reverse("appeals:take_up_pdf", args=[take_up.pk]),
        )
        for take_up in take_ups
    ]


def _history(
    appeal: Appeal,
    answers: list[Answer],
    messages: list[Message],
    control_periods: list[ControlPeriod],
    supplementary_lists: list[SupplementaryList],
) -> list[HistoryEntry]:
    entries: list[HistoryEntry] = []
    if appeal.sent_at:
        entries.append(
            HistoryEntry(
                appeal.sent_at,
                "sent",
                gettext("Sent by the author")
                if appeal.sent_by_author
                else gettext("Sent by Veche"),
            )
        )
    if appeal.registered_at:
        entries.append(
            HistoryEntry(
                appeal.registered_at,
                "registered",
                gettext("Registered under No. %(number)s") % {"number": appeal.registration_number},
            )
        )
    forwardings = [a for a in answers if a.kind == Answer.Kind.FORWARDING]
    for answer in answers:
        title = answer.get_kind_display()
        if answer.kind == Answer.Kind.FORWARDING:
            index = forwardings.index(answer)
            to = (
                forwardings[index + 1].organization
                if index + 1 < len(forwardings)
                else appeal.organization
            )
            title = gettext("Forwarded by %(source)s to %(target)s") % {
                "source": answer.organization.short_title,
                "target": to.short_title,
            }
        entries.append(
            HistoryEntry(
                answer.created_at,
                answer.kind,
                title,
                text=answer.text,
                actor=f"{answer.official.private_name} · {answer.organization.short_title}",
                attachments=tuple(answer.attachments.all()),
                on_letterhead=answer.on_letterhead,
                late=answer.late,
            )
        )
    for message in messages:
        if message.audience == Message.Audience.SIGNATORIES:
            kind = "message_out"
            title = (
                gettext("Public message to all signatories")
                if message.public
                else gettext("Message to all signatories")
            )
        elif message.from_organization:
            kind, title = "message_out", gettext("Message to the author")
        else:
            kind, title = "message_in", gettext("Message from the author")
        entries.append(
            HistoryEntry(
                message.created_at,
                kind,
                title,
                text=message.text,
                actor=message.sender.private_name,
            )
        )
    for period in control_periods:
        entries.append(
            HistoryEntry(
                period.taken_at,
                "control",
                gettext("Taken under control by %(organization)s")
                % {"organization": period.organization.short_title},
                actor=period.head.private_name,
            )
        )
        if period.lifted_at:
            entries.append(
                HistoryEntry(
                    period.lifted_at,
                    "control",
                    gettext("Control by %(organization)s lifted")
                    % {"organization": period.organization.short_title},
                    actor=period.lifted_by.private_name if period.lifted_by else "",
                )
            )
    for supplementary in supplementary_lists:
        entries.append(
            HistoryEntry(
                supplementary.created_at,
                "supplementary",
                ngettext(
                    "Supplementary list No. %(number)s: %(count)s signature (No. %(first)s)",
                    "Supplementary list No. %(number)s: %(count)s signatures "
                    "(Nos. %(first)s–%(last)s)",
                    supplementary.count,
                )
                % {
                    "number": supplementary.number,
                    "count": supplementary.count,
                    "first": supplementary.first_number,
                    "last": supplementary.last_number,
                },
            )
        )
    entries.sort(key=lambda entry: entry.at)
    return entries


def _previous_appeals(appeal: Appeal) -> list[Appeal]:
    """The chain of earlier appeals on the same problem (escalations carry their history)."""
    chain: list[Appeal] = []
    previous_id = appeal.previous_id
    while previous_id is not None and len(chain) < 10:
        previous = (
            Appeal.objects.select_related("organization")
            .prefetch_related(
                Prefetch(
                    "answers",
                    queryset=Answer.objects.filter(kind=Answer.Kind.FINAL),
                    to_attr="final_answers",
                )
            )
            .annotate(
                rating_average=Avg("ratings__score", filter=counted_ratings_q()),
                rating_count=Count("ratings", filter=counted_ratings_q()),
            )
            .get(pk=previous_id)
        )
        chain.append(previous)
        previous_id = previous.previous_id
    return chain


# --- Subordinate organizations --------------------------------------------------------------


# Shares of answers on time shown green and amber; below them red.
ON_TIME_GOOD, ON_TIME_FAIR = 90, 70


@dataclass
class OrganizationReport:
    organization: Organization
    depth: int
    received: int = 0
    in_work: int = 0
    answered: int = 0
    on_time: int = 0
    overdue: int = 0
    # Appeals it forwarded late (after the forwarding days, or overdue): a deadline missed, as
    # the league counts it.
    forwarded_late: int = 0
    under_control: int = 0
    rating_sum: float = 0
    rating_count: int = 0

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.on_time / self.answered) if self.answered else None

    @property
    def on_time_tone(self) -> str:
        """How the share is coloured: most answers on time is the norm the law sets."""
        share = self.on_time_percent
        if share is None:
            return ""
        return "ok" if share >= ON_TIME_GOOD else "warn" if share >= ON_TIME_FAIR else "danger"

    @property
    def rating_average(self) -> float | None:
        return self.rating_sum / self.rating_count if self.rating_count else None


def subordinate_report(
    scope: CabinetScope, today: datetime.date
) -> tuple[list[OrganizationReport], OrganizationReport | None]:
    """Each organization a head oversees (tree order) with its deadlines and ratings, and the
    total over them. Three queries whatever the number of organizations; overdue, forwarded late
    and the ratings counted as the league counts them (`veche.appeals.ratings`)."""
    rows = [OrganizationReport(organization, depth) for organization, depth in scope.overseen]
    if not rows:
        return [], None
    by_id = {row.organization.pk: row for row in rows}
    stats = (
        Appeal.objects.filter(organization_id__in=by_id, status__in=RECEIVED_STATUSES)
        .values("organization_id")
        .order_by()
        .annotate(
            received=Count("pk"),
            in_work=Count("pk", filter=Q(status__in=AWAITING_ANSWER_STATUSES)),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
            on_time=Count("pk", filter=Q(answered_on_time=True)),
            overdue=Count("pk", filter=overdue_q(today)),
            under_control=Count("pk", filter=Q(under_control=True)),
        )
    )
    for values in stats:
        row = by_id[values.pop("organization_id")]
        for name, value in values.items():
            setattr(row, name, value)
    forwarded_late = (
        Answer.objects.filter(kind=Answer.Kind.FORWARDING, late=True, organization_id__in=by_id)
        .values("organization_id")
        .order_by()
        .annotate(count=Count("pk"))
    )
    for values in forwarded_late:
        by_id[values["organization_id"]].forwarded_late = values["count"]
    ratings = (
        counted_ratings()
        .filter(appeal__organization_id__in=by_id)
        .values("appeal__organization_id")
        .order_by()
        .annotate(average=Avg("score"), count=Count("pk"))
    )
    for values in ratings:
        row = by_id[values["appeal__organization_id"]]
        row.rating_count = values["count"]
        row.rating_sum = values["average"] * values["count"]
    total = OrganizationReport(organization=None, depth=0)
    for row in rows:
        for name in (
            "received",
            "in_work",
            "answered",
            "on_time",
            "overdue",
            "forwarded_late",
            "under_control",
            "rating_sum",
            "rating_count",
        ):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return rows, total
