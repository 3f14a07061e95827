#!/usr/bin/env bash
# The whole test suite: lint, then every test on SQLite (the embedded default), then again on
# PostgreSQL (the production database). In CI a missing PostgreSQL fails the run; on a
# developer's machine without one, the PostgreSQL run is skipped with a message.
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

echo "== tests on SQLite"
DATABASE_URL="sqlite:///$VECHE_VAR_DIR/test.sqlite3" $BIN/pytest -n 2 "$@"

echo "== tests on PostgreSQL"
TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/veche}"
if $BIN/python scripts/postgres_available.py "$TEST_POSTGRES_URL"; then
  DATABASE_URL="$TEST_POSTGRES_URL" $BIN/pytest -n 2 "$@"
elif [ -n "${CI:-}" ]; then
  echo "PostgreSQL at $TEST_POSTGRES_URL is required in CI and is not reachable." >&2
  exit 1
else
  echo "SKIPPED: PostgreSQL is not reachable at $TEST_POSTGRES_URL;" \
       "the PostgreSQL run was skipped. Set TEST_POSTGRES_URL to run it."
fi
