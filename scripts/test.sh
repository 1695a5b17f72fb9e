#!/usr/bin/env bash
# The project's test command (also what CI runs through .ci/run):
#   1. scripts/install-test-deps.sh  (Debian packages, pip -e '.[test]', playwright-core; fast when done)
#   2. python -m pytest -q -ra from the repository root, with a JUnit XML report in
#      tests/artifacts/junit.xml and a closing summary line "tests: N passed, N failed, N skipped".
# Extra arguments go to pytest, e.g.  bash scripts/test.sh -m "not component" -x
# KG_SKIP_INSTALL=1 skips step 1. Exits with pytest's status.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [[ -z "${PYTHON:-}" ]]; then
    if command -v python >/dev/null 2>&1; then PYTHON=python; else PYTHON=python3; fi
fi
export PYTHON

if [[ "${KG_SKIP_INSTALL:-0}" != "1" ]]; then
    bash "$ROOT/scripts/install-test-deps.sh"
fi

mkdir -p tests/artifacts
JUNIT="tests/artifacts/junit.xml"
rm -f "$JUNIT"

echo "[test] $PYTHON -m pytest -q -ra --junitxml=$JUNIT $*"
set +e
"$PYTHON" -m pytest -q -ra --junitxml="$JUNIT" "$@"
status=$?
set -e

if [[ -f "$JUNIT" ]]; then
    "$PYTHON" - "$JUNIT" <<'PY' || true
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
n = {k: sum(int(s.get(k, 0)) for s in suites) for k in ("tests", "failures", "errors", "skipped")}
failed = n["failures"] + n["errors"]
passed = n["tests"] - failed - n["skipped"]
print(f"tests: {passed} passed, {failed} failed, {n['skipped']} skipped")
PY
fi
exit "$status"
