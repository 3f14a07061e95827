from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "veche.accounts"
    verbose_name = _("Accounts")
    label = "accounts"

    def ready(self):
        from allauth.mfa.models import Authenticator
        from allauth.mfa.signals import authenticator_added
        from django.contrib.auth.signals import user_logged_in
        from django.core import checks as system_checks

        from veche.accounts import backends, checks, sessions, signals
        from veche.core import outbox

        system_checks.register(checks.mfa_required_roles)
        outbox.register(sessions.END_SESSIONS_KIND, sessions.end_sessions)
        backends.watch_accounts()
        user_logged_in.connect(signals.start_the_idle_clock, dispatch_uid="veche_idle_clock")
        authenticator_added.connect(
            signals.count_enrolment_as_second_factor, dispatch_uid="veche_enrolment_mfa"
        )
        # allauth names its model by its class only, which no catalogue translates (the admin's
        # list of models); its options stay the library's, and so do its migrations.
        Authenticator._meta.verbose_name = _("authenticator")
        Authenticator._meta.verbose_name_plural = _("authenticators")
