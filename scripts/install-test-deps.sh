#!/usr/bin/env bash
# Installs everything the test suite needs, idempotently and without prompts:
#   - Debian packages: Apache Jena (riot), Chromium, Virtuoso Open Source 7 (+ a font);
#   - this project in editable mode with its `test` extras (pip);
#   - playwright-core for tests/browser (npm ci from the committed package-lock.json;
#     it drives Debian's /usr/bin/chromium: browsers are never downloaded).
# Steps that are already satisfied are skipped, so a second run takes about a second.
#
# Environment:
#   KG_SKIP_APT=1     do not touch Debian packages (fail later if they are missing)
#   KG_SKIP_PIP=1     do not run pip
#   KG_SKIP_NPM=1     do not run npm
#   PYTHON=...        the Python interpreter to install into (default: python, else python3)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { printf '[install-test-deps] %s\n' "$*"; }
die() { printf '[install-test-deps] ERROR: %s\n' "$*" >&2; exit 1; }

if [[ -z "${PYTHON:-}" ]]; then
    if command -v python >/dev/null 2>&1; then PYTHON=python; else PYTHON=python3; fi
fi
command -v "$PYTHON" >/dev/null 2>&1 || die "no Python interpreter found (tried '$PYTHON')"

START=$(date +%s)

# ---------------------------------------------------------------------------
# 1. Debian packages
# ---------------------------------------------------------------------------
APT_PACKAGES=(libapache-jena-java chromium virtuoso-opensource fonts-dejavu-core)
# Files that prove the packages are usable (a package can be "installed" but half-configured).
REQUIRED_FILES=(/usr/share/java/jena-cmds.jar /usr/bin/chromium /usr/bin/virtuoso-t /usr/bin/isql-vt
                /etc/virtuoso-opensource-7/virtuoso.ini)

pkg_installed() {
    [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == "installed" ]]
}

as_root() {
    if [[ $(id -u) -eq 0 ]]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else die "need root (or sudo) to run: $*"
    fi
}

POLICY_RC=/usr/sbin/policy-rc.d
POLICY_RC_CREATED=0
cleanup() {
    if [[ $POLICY_RC_CREATED -eq 1 ]]; then
        as_root rm -f "$POLICY_RC" || true
    fi
}
trap cleanup EXIT

stop_system_virtuoso() {
    # The package starts (or tries to start) a system Virtuoso on 1111/8890; the tests run
    # their own private instances and must not depend on it, so stop and disable it.
    local stopped=0
    if [[ -x /etc/init.d/virtuoso-opensource-7 ]]; then
        if pgrep -f 'virtuoso-t.*/etc/virtuoso-opensource-7/virtuoso.ini' >/dev/null 2>&1 \
           || pgrep -f 'virtuoso-t.*\+configfile /var/lib/virtuoso-opensource-7' >/dev/null 2>&1; then
            log "stopping the system Virtuoso service (tests use private instances)"
            as_root /etc/init.d/virtuoso-opensource-7 stop >/dev/null 2>&1 || true
            if pgrep -f 'virtuoso-t.*/etc/virtuoso-opensource-7/virtuoso.ini' >/dev/null 2>&1; then
                # the init script may refuse (RUN=no); ask the server itself (preseeded password)
                timeout 60 isql-vt 1111 dba dba -K >/dev/null 2>&1 || true
            fi
            stopped=1
        fi
        if command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
            as_root systemctl disable --now virtuoso-opensource-7 >/dev/null 2>&1 || true
        fi
        as_root update-rc.d virtuoso-opensource-7 disable >/dev/null 2>&1 || true
        if [[ -f /etc/default/virtuoso-opensource-7 ]] && grep -q '^RUN=yes' /etc/default/virtuoso-opensource-7; then
            as_root sed -i 's/^RUN=yes/RUN=no/' /etc/default/virtuoso-opensource-7 || true
        fi
    fi
    [[ $stopped -eq 1 ]] && log "system Virtuoso service stopped and disabled" || true
}

if [[ "${KG_SKIP_APT:-0}" == "1" ]]; then
    log "KG_SKIP_APT=1: not checking Debian packages"
else
    missing=()
    for p in "${APT_PACKAGES[@]}"; do pkg_installed "$p" || missing+=("$p"); done
    for f in "${REQUIRED_FILES[@]}"; do
        [[ -e "$f" ]] || { missing+=("(file $f)"); }
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        log "Debian packages already installed: ${APT_PACKAGES[*]}"
    else
        log "missing: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        # Preseed the Virtuoso DBA password so the package never prompts. (A fresh private
        # database made by the tests still has dba/dba; this only concerns the system one.)
        log "preseeding debconf for virtuoso-opensource-7"
        printf '%s\n' \
            "virtuoso-opensource-7 virtuoso-opensource-7/dba-password password dba" \
            "virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password dba" \
            | as_root debconf-set-selections
        # Keep the package's postinst from starting the system service at all, if nothing else
        # already does (Docker-style images ship a policy-rc.d that returns 101).
        if [[ ! -e "$POLICY_RC" ]]; then
            log "temporarily installing $POLICY_RC so no service starts during the install"
            printf '#!/bin/sh\n# temporary: written by kg scripts/install-test-deps.sh\nexit 101\n' \
                | as_root tee "$POLICY_RC" >/dev/null
            as_root chmod 755 "$POLICY_RC"
            POLICY_RC_CREATED=1
        fi
        as_root dpkg --configure -a >/dev/null 2>&1 || true   # finish an interrupted earlier run
        log "apt-get update"
        as_root apt-get update -q -o DPkg::Lock::Timeout=300
        log "apt-get install --no-install-recommends ${APT_PACKAGES[*]}"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 \
            -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
            "${APT_PACKAGES[@]}"
        cleanup; POLICY_RC_CREATED=0
        for f in "${REQUIRED_FILES[@]}"; do
            [[ -e "$f" ]] || die "after apt-get install, $f is still missing"
        done
        log "Debian packages installed"
    fi
    stop_system_virtuoso
