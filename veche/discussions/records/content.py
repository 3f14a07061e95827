"""The content of a discussion's documents as plain data, drawn alike as PDF and as DOCX: the
submissions in their two groups, the notice, the organizer and the signatory, the annex."""

import datetime
import functools
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veche.core.i18n import translate
from veche.discussions.models import Discussion, MaterialVersion, Submission
from veche.discussions.models.submissions import ONLINE_CHANNELS
from veche.discussions.queries_debate import is_debated
from veche.discussions.records.statistics import (
    GROUP_LABELS,
    GROUP_OF_BASIS,
    OTHERS,
    RESIDENTS,
    Statistics,
    parse_date,
    participant_key,
    protocol_submissions,
    statistics_of,
    submitted_on,
)
from veche.discussions.records.votes import votes_of
from veche.documents.letterhead import heading_lines, position_of
from veche.moderation.models import ground_label


@dataclass(frozen=True)
class Entry:
    """One submission as the documents show it: no personal data of a natural person, who is
    named by their participant number only (`public_label`)."""

    number: str
    kind: str
    date: str
    author: str
    text: str
    about: str
    answers: list[str]
    recommendation: str
    reasons: str
    channel: str
    # Participants' marks in the public debate, for information ("" for a question).
    marks: str = ""


def masked(submission: Submission) -> str:
    """What the documents show of a submission a moderator hid: the ground, not the text."""
    return _("The text is hidden by a moderator. Ground: %(ground)s.") % {
        "ground": ground_label(submission.hidden_reason) or "—"
    }


@functools.lru_cache(maxsize=64)
def _choices(field: str, _language: str) -> dict[str, str]:
    return {value: str(label) for value, label in Submission._meta.get_field(field).flatchoices}


def _display(submission: Submission, field: str) -> str:
    """What get_FOO_display() says, from the field's choices translated once per language:
    Django hashes and translates every choice at each call (2 s for 10 000 entries)."""
    value = getattr(submission, field)
    return _choices(field, translation.get_language() or "").get(value, str(value))


def public_label(submission: Submission) -> str:
    """Who sent a submission, as the protocol and the conclusion print it: a legal entity by its
    name, a natural person (a sole trader too) only by the number the site shows them under
    without consent, whatever their consent. The documents are kept as signed and published, so
    a name printed in them would outlive a consent withdrawn or an account erased later, and the
    number beside it would tie it to the person's other submissions on the site. Their names stay
    in the organizer's annex."""
    if submission.as_legal_entity and not submission.is_sole_trader:
        return str(submission.public_author)
    return _("Participant No. %(number)s") % {"number": submission.participant_number}


def entry_of(submission: Submission, discussion: Discussion) -> Entry:
    about = ""
    if submission.material_id:
        about = _("on “%(title)s”") % {"title": submission.material.title}
        if submission.page:
            about += ", " + _("p. %(page)s") % {"page": submission.page}
    hidden = submission.hidden_at is not None
    return Entry(
        number=submission.registration_number,
        kind=_display(submission, "kind"),
        date=_day(submitted_on(submission, discussion)),
        author=public_label(submission),
        text=masked(submission) if hidden else submission.text,
        about=about,
        answers=[] if hidden else [answer.text for answer in submission.answers.all()],
        recommendation=_display(submission, "recommendation")
        if submission.recommendation
        else _("no recommendation yet"),
        reasons=submission.recommendation_reason,
        channel=_display(submission, "channel"),
        marks=marks_of(submission),
    )


def marks_of(submission: Submission) -> str:
    """The support and objections the participants marked, labelled as information: the
    recommendation is the organizer's reasoned act, not a count."""
    if not is_debated(submission):
        return ""
    return _("For information: supported by %(support)s, objected to by %(objections)s.") % {
        "support": getattr(submission, "support_count", 0),
        "objections": getattr(submission, "object_count", 0),
    }


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    note: str
    entries: list[Entry]
    continued: bool = False  # goes on from the part before (records/parts.py)
    number: int = 0  # in a part: its place among the record's groups (records/parts.py)


