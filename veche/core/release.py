"""Which release of Veche's code a process runs, for the keys of what the code builds and keeps
in the shared cache (pickled objects, rendered pages).

Several app servers share one cache, and a rolling deployment runs two releases side by side for
a while: a value the old code pickled may not fit the new code's classes, and a page the old
templates rendered may name parts the new templates no longer have. Keyed by the release, each
release builds and reads its own; what is shared across releases (sessions, rate-limit windows,
the versions that stamp values) is keyed without it.

The release is `VECHE_RELEASE` when the deployment names it (a tag, a commit), otherwise a digest
of the package's code, templates and translations, the same on every machine that runs the same
code.
"""

import hashlib
from functools import cache
from pathlib import Path

from django.conf import settings

_PACKAGE = Path(__file__).resolve().parent.parent
_BUILT_FROM = {".py", ".html", ".txt", ".mo", ".json"}


@cache
def release() -> str:
    if settings.VECHE_RELEASE:
        return settings.VECHE_RELEASE
    digest = hashlib.blake2b(digest_size=6)
    for path in sorted(_PACKAGE.rglob("*")):
        inside = path.relative_to(_PACKAGE)  # where the package lies is not the code
        if path.suffix in _BUILT_FROM and "tests" not in inside.parts and path.is_file():
            digest.update(inside.as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def keyed(key: str) -> str:
    """`key` for a value built by this release's code."""
    return f"{key}@{release()}"
