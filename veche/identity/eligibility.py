"""The one place that answers "may this person do this here, and if not, why".

`decide` is a pure function of a requirement and a person's facts on a day, so that it can be
tested exhaustively; `check_eligibility` gathers the facts from the database and calls it.
"""

import calendar
import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from veche.core.release import keyed
from veche.core.stamped import Read, forget, keep_many, move_on, move_on_many, stamped
from veche.identity.legal_entities import LegalEntity
from veche.identity.models import EligibilityRule, Level, PropertyClaim, Verification
from veche.territories.models import Territory


@dataclass(frozen=True)
class Requirement:
    min_level: int = Level.EMAIL
    min_age: int | None = None
    # Territories (path, name) whose residents (and, when owners_qualify, owners) may act.
    territories: tuple[tuple[str, str], ...] = ()
    owners_qualify: bool = False


@dataclass(frozen=True)
class Facts:
    signed_in: bool = True
    level: int = Level.NONE
    birthdate: datetime.date | None = None
    residence_path: str | None = None
    residence_name: str = ""
    owned_paths: tuple[str, ...] = ()
    pending_owned_paths: tuple[str, ...] = ()
    expired_on: datetime.date | None = None  # the best verification that lapsed, if any


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reasons: tuple[str, ...] = ()
    basis: str = ""  # "resident", "owner" or "" when territory does not matter
    facts: Facts = field(default_factory=Facts)
    # What the person can do about a refusal: "verify" (confirm their identity, age or
    # residence), "property" (declare property in the territories), or "" when nothing they
    # do here would change it (a verified resident of another district, too young).
    remedy: str = ""

    def __bool__(self) -> bool:
        return self.allowed


def age_on(birthdate: datetime.date, day: datetime.date) -> int:
    """Full years on `day`. Born on 29 February: a year is complete on 28 February in common
    years (the term ends on the last day of the month, Civil Code of Russia art. 192)."""
    years = day.year - birthdate.year
    if birthdate.month == 2 and birthdate.day == 29 and not calendar.isleap(day.year):
        anniversary = datetime.date(day.year, 2, 28)
    else:
        anniversary = birthdate.replace(year=day.year)
    return years - 1 if day < anniversary else years


def _inside(path: str | None, territories: tuple[tuple[str, str], ...]) -> bool:
    return path is not None and any(path.startswith(t_path) for t_path, _name in territories)


def _places(territories: tuple[tuple[str, str], ...]) -> str:
    return ", ".join(name for _path, name in territories)


def decide(requirement: Requirement, facts: Facts, day: datetime.date) -> Decision:
    """Whether a person with these facts may act on `day`, with every reason they may not."""
    if not facts.signed_in:
        return Decision(False, (_("Sign in to do this."),), facts=facts)
    reasons: list[str] = []
    remedies: set[str] = set()
    if facts.level < requirement.min_level:
        remedies.add("verify")
        if facts.expired_on is not None:
            reasons.append(
                _("Your identity verification expired on %(date)s. Confirm your identity again.")
                % {"date": date_format(facts.expired_on)}
            )
        else:
            reasons.append(
                _("This requires: %(required)s. Your account: %(current)s.")
                % {
                    "required": Level(requirement.min_level).label,
                    "current": Level(_nearest_level(facts.level)).label,
                }
            )
    if requirement.min_age:
        if facts.birthdate is None:
            remedies.add("verify")
            reasons.append(
                _(
                    "Only people aged %(age)s or older may do this, and your date of birth is not "
                    "verified."
                )
                % {"age": requirement.min_age}
            )
        else:
            years = age_on(facts.birthdate, day)
            if years < requirement.min_age:
                reasons.append(
                    ngettext(
                        "Only people aged %(age)s or older may do this; "
                        "you are %(years)s year old.",
                        "Only people aged %(age)s or older may do this; "
                        "you are %(years)s years old.",
                        years,
                    )
                    % {"age": requirement.min_age, "years": years}
                )
    basis = ""
    if requirement.territories:
        if _inside(facts.residence_path, requirement.territories):
            basis = "resident"
        elif requirement.owners_qualify and any(
            _inside(path, requirement.territories) for path in facts.owned_paths
        ):
            basis = "owner"
        else:
            places = _places(requirement.territories)
            if facts.residence_path is None:
                remedies.add("verify")
                reason = _(
                    "You must live in %(places)s, and your place of residence is not verified."
                ) % {"places": places}
            else:
                reason = _(
                    "You must live in %(places)s; your verified address is in %(yours)s."
                ) % {"places": places, "yours": facts.residence_name}
            if requirement.owners_qualify:
                if any(_inside(p, requirement.territories) for p in facts.pending_owned_paths):
                    reason += " " + _("Your property claim there is awaiting review.")
                else:
                    remedies.add("property")
                    reason += " " + _(
                        "Owners of property there may take part too: declare "
                        "your property on your verification page."
                    )
            reasons.append(reason)
    remedy = next((r for r in ("verify", "property") if r in remedies), "")
    return Decision(not reasons, tuple(reasons), basis if not reasons else "", facts, remedy)