def groups_of(submissions: list[Submission], discussion: Discussion) -> list[Group]:
    notes = {
        RESIDENTS: _("Participants permanently residing in the territory concerned."),
        OTHERS: _(
            "Right holders of land plots, buildings and premises in the territory, and other "
            "participants."
        ),
    }
    return [
        Group(
            key=key,
            title=str(label).capitalize(),
            note=notes[key],
            entries=[
                entry_of(s, discussion) for s in submissions if GROUP_OF_BASIS[s.basis] == key
            ],
        )
        for key, label in GROUP_LABELS.items()
    ]


@dataclass(frozen=True)
class Signatory:
    title: str
    name: str


@dataclass(frozen=True)
class Record:
    """The content of a protocol, conclusion or extract, shared by its PDF and its DOCX."""

    discussion: Discussion
    heading: list[str]
    kind_of: str  # "of the public discussion" / "of the public hearing"
    number: str
    date: str
    organizer: list[tuple[str, str]]
    notice: list[tuple[str, str]]
    notice_source: str
    intake: str
    territory: str
    groups: list[Group]
    statistics: Statistics
    signatory: Signatory | None
    draft: bool = False
    protocol_requisites: str = ""
    conclusions: str = ""
    extract_for: str = ""
    meeting: "Meeting | None" = None  # a hearing's meeting of participants, in the protocol
    votes: tuple = ()  # the advisory vote's results (records/votes.py), protocol only

    @property
    def entries(self) -> list[Entry]:
        return [entry for group in self.groups for entry in group.entries]


KIND_OF = {
    Discussion.Kind.DISCUSSION: gettext_lazy("of the public discussion"),
    Discussion.Kind.HEARING: gettext_lazy("of the public hearing"),
}
RESULTS_OF = {
    Discussion.Kind.DISCUSSION: gettext_lazy("on the results of the public discussion"),
    Discussion.Kind.HEARING: gettext_lazy("on the results of the public hearing"),
}


def _day(day: datetime.date | datetime.datetime | None, zone=None) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime.datetime):
        day = day.astimezone(zone) if zone else timezone.localtime(day)
    return day.strftime("%d.%m.%Y")


def _period(start: datetime.date, end: datetime.date) -> str:
    return _("from %(start)s to %(end)s") % {"start": _day(start), "end": _day(end)}


def discussion_url(discussion: Discussion) -> str:
    return settings.SITE_URL + discussion.get_absolute_url()


def notice_of(discussion: Discussion) -> list[tuple[str, str]]:
    """The notice's content (docs/rules.md "Notice contains"), as it was announced."""
    versions = (
        MaterialVersion.objects.filter(material__discussion=discussion)
        .select_related("material")
        .order_by("material__position", "material_id", "number")
    )
    latest: dict[int, MaterialVersion] = {}
    for version in versions:
        latest[version.material_id] = version
    materials = "; ".join(
        _("%(title)s (version %(number)s of %(date)s)")
        % {
            "title": version.material.title,
            "number": version.number,
            "date": _day(version.uploaded_at, discussion.zone),
        }
        for version in latest.values()
    )
    organizer = discussion.organizer
    procedure = _(
        "notice on %(notice)s; exposition of the project %(exposition)s; intake of proposals "
        "and remarks %(intake)s; protocol by %(protocol)s; conclusion by %(conclusion)s"
    ) % {
        "notice": _day(discussion.notice_date),
        "exposition": _period(discussion.exposition_start, discussion.exposition_end),
        "intake": _period(discussion.intake_start, discussion.intake_end),
        "protocol": _day(discussion.protocol_due),
        "conclusion": _day(discussion.conclusion_due),
    }
    exposition = ", ".join(
        part
        for part in (
            discussion.exposition_place or _("on the site"),
            _period(discussion.exposition_start, discussion.exposition_end),
            discussion.exposition_hours,
        )
        if part
    )
    forms = [
        _("on the site %(url)s, by participants identified through the national ID system")
        % {"url": discussion_url(discussion)},
        _("in writing to the organizer at %(address)s") % {"address": organizer.postal_address},
        _("in the exposition visitors' book"),
    ]
    if discussion.kind == Discussion.Kind.HEARING:
        forms.append(_("orally or in writing at the meeting of participants"))
    items = [
        (_("Project"), discussion.title),
        (
            _("Form and subject"),
            f"{discussion.get_kind_display()}; {discussion.get_subject_display()}",
        ),
        (_("Materials of the project"), materials or _("none")),
        (_("Procedure and periods"), procedure),
        (_("Exposition"), exposition),
        (
            _("Submitting proposals and remarks"),
            _period(discussion.intake_start, discussion.intake_end) + ": " + "; ".join(forms),
        ),
    ]
    if discussion.kind == Discussion.Kind.HEARING and discussion.meeting_at:
        items.append(
            (
                _("Meeting of participants"),
                ", ".join(
                    part
                    for part in (
                        discussion.meeting_at.astimezone(discussion.zone).strftime(
                            "%d.%m.%Y %H:%M"
                        ),
                        discussion.meeting_place,
                    )
                    if part
                ),
            )
        )
    items.append((_("Site of the discussion"), discussion_url(discussion)))
    return items


