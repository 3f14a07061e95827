"""Who may issue and revoke an organization's API clients: its head (django-rules)."""

import rules

from veche.organizations.models import Membership
from veche.organizations.rules import holds_role


@rules.predicate
def heads_organization(user, organization) -> bool:
    return holds_role(user, organization, roles=Membership.Role.HEAD)


@rules.predicate
def heads_some_organization(user) -> bool:
    return holds_role(user, roles=Membership.Role.HEAD)


rules.add_perm("api.manage_clients", heads_some_organization)
rules.add_perm("api.manage_clients_of", heads_organization)
# The organization's webhooks: the same person, its head.
rules.add_perm("api.manage_webhooks_of", heads_organization)
# Open311 keys: any signed-in person may give an app a key to file problems in their name;
# what the app may then do is what that person may (eligibility is asked when it files).
rules.add_perm("api.hold_open311_keys", rules.is_authenticated & rules.is_active)


@rules.predicate
def has_confirmed_email(user) -> bool:
    return user.is_authenticated and user.emailaddress_set.filter(verified=True).exists()


@rules.predicate
def owns_webhook(user, subscription) -> bool:
    if subscription.person_id is not None:
        return subscription.person_id == user.pk
    return heads_organization(user, subscription.organization)


# A subscriber (a newsroom, an NGO, a developer): anyone signed in with a confirmed e-mail
# may have endpoints that hear of the public events.
rules.add_perm("api.hold_webhooks", rules.is_authenticated & rules.is_active & has_confirmed_email)
# One endpoint: its person, or the head of its organization.
rules.add_perm("api.manage_webhook", owns_webhook)