def _nearest_level(level: int) -> int:
    return max(value for value in Level.values if value <= level)


# --- Gathering facts ----------------------------------------------------------------------


def person_facts(user, moment: datetime.datetime | None = None) -> Facts:
    if user is None or not user.is_authenticated:
        return Facts(signed_in=False)
    moment = moment or timezone.now()
    record = record_of(user)
    verifications = record.verifications
    valid = [v for v in verifications if v.is_valid_on(moment)]
    level = Level.EMAIL if record.email_confirmed else Level.NONE
    level = max([level, *(v.level for v in valid)])
    # The strongest source speaks for the person's birth date and residence.
    best = sorted(valid, key=lambda v: (v.level, v.verified_at), reverse=True)
    birthdate = next((v.birthdate for v in best if v.birthdate), None)
    residence = next((v.territory for v in best if v.territory_id), None)
    # A lapsed verification that would have given more explains a refusal better.
    lapsed = [
        v.expires_at
        for v in verifications
        if v.revoked_at is None
        and v.level > level
        and v.expires_at is not None
        and v.expires_at <= moment
    ]
    claims = record.claims
    return Facts(
        level=level,
        birthdate=birthdate,
        residence_path=residence.path if residence else None,
        residence_name=residence.title if residence else "",
        owned_paths=tuple(
            c.territory.path for c in claims if c.status == PropertyClaim.Status.ACCEPTED
        ),
        pending_owned_paths=tuple(
            c.territory.path for c in claims if c.status == PropertyClaim.Status.PENDING
        ),
        expired_on=timezone.localdate(max(lapsed)) if lapsed else None,
    )


# --- What eligibility reads of a person, kept in the shared cache -------------------------

# Every action and every page that offers one reads a person's verifications, whether an e-mail
# address is confirmed and the property claims: three queries that change only when the person
# is verified, confirms an address or declares property. They are kept in the shared cache as
# the rows themselves, stamped with a version of the person's that every such change moves on
# (and with the territories' version: the rows carry their territories' paths and names). What
# the rows mean at a moment (valid, lapsed, revoked) is still decided at that moment by the code
# above, so a verification that lapses needs no change to stop counting.


# How long a record is kept in a shared cache: the time between opening a page and acting on it,
# and no longer, since the rows hold personal data (names, birth dates, addresses).
RECORD_SECONDS = 15 * 60


@dataclass(frozen=True)
class PersonRecord:
    verifications: tuple = ()
    email_confirmed: bool = False
    claims: tuple = ()


def _record_version_key(user_id: int) -> str:
    return f"eligibility:person-version:{user_id}"


def _record_key(user_id: int) -> str:
    return f"eligibility:person:{user_id}"


def _record_versions(user_id: int) -> tuple[str, str]:
    return (_record_version_key(user_id), TERRITORIES_VERSION_KEY)


def _record_read(user_id: int) -> Read:
    return Read(_record_key(user_id), _record_versions(user_id))


def person_reads(user_id: int) -> list[Read]:
    """What checking the eligibility of the person with `user_id` reads from the shared cache
    (their record, and whatever the registered restrictions read), for a request to read it
    ahead."""
    reads = [_record_read(user_id)]
    for reads_of in _RESTRICTION_READS.values():
        reads += reads_of(user_id)
    return reads