@dataclass(frozen=True)
class Meeting:
    facts: list[tuple[str, str]]
    minutes: str  # Markdown


def meeting_of(discussion: Discussion) -> Meeting | None:
    """A hearing's meeting as the protocol records it, once it was held online or its record
    published (a protocol without either keeps its pages as they were)."""
    if discussion.kind != Discussion.Kind.HEARING or discussion.meeting_at is None:
        return None
    remarks = dict(
        discussion.submissions.filter(
            channel__in=(Submission.Channel.MEETING, Submission.Channel.MEETING_ONLINE)
        )
        .values_list("channel")
        .annotate(count=Count("pk"))
    )
    online = remarks.get(Submission.Channel.MEETING_ONLINE, 0)
    if not (discussion.meeting_record_published_at or discussion.broadcast_url or online):
        return None
    zone = discussion.zone
    start = discussion.meeting_at.astimezone(zone).strftime("%d.%m.%Y %H:%M")
    time = f"{start} – {discussion.meeting_end.astimezone(zone).strftime('%H:%M')}"
    return Meeting(
        facts=[
            (_("Time"), time),
            (_("Place"), discussion.meeting_place or "—"),
            (_("Broadcast"), discussion.broadcast_url or "—"),
            (_("Recording"), discussion.recording_url or "—"),
            (
                _("Remarks at the meeting"),
                _("%(all)s, of them %(online)s sent online")
                % {"all": sum(remarks.values()), "online": online},
            ),
        ],
        minutes=discussion.meeting_minutes,
    )


def organizer_of(discussion: Discussion) -> list[tuple[str, str]]:
    organization = discussion.organizer
    contacts = [organization.postal_address]
    if organization.phone:
        contacts.append(_("tel. %(phone)s") % {"phone": organization.phone})
    if organization.public_email:
        contacts.append(organization.public_email)
    return [(organization.title, ", ".join(part for part in contacts if part))]


def signatory_of(discussion: Discussion, user) -> Signatory | None:
    if user is None:
        return None
    return Signatory(
        title=position_of(user, discussion.organizer)
        or translate(discussion.organizer.signatory_title)
        or _("Organizer %(kind_of)s") % {"kind_of": KIND_OF[discussion.kind]},
        name=user.full_name or str(user.public_name),  # never an e-mail address in print
    )


def _record(
    discussion: Discussion,
    submissions: list[Submission],
    *,
    date: str,
    signatory: Signatory | None,
    draft: bool = False,
    **extra,
) -> Record:
    return Record(
        discussion=discussion,
        heading=heading_lines(discussion.organizer),
        kind_of=str(KIND_OF[discussion.kind]),
        number=discussion.registration_prefix,
        date=date,
        organizer=organizer_of(discussion),
        notice=notice_of(discussion),
        notice_source=_("published on %(date)s on the site %(url)s")
        % {"date": _day(discussion.notice_date), "url": discussion_url(discussion)},
        intake=_period(discussion.intake_start, discussion.intake_end),
        territory=discussion.territory.title,
        groups=groups_of(submissions, discussion),
        statistics=statistics_of(discussion, submissions),
        signatory=signatory,
        draft=draft,
        **extra,
    )


