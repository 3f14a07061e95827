"""The layers point one way: import-linter keeps them, and a new upward import breaks the build."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """Runs import-linter on the `veche` package under `root` with the config in its pyproject."""
    return subprocess.run(  # noqa: S603 - our own tool on our own files
        [LINT_IMPORTS, "--config", root / "pyproject.toml", "--no-cache"],
        cwd=root,
        # The package is found through the path: `root` first, before the installed one.
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        check=False,
    )


def copy_of_the_code(target: Path) -> Path:
    """The package's Python modules and the project's config, enough for import-linter."""
    shutil.copy(REPO / "pyproject.toml", target / "pyproject.toml")
    for module in (REPO / "veche").rglob("*.py"):
        copy = target / module.relative_to(REPO)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(module, copy)
    return target


def test_the_layers_contract_is_kept():
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_a_new_upward_import_breaks_the_contract(tmp_path):
    root = copy_of_the_code(tmp_path)
    (root / "veche" / "core" / "shortcut.py").write_text(
        "from veche.appeals.models import Problem  # noqa: F401\n"
    )
    result = lint_imports(root)
    assert result.returncode == 1
    assert "veche.core.shortcut -> veche.appeals.models" in result.stdout


def test_sibling_product_apps_may_not_import_each_other(tmp_path):
    root = copy_of_the_code(tmp_path)
    (root / "veche" / "reporting" / "shortcut.py").write_text(
        "from veche.cabinet.queries import cabinet_scope  # noqa: F401\n"
    )
    result = lint_imports(root)
    assert result.returncode == 1
    assert "veche.reporting.shortcut -> veche.cabinet.queries" in result.stdout