def record_of(user) -> PersonRecord:
    """The person's record: the one read for this request (`prefetch_verifications`), else
    from the shared cache, else from the database."""
    held = getattr(user, "_eligibility_record", None)
    if held is not None:
        return held
    key, version_keys = _record_read(user.pk)
    return stamped(
        key, version_keys, lambda: _read_records([user.pk])[user.pk], shared_seconds=RECORD_SECONDS
    )


def _read_records(user_ids: list[int]) -> dict[int, PersonRecord]:
    from allauth.account.models import EmailAddress

    verifications: dict[int, list] = {pk: [] for pk in user_ids}
    claims: dict[int, list] = {pk: [] for pk in user_ids}
    # Without the territories' boundaries (GeoJSON, up to hundreds of KB each), which
    # eligibility never reads: they would be copied into every person's record.
    for verification in (
        Verification.objects.filter(user_id__in=user_ids)
        .select_related("territory")
        .defer("territory__boundary")
    ):
        verifications[verification.user_id].append(verification)
    for claim in (
        PropertyClaim.objects.filter(user_id__in=user_ids)
        .select_related("territory")
        .defer("territory__boundary")
    ):
        claims[claim.user_id].append(claim)
    confirmed = set(
        EmailAddress.objects.filter(user_id__in=user_ids, verified=True).values_list(
            "user_id", flat=True
        )
    )
    return {
        pk: PersonRecord(tuple(verifications[pk]), pk in confirmed, tuple(claims[pk]))
        for pk in user_ids
    }


def keep_records(user_ids: list[int]) -> None:
    """Put these people's records in the shared cache at once, as the first page each of them
    opens would: a warm-up (the surge benchmark prepares its crowd so)."""
    records = _read_records(user_ids)
    keep_many(
        {_record_key(pk): record for pk, record in records.items()},
        {_record_key(pk): _record_versions(pk) for pk in records},
        shared_seconds=RECORD_SECONDS,
    )


def person_changed(user_id: int) -> None:
    """What eligibility knows of the person is stale (and, holding personal data, deleted at
    once): called by the signals below, and by the services for a change those do not see (a
    queryset's `update`)."""
    forget(_record_key(user_id), _record_version_key(user_id))


def people_changed(user_ids) -> None:
    """`person_changed` for many people at once (what a census list or a provider verified,
    taken back by one update), a thousand to a round trip."""
    ids = list(dict.fromkeys(user_ids))
    for start in range(0, len(ids), 1000):
        cache.delete_many([keyed(_record_key(pk)) for pk in ids[start : start + 1000]])
    move_on_many([_record_version_key(pk) for pk in ids])


def _record_changed(instance, **kwargs) -> None:
    if instance.user_id is not None:
        person_changed(instance.user_id)


def _address_moving(sender, instance, **kwargs) -> None:
    """An address given to another account (the admin can) leaves the one it came from."""
    if instance.pk is None:
        return
    before = sender.objects.filter(pk=instance.pk).values_list("user_id", flat=True).first()
    if before is not None and before != instance.user_id:
        person_changed(before)


def _connect_record_signals() -> None:
    from allauth.account.models import EmailAddress

    for model in (Verification, PropertyClaim, EmailAddress):
        for signal in (post_save, post_delete):
            signal.connect(_record_changed, sender=model, weak=False)
    pre_save.connect(_address_moving, sender=EmailAddress, weak=False)


_connect_record_signals()


def verifications_of(user) -> list:
    """The person's verifications with their territories, read once per request when the
    caller prefetched them (`prefetch_verifications`), else from the person's record."""
    return list(record_of(user).verifications)


def prefetch_verifications(user) -> None:
    """Read the person's record once for what follows (eligibility, then the signed snapshot
    of the co-applicant), instead of once for each."""
    user._eligibility_record = record_of(user)


def legal_entity_of(user, moment: datetime.datetime | None = None) -> LegalEntity | None:
    """The legal entity a currently valid verification says the person represents, or None.
    The strongest and then the latest verification speaks, as for the other facts."""
    if user is None or not user.is_authenticated:
        return None
    moment = moment or timezone.now()
    valid = [v for v in user.verifications.all() if v.is_valid_on(moment) and v.legal_entity]
    if not valid:
        return None
    entity = max(valid, key=lambda v: (v.level, v.verified_at)).legal_entity
    return LegalEntity(
        name=entity.get("name", ""), ogrn=entity.get("ogrn", ""), address=entity.get("address", "")
    )