def protocol_record(
    discussion: Discussion, *, draft: bool = False, submissions: bool = True
) -> Record:
    """The protocol's content; a draft (before signing) is dated today and signed by nobody.
    Without `submissions`, its requisites only (what the annex prints of it)."""
    signed = discussion.protocol_signed_at
    return _record(
        discussion,
        protocol_submissions(discussion) if submissions else [],
        date=_day(signed or timezone.now(), discussion.zone),
        signatory=None if draft else signatory_of(discussion, discussion.protocol_signed_by),
        draft=draft,
        meeting=meeting_of(discussion) if submissions else None,
        votes=votes_of(discussion) if submissions else (),
    )


def protocol_requisites(discussion: Discussion) -> str:
    return _("protocol %(kind_of)s No. %(number)s of %(date)s, verification code %(code)s") % {
        "kind_of": KIND_OF[discussion.kind],
        "number": discussion.registration_prefix,
        "date": _day(discussion.protocol_signed_at, discussion.zone),
        "code": discussion.protocol_code or "—",
    }


def conclusion_record(discussion: Discussion) -> Record:
    published = discussion.conclusion_published_at
    return _record(
        discussion,
        protocol_submissions(discussion),
        date=_day(published or timezone.now(), discussion.zone),
        signatory=signatory_of(discussion, discussion.conclusion_published_by),
        draft=published is None,
        protocol_requisites=protocol_requisites(discussion),
        conclusions=discussion.conclusion_text,
    )


def extract_record(discussion: Discussion, user) -> Record:
    """The protocol with this person's own submissions only."""
    own = protocol_submissions(discussion, author=user)
    return _record(
        discussion,
        own,
        date=_day(discussion.protocol_signed_at, discussion.zone),
        signatory=signatory_of(discussion, discussion.protocol_signed_by),
        extract_for=user.full_name or str(user.public_name),
    )


# --- The participants' annex (personal data: organizer only, never published) ---------------


@dataclass(frozen=True)
class Participant:
    name: str
    identifier: str  # birth date, or OGRN of a legal entity
    address: str
    basis: str
    identified: str
    numbers: list[str]


def annex_of(discussion: Discussion) -> list[Participant]:
    rows: dict[tuple, dict] = {}
    # The fields the list needs, a batch at a time: a hearing can have tens of thousands.
    submissions = (
        discussion.submissions.all()
        .only(
            "number",
            "registration_number",
            "participant",
            "as_legal_entity",
            "author_id",
            "channel",
            "basis",
        )
        .order_by("number")
        .iterator(chunk_size=2000)
    )
    for submission in submissions:
        data = submission.participant
        key = participant_key(submission)
        if key not in rows:
            if submission.as_legal_entity:
                name = data.get("legal_name", "")
                if data.get("full_name"):
                    name += " — " + _("represented by %(name)s") % {"name": data["full_name"]}
                identifier = _("OGRN %(ogrn)s") % {"ogrn": data.get("ogrn", "")}
                address = data.get("legal_address", "")
            else:
                name = data.get("full_name", "")
                birthdate = parse_date(data.get("birthdate", ""))
                identifier = _day(birthdate) if birthdate else data.get("birthdate", "")
                address = data.get("address", "")
            if submission.channel in ONLINE_CHANNELS:  # identified by the account
                identified = _("%(source)s, %(date)s") % {
                    "source": data.get("verification", "") or _("account"),
                    "date": _day(parse_date(data.get("verified_at", "")[:10])),
                }
            else:
                identified = str(submission.get_channel_display())
            rows[key] = {
                "name": name,
                "identifier": identifier,
                "address": address,
                "basis": str(submission.get_basis_display()),
                "identified": identified.strip(", "),
                "numbers": [],
            }
        rows[key]["numbers"].append(submission.registration_number)
    return [Participant(**row) for row in rows.values()]
