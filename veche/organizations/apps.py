from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "veche.organizations"
    label = "organizations"

    def ready(self) -> None:
        from veche.organizations import sections

        sections.register()
