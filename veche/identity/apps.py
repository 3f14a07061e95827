from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "veche.identity"
    verbose_name = _("Identity verification")
    label = "identity"

    def ready(self) -> None:
        from django.core import checks as system_checks

        from veche.accounts import personal_data
        from veche.core import stamped
        from veche.core.middleware import register_form_action_origins
        from veche.identity import (
            checks,
            queries,
            services,
            signals,  # noqa: F401  (allauth's social sign-in → verification)
        )

        system_checks.register(checks.minimum_levels)
        system_checks.register(checks.sms_backend)
        personal_data.register(
            "identity", export=queries.personal_data, erase=services.erase_personal_data
        )
        # Sign-in forms are redirected to the enabled providers (the CSP's form-action).
        register_form_action_origins(queries.provider_origins)
        # Read on every answer: a request's first read ahead (its account) fetches them too.
        stamped.read_along(queries.ORIGINS_KEY)
