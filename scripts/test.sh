#!/usr/bin/env bash
# The whole test suite: lint, then the tests on SQLite (the embedded default), then every test on
# PostgreSQL (the production database). The browser tests, which drive pages rather than the
# database, run once, on PostgreSQL. In CI a missing PostgreSQL fails the run; on a developer's
# machine without one, the PostgreSQL run is skipped with a message and the browser tests run on
# SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export VECHE_VAR_DIR="${VECHE_VAR_DIR:-$PWD/var/test}"
mkdir -p "$VECHE_VAR_DIR"

echo "== ruff"
$BIN/ruff check .
$BIN/ruff format --check .

echo "== layers (import-linter, [tool.importlinter] in pyproject.toml)"
# The tree being tested, not whichever checkout the virtualenv was installed from.
PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" $BIN/lint-imports --no-cache

# Two workers; a module marked `xdist_group` runs whole in one of them (conftest.py, demo_city).
PYTEST=("$BIN/pytest" -n 2 --dist loadgroup)
TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/veche}"
if $BIN/python scripts/postgres_available.py "$TEST_POSTGRES_URL"; then
  POSTGRES=yes
elif [ -n "${CI:-}" ]; then
  echo "PostgreSQL at $TEST_POSTGRES_URL is required in CI and is not reachable." >&2
  exit 1
else
  POSTGRES=
fi

if [ -n "$POSTGRES" ]; then
  echo "== tests on SQLite (the browser tests run on PostgreSQL, below)"
  DATABASE_URL="sqlite:///$VECHE_VAR_DIR/test.sqlite3" "${PYTEST[@]}" -m "not browser" "$@"
  echo "== tests on PostgreSQL"
  DATABASE_URL="$TEST_POSTGRES_URL" "${PYTEST[@]}" "$@"
else
  echo "== tests on SQLite"
  DATABASE_URL="sqlite:///$VECHE_VAR_DIR/test.sqlite3" "${PYTEST[@]}" "$@"
  echo "SKIPPED: PostgreSQL is not reachable at $TEST_POSTGRES_URL;" \
       "the PostgreSQL run was skipped. Set TEST_POSTGRES_URL to run it."
fi
