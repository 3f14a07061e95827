"""The appeals' documents are tested as the documents app tests its own: an English site at a
fixed address."""

from veche.documents.tests.conftest import _site, english  # noqa: F401
