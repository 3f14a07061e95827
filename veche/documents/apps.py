from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "veche.documents"
    label = "documents"
