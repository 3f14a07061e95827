"""System checks of the accounts' settings (veche.core.checks)."""

from veche.core.checks import outside_choices
from veche.organizations.models import Membership


def mfa_required_roles(app_configs=None, **kwargs):
    return outside_choices("VECHE_MFA_REQUIRED_ROLES", Membership.Role.values, id="accounts.E001")
