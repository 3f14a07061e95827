"""The repository explains itself: the product's code and texts point only to files it holds."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUTSIDE = re.compile(r"RULES\.md|PRODUCT\.md|STYLE\.md|\.\./shared")
DOC_REFERENCE = re.compile(r"\bdocs/[\w./-]+\.md\b")
TEXT_SUFFIXES = {".py", ".html", ".txt", ".po", ".md", ".js", ".css"}


def _product_files():
    for path in sorted((REPO / "veche").rglob("*")):
        if path.suffix in TEXT_SUFFIXES and "__pycache__" not in path.parts:
            yield path


def test_no_code_or_text_cites_a_file_outside_the_repository():
    cited = [
        f"{path.relative_to(REPO)}:{number}"
        for path in _product_files()
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert cited == []


def test_every_document_the_code_points_to_exists():
    missing = {
        reference
        for path in [*_product_files(), REPO / "README.md"]
        for reference in DOC_REFERENCE.findall(path.read_text(errors="replace"))
        if not (REPO / reference).exists()
    }
    assert missing == set()


CONFLICT_MARKER = re.compile(r"^(<{7} |>{7} |={7}$)")
NOT_THE_PROJECT = {
    ".git",
    ".venv",
    "var",
    "node_modules",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
}
BINARY_SUFFIXES = {
    ".mo",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".ico",
    ".pdf",
    ".docx",
    ".woff",
    ".woff2",
    ".pyc",
}


def test_no_file_keeps_a_merge_conflict_marker():
    # Every file of the checkout: a marker in the Makefile once stopped CI before any test ran.
    tracked = [
        path
        for path in sorted(REPO.rglob("*"))
        if path.is_file()
        and not set(path.relative_to(REPO).parts) & NOT_THE_PROJECT
        and path.suffix not in BINARY_SUFFIXES
    ]
    marked = [
        f"{path.relative_to(REPO)}:{number}"
        for path in tracked
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if CONFLICT_MARKER.match(line)
    ]
    assert marked == []


# A module longer than this is split along its own sections (a package whose __init__ re-exports
# its names), so that a reader finds a use case, a form or a test by its file.
MOST_LINES = 650
LONGER_BY_DESIGN = {
    # Every setting in one place, read top to bottom from the environment, as the README's
    # table of configuration lists them: splitting it would scatter what an operator looks up.
    "veche/settings.py",
}


def test_no_python_file_is_longer_than_its_sections_should_be():
    too_long = {
        f"{path.relative_to(REPO)} ({length} lines)"
        for folder in ("veche", "tests", "scripts")
        for path in (REPO / folder).rglob("*.py")
        if "__pycache__" not in path.parts
        and str(path.relative_to(REPO)) not in LONGER_BY_DESIGN
        and (length := len(path.read_text(errors="replace").splitlines())) > MOST_LINES
    }
    assert too_long == set()