fi

# ---------------------------------------------------------------------------
# 2. Python: pip install -e '.[test]'
# ---------------------------------------------------------------------------
# Satisfied when the distribution named in pyproject.toml is installed editable from THIS
# checkout and every requirement (base + test extra) is met. Checked without pip (fast).
pip_satisfied() {
    # -P: keep the checkout off sys.path, or its in-tree *.egg-info would shadow the installed metadata
    (cd "$ROOT" && KG_ROOT="$ROOT" "$PYTHON" -P - <<'PY'
import json, os, sys, tomllib, pathlib
from importlib import metadata
try:
    from packaging.requirements import Requirement
except ImportError:
    try:
        from pip._vendor.packaging.requirements import Requirement
    except ImportError:
        sys.exit(1)
root = pathlib.Path(os.environ["KG_ROOT"]).resolve()
proj = tomllib.loads((root / "pyproject.toml").read_text())["project"]
try:
    dist = metadata.distribution(proj["name"])
except metadata.PackageNotFoundError:
    print("project not installed"); sys.exit(1)
if dist.version != proj.get("version", dist.version):
    print("project version changed"); sys.exit(1)
direct = dist.read_text("direct_url.json")
if not direct:
    print("project not installed editable"); sys.exit(1)
info = json.loads(direct)
url = info.get("url", "")
if not info.get("dir_info", {}).get("editable") or not url.startswith("file://"):
    print("project not installed editable"); sys.exit(1)
if pathlib.Path(url[len("file://"):]).resolve() != root:
    print(f"project installed from another checkout: {url}"); sys.exit(1)
installed_scripts = {ep.name for ep in dist.entry_points if ep.group == "console_scripts"}
if set(proj.get("scripts", {})) - installed_scripts:
    print("console scripts changed"); sys.exit(1)
reqs = list(proj.get("dependencies", [])) + list(proj.get("optional-dependencies", {}).get("test", []))
for r in reqs:
    req = Requirement(r)
    if req.marker is not None and not req.marker.evaluate({"extra": "test"}):
        continue
    try:
        v = metadata.version(req.name)
    except metadata.PackageNotFoundError:
        print(f"missing {req.name}"); sys.exit(1)
    if req.specifier and not req.specifier.contains(v, prereleases=True):
        print(f"{req.name} {v} does not satisfy {req.specifier}"); sys.exit(1)
sys.exit(0)
PY
    )
}

if [[ "${KG_SKIP_PIP:-0}" == "1" ]]; then
    log "KG_SKIP_PIP=1: not checking Python packages"
elif why=$(pip_satisfied 2>&1); then
    log "Python: project already installed editable with its [test] extras"
else
    log "Python: ${why:-needs install}; running: $PYTHON -m pip install -e '.[test]'"
    (cd "$ROOT" && PIP_DISABLE_PIP_VERSION_CHECK=1 "$PYTHON" -m pip install -q --no-input -e '.[test]')
    log "Python packages installed"
fi

# ---------------------------------------------------------------------------
# 3. Node: playwright-core for the browser fixture
# ---------------------------------------------------------------------------
BROWSER_DIR="$ROOT/tests/browser"
if [[ "${KG_SKIP_NPM:-0}" == "1" ]]; then
    log "KG_SKIP_NPM=1: not checking node modules"
else
    command -v node >/dev/null 2>&1 || die "node is not installed (Node.js >= 20 is needed for tests/browser)"
    command -v npm >/dev/null 2>&1 || die "npm is not installed"
    [[ -f "$BROWSER_DIR/package-lock.json" ]] || die "$BROWSER_DIR/package-lock.json is missing"
    # Satisfied when every package in the lock file is installed at the locked version.
    if (cd "$BROWSER_DIR" && node -e '
        const fs = require("fs");
        const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
        for (const [p, info] of Object.entries(lock.packages || {})) {
          if (!p) continue;
          let v; try { v = JSON.parse(fs.readFileSync(p + "/package.json", "utf8")).version; } catch (e) { process.exit(1); }
          if (v !== info.version) process.exit(1);
        }' 2>/dev/null); then
        log "Node: tests/browser/node_modules matches package-lock.json"
    else
        log "Node: npm ci in tests/browser (playwright-core; no browser download)"
        (cd "$BROWSER_DIR" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
        log "Node modules installed"
    fi
fi

log "done in $(( $(date +%s) - START )) s"
