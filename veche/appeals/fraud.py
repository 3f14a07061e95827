"""Fraud on collective appeals: where signatures come from, alerts to moderators above the
thresholds, and invalidation of signatures with a trail.

Signals (`signing_sources`) read the last hour of signatures by source network (the keyed hash
of its /24 or /64, `Signature.source`), by cohort of new accounts, by census import and by
appeal against its usual pace. `watch` (run by `veche fraud_watch`) stores each signal above its
threshold once an hour as a `FraudAlert` and tells every moderator (a notice and an e-mail).

A moderator invalidates one signature, or every signature from one source in a time window,
with a ground (`invalidate_signatures`): the signatures are counted out like withdrawn ones,
under the appeal's row lock that signing takes too, and the count is recomputed from the rows,
so it stays exact while people sign. The signatories are told, the appeal's page shows the
invalidation, and an addressee that already received the appeal is told too.
"""

import datetime

import rules
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veche.appeals.models import Appeal, FraudAlert, Signature, SignatureInvalidation
from veche.appeals.notices import cabinet_url, officials_of
from veche.core.audit import record_event
from veche.identity.models import Verification
from veche.notifications import registry
from veche.notifications.services import announce
from veche.organizations.models import Membership

MIN_GROUND_LENGTH = 10
TOP = 20
USUAL_PACE_DAYS = 7
NOT_SENT = (Appeal.Status.DRAFT, Appeal.Status.COLLECTING)


# --- Signals ----------------------------------------------------------------------------------


def _recent(since) -> Q:
    return Q(created_at__gte=since, invalidation__isnull=True)


def signing_sources(*, now: datetime.datetime | None = None) -> dict:
    """What the last hour's signatures came from, busiest first (a handful of grouped queries)."""
    now = now or timezone.now()
    since = now - datetime.timedelta(hours=1)
    recent = Signature.objects.filter(_recent(since))
    networks = list(
        recent.exclude(source="")
        .values("source")
        .annotate(signatures=Count("id"), appeals=Count("appeal", distinct=True))
        .order_by("-signatures", "source")[:TOP]
    )
    for row in networks:
        row["alert"] = row["signatures"] >= settings.VECHE_FRAUD_NETWORK_HOURLY
    young = now - datetime.timedelta(days=settings.VECHE_FRAUD_NEW_ACCOUNT_DAYS)
    cohorts = list(
        recent.filter(user__date_joined__gte=young)
        .annotate(joined=TruncDate("user__date_joined"))
        .values("joined")
        .annotate(signatures=Count("id"), people=Count("user", distinct=True))
        .order_by("-joined")
    )
    new_accounts = sum(row["signatures"] for row in cohorts)
    census = list(
        recent.filter(
            user__verifications__source=Verification.Source.CENSUS,
            user__verifications__revoked_at__isnull=True,
        )
        .values("user__verifications__source_reference")
        .annotate(signatures=Count("id", distinct=True))
        .order_by("-signatures")[:TOP]
    )
    for row in census:
        row["census"] = row.pop("user__verifications__source_reference")
        row["alert"] = row["signatures"] >= settings.VECHE_FRAUD_CENSUS_HOURLY
    return {
        "since": since,
        "now": now,
        "networks": networks,
        "cohorts": cohorts,
        "new_accounts": new_accounts,
        "new_accounts_alert": new_accounts >= settings.VECHE_FRAUD_NEW_ACCOUNT_HOURLY,
        "census": census,
        "appeals": appeal_paces(since, recent),
    }


