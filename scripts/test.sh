#!/usr/bin/env bash
# The whole test suite on a fresh machine: system packages, the virtual environment,
# lint, type check and pytest. Usage: bash scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-system.sh
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/pip install -q -e ".[test]"

# a throw-away PostgreSQL server on loopback for the store tests, when the script exists
if [ -z "${GONGKAI_TEST_PG:-}" ] && [ -f scripts/pg-test-server.sh ]; then
  if GONGKAI_TEST_PG=$(bash scripts/pg-test-server.sh); then
    export GONGKAI_TEST_PG
    trap 'bash scripts/pg-test-server.sh stop >/dev/null 2>&1 || true' EXIT
  else
    echo "PostgreSQL test server not started; PostgreSQL tests will be skipped" >&2
  fi
fi

.venv/bin/ruff check src tests
.venv/bin/ruff format --check src tests
.venv/bin/mypy
# one test file per worker keeps module fixtures built once; GONGKAI_TEST_JOBS=0 runs in this process
.venv/bin/python -m pytest -n "${GONGKAI_TEST_JOBS:-auto}" --dist loadfile "$@"
