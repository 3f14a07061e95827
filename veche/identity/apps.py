from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "veche.identity"
    label = "identity"

    def ready(self) -> None:
        from veche.identity import signals  # noqa: F401  (allauth's social sign-in → verification)