def appeal_paces(since, recent) -> list[dict]:
    """The busiest appeals of the hour, each with its usual hourly pace: its signatures over
    the week before the hour (or since its first signature), per hour."""
    rows = list(
        recent.values("appeal").annotate(signatures=Count("id")).order_by("-signatures")[:TOP]
    )
    if not rows:
        return []
    week = since - datetime.timedelta(days=USUAL_PACE_DAYS)
    earlier = {
        row["appeal"]: row
        for row in Signature.objects.filter(
            appeal__in=[row["appeal"] for row in rows], created_at__gte=week, created_at__lt=since
        )
        .values("appeal")
        .annotate(signatures=Count("id"), first=Min("created_at"))
    }
    appeals = Appeal.objects.select_related("problem").in_bulk([row["appeal"] for row in rows])
    for row in rows:
        before = earlier.get(row["appeal"])
        if before:
            hours = max(1.0, (since - before["first"]).total_seconds() / 3600)
            row["usual"] = round(before["signatures"] / hours, 1)
        else:
            row["usual"] = 0.0
        row["appeal"] = appeals[row["appeal"]]
        row["alert"] = row["signatures"] >= settings.VECHE_FRAUD_PACE_MINIMUM and (
            row["signatures"] > settings.VECHE_FRAUD_PACE_FACTOR * row["usual"]
        )
    return rows


def watch(now: datetime.datetime | None = None) -> int:
    """Store each signal above its threshold once per hour and tell the moderators; forget the
    source networks of signatures older than VECHE_SOURCE_DAYS. Returns the new alerts."""
    now = now or timezone.now()
    signals = signing_sources(now=now)
    hour = now.replace(minute=0, second=0, microsecond=0)
    found = [
        (FraudAlert.Kind.NETWORK, row["source"], None, row["signatures"],
         settings.VECHE_FRAUD_NETWORK_HOURLY)
        for row in signals["networks"] if row["alert"]
    ] + [
        (FraudAlert.Kind.CENSUS, row["census"], None, row["signatures"],
         settings.VECHE_FRAUD_CENSUS_HOURLY)
        for row in signals["census"] if row["alert"]
    ] + [
        (FraudAlert.Kind.PACE, str(row["appeal"].pk), row["appeal"], row["signatures"],
         settings.VECHE_FRAUD_PACE_MINIMUM)
        for row in signals["appeals"] if row["alert"]
    ]  # fmt: skip
    if signals["new_accounts_alert"]:
        found.append(
            (FraudAlert.Kind.NEW_ACCOUNTS, "", None, signals["new_accounts"],
             settings.VECHE_FRAUD_NEW_ACCOUNT_HOURLY)
        )  # fmt: skip
    raised = 0
    for kind, key, appeal, count, threshold in found:
        try:
            with transaction.atomic():
                alert = FraudAlert.objects.create(
                    kind=kind, key=key, appeal=appeal, hour=hour, count=count, threshold=threshold
                )
                record_event(
                    actor=None,
                    action="fraud.alert",
                    target=alert,
                    data={"kind": kind, "key": key, "count": count, "threshold": threshold},
                )
                announce(subject=alert, event="raised")
        except IntegrityError:
            continue  # raised already this hour
        raised += 1
    old = now - datetime.timedelta(days=settings.VECHE_SOURCE_DAYS)
    Signature.objects.filter(created_at__lt=old).exclude(source="").update(source="")
    return raised


# --- Invalidation -----------------------------------------------------------------------------


