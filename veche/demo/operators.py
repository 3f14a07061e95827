"""The demo's operator: staff who manage the routing and delivery of appeals in the admin
(categories, responsibilities, appeal policies, dispatches, the outbox) and the rate limits,
without being an administrator, through a group an administrator could give anyone."""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from veche.accounts.services import ensure_account
from veche.demo.city import DEMO_PASSWORD, DEMO_TOTP_SECRET

OPERATOR_EMAIL = "operator@demo.veche.example"
GROUP_NAME = "Операторы маршрутизации обращений"
PERMISSIONS = {
    "appeals": [
        f"{action}_{model}"
        for model in ("category", "responsibility", "appealpolicy")
        for action in ("view", "add", "change", "delete")
    ]
    + ["view_dispatch", "change_dispatch"],
    "core": [
        "view_outboxmessage",
        "change_outboxmessage",
        # The table of rate limits of signing, publishing, commenting, rating and submitting.
        "view_ratelimit",
        "change_ratelimit",
    ],
    # To pick organizations and territories in the forms (the admin's autocomplete asks it).
    "organizations": ["view_organization"],
    "territories": ["view_territory"],
}


def load_operator():
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    wanted = Q(pk__in=[])
    for app_label, codenames in PERMISSIONS.items():
        wanted |= Q(content_type__app_label=app_label, codename__in=codenames)
    group.permissions.set(Permission.objects.filter(wanted))
    user, _ = ensure_account(
        email=OPERATOR_EMAIL,
        password=DEMO_PASSWORD,
        last_name="Сабирова",
        first_name="Лилия",
        patronymic="Ильдусовна",
        is_staff=True,
        processing_consent=True,
    )
    user.groups.add(group)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    return user
