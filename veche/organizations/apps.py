from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "veche.organizations"
    label = "organizations"