def invalidate_signatures(
    *,
    moderator,
    appeal: Appeal,
    ground: str,
    signature: Signature | None = None,
    source: str = "",
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
) -> SignatureInvalidation:
    """Count out one signature, or every signature from `source` signed in [since, until), as
    not genuine. The appeal's row is locked as signing locks it, and its count is recomputed
    from the signatures, so it is exact whatever is signed meanwhile."""
    if not rules.has_perm("appeals.invalidate_signatures", moderator):
        raise PermissionDenied(_("Only moderators invalidate signatures."))
    ground = " ".join(ground.split())
    if len(ground) < MIN_GROUND_LENGTH:
        raise ValidationError(_("Give the ground for the invalidation (at least 10 characters)."))
    if (signature is None) == (not source):
        raise ValidationError(_("Choose either one signature or a source network."))
    if since and until and since >= until:
        raise ValidationError(_("The window must end after it starts."))
    with transaction.atomic():
        appeal = (
            Appeal.objects.select_for_update()
            .select_related("problem", "organization")
            .get(pk=appeal.pk)
        )
        chosen = Signature.objects.filter(appeal=appeal, withdrawn_at__isnull=True)
        if signature is not None:
            chosen = chosen.filter(pk=signature.pk)
            selection = {"signature": signature.pk}
        else:
            chosen = chosen.filter(source=source)
            if since:
                chosen = chosen.filter(created_at__gte=since)
            if until:
                chosen = chosen.filter(created_at__lt=until)
            selection = {
                "source": source,
                "since": since.isoformat() if since else None,
                "until": until.isoformat() if until else None,
            }
        ids = list(chosen.values_list("pk", flat=True))
        if not ids:
            raise ValidationError(_("No counted signature of this appeal matches."))
        invalidation = SignatureInvalidation.objects.create(
            appeal=appeal,
            actor=moderator,
            ground=ground,
            count=len(ids),
            selection=selection,
            after_dispatch=appeal.status not in NOT_SENT,
        )
        Signature.objects.filter(pk__in=ids).update(
            withdrawn_at=invalidation.created_at, invalidation=invalidation
        )
        before = appeal.signature_count
        count = Signature.objects.filter(appeal=appeal).counted().count()
        Appeal.objects.filter(pk=appeal.pk).update(signature_count=count)
        record_event(
            actor=moderator,
            action="appeal.signatures_invalidated",
            target=appeal,
            data={
                "invalidation": invalidation.pk,
                "signatures": len(ids),
                "selection": selection,
                "ground": ground,
                "count_before": before,
                "count_after": count,
                "status": appeal.status,
            },
        )
        announce(subject=invalidation, event="invalidated", context={"actor": moderator.pk})
    return invalidation


def recent_alerts(limit: int = TOP):
    return FraudAlert.objects.select_related("appeal__problem")[:limit]


def recent_invalidations(limit: int = TOP):
    return SignatureInvalidation.objects.select_related("appeal__problem", "actor").order_by(
        "-created_at", "-id"
    )[:limit]


# --- Notices ----------------------------------------------------------------------------------


def moderators() -> set[int]:
    """Everyone who may act on an alert: moderators of any organization, and administrators."""
    people = get_user_model().objects.filter(is_active=True)
    return set(
        people.filter(
            Q(is_superuser=True) | Q(memberships__role=Membership.Role.MODERATOR)
        ).values_list("pk", flat=True)
    )


class InvalidationNotice(registry.Notice):
    def template_context(self, invalidation, extra):
        appeal = invalidation.appeal
        return {
            "invalidation": invalidation,
            "appeal": appeal,
            "problem": appeal.problem,
            "organization": appeal.organization,
        } | extra

    def title_params(self, invalidation, extra):
        return {"problem": invalidation.appeal.problem.title}

    @property
    def template_name(self) -> str:
        return f"appeals/notices/{self.kind}.txt"


class YourSignatureInvalidated(InvalidationNotice):
    kind = "signature_invalidated"
    title = gettext_lazy("Your signature under “%(problem)s” was invalidated")

    def audience(self, invalidation, context, extra):
        return set(invalidation.signatures.values_list("user_id", flat=True))


class InvalidatedAfterDispatch(InvalidationNotice):
    kind = "signatures_invalidated_addressee"
    title = gettext_lazy("Signatures under the appeal “%(problem)s” you received were invalidated")

    def audience(self, invalidation, context, extra):
        if not invalidation.after_dispatch:
            return set()
        return officials_of(invalidation.appeal.organization_id)

    def url(self, invalidation, extra):
        return cabinet_url(invalidation.appeal)


class AlertRaised(registry.Notice):
    kind = "fraud_alert"
    title = gettext_lazy("Fraud alert: %(signal)s")

    def audience(self, alert, context, extra):
        return moderators()

    def url(self, alert, extra):
        return reverse("appeals:signing_sources")

    def title_params(self, alert, extra):
        return {"signal": alert.get_kind_display()}

    def template_context(self, alert, extra):
        return {"alert": alert} | extra

    @property
    def template_name(self) -> str:
        return "appeals/notices/fraud_alert.txt"


def register() -> None:
    registry.register_subject(
        SignatureInvalidation.objects.select_related("appeal__problem", "appeal__organization"),
        events={"invalidated": (InvalidatedAfterDispatch(), YourSignatureInvalidated())},
    )
    registry.register_subject(
        FraudAlert.objects.select_related("appeal__problem"), events={"raised": (AlertRaised(),)}
    )
