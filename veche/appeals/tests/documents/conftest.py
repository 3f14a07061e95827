"""The appeals' documents are tested as the documents app tests its own: an English site at a
fixed address, media in a temporary folder."""

from veche.documents.tests.conftest import _site, english  # noqa: F401