def rule_for(action: str, target=None) -> EligibilityRule | None:
    """The rule of this action on this object, else the site-wide rule of the action."""
    if target is not None:
        rule = (
            EligibilityRule.objects.filter(
                action=action,
                content_type=ContentType.objects.get_for_model(target),
                object_id=target.pk,
            )
            .prefetch_related("territories")
            .first()
        )
        if rule:
            return rule
    return (
        EligibilityRule.objects.filter(action=action, content_type__isnull=True)
        .prefetch_related("territories")
        .first()
    )


# Every signature asks for its appeal's requirement, which changes only when an operator edits a
# rule or a territory (rules name territories by path and title): so it is kept in the shared
# cache, and such a change applies to the next request.
RULES_VERSION_KEY = "eligibility:rules-version"
# People's records carry their territories' paths and names: a change of a territory makes
# them stale (and not a change of a rule, which every new appeal's default rule is).
TERRITORIES_VERSION_KEY = "eligibility:territories-version"


def requirement_for(action: str, target=None) -> Requirement:
    """`requirement_of(rule_for(action, target))`, from the shared cache when no rule changed:
    one copy per language, since it names the territories in the reader's."""
    key = f"eligibility:requirement:{action}:{get_language()}"
    if target is not None:
        key += f":{target._meta.label_lower}:{target.pk}"
    return stamped(key, RULES_VERSION_KEY, lambda: requirement_of(rule_for(action, target)))


def _rules_changed(sender, **kwargs) -> None:
    move_on(RULES_VERSION_KEY)
    if sender is Territory:
        move_on(TERRITORIES_VERSION_KEY)


for _model in (EligibilityRule, Territory):
    for _signal in (post_save, post_delete):
        _signal.connect(_rules_changed, sender=_model, weak=False)
m2m_changed.connect(_rules_changed, sender=EligibilityRule.territories.through, weak=False)


def requirement_of(rule: EligibilityRule | None) -> Requirement:
    if rule is None:
        return Requirement()
    territories = tuple(sorted((t.path, t.title) for t in rule.territories.all()))
    return Requirement(rule.min_level, rule.min_age, territories, rule.owners_qualify)


def check_eligibility(
    user,
    action: str,
    target=None,
    *,
    moment: datetime.datetime | None = None,
    requirement: Requirement | None = None,
) -> Decision:
    """May `user` do `action` on `target` at `moment` (default: now)? With the reasons if not.
    A page that also shows the requirement passes the one it read (`requirement_for` the same
    action and target) rather than have it read twice."""
    moment = moment or timezone.now()
    requirement = requirement or requirement_for(action, target)
    decision = decide(requirement, person_facts(user, moment), timezone.localdate(moment))
    refusals = restrictions_of(user, moment) if decision.facts.signed_in else ()
    if not refusals:
        return decision
    return Decision(False, (*refusals, *decision.reasons), "", decision.facts)


# --- Restrictions of an account -----------------------------------------------------------

# Apps above identity that may bar an account from acting (moderation's blocks) register here a
# function of (user, moment) that returns why the person may not act now, or "".
_RESTRICTIONS: dict = {}
# And, for each, a function of (the user's id) that names what it reads from the shared cache.
_RESTRICTION_READS: dict = {}


def register_restriction(name: str, why_not, reads=None) -> None:
    _RESTRICTIONS[name] = why_not
    if reads is not None:
        _RESTRICTION_READS[name] = reads


def restrictions_of(user, moment: datetime.datetime | None = None) -> tuple[str, ...]:
    """Why this account may not act at all now (a block, with its end), or nothing."""
    if user is None or not user.is_authenticated:
        return ()
    moment = moment or timezone.now()
    return tuple(filter(None, (why_not(user, moment) for why_not in _RESTRICTIONS.values())))


def describe(requirement: Requirement) -> str:
    """The requirement in words, for the page that offers the action."""
    parts = [str(Level(requirement.min_level).label)]
    if requirement.min_age:
        parts.append(_("aged %(age)s or older") % {"age": requirement.min_age})
    if requirement.territories:
        parts.append(format_lazy(_("living in {}"), _places(requirement.territories)))
    return "; ".join(str(part) for part in parts)
