#!/usr/bin/env bash
# Audits the locked Python dependencies (uv.lock) for known vulnerabilities: `make audit`.
#
# Sources, in order, each package checked by the first that can check it:
#   1. pip-audit with the OSV service (api.osv.dev);
#   2. pip-audit with the PyPI service (https://pypi.org/pypi/NAME/VERSION/json);
#   3. the PyPI project JSON (https://pypi.org/pypi/NAME/json), whose `vulnerabilities` describe
#      the project's latest release only: used only where the locked version is that release.
# pip-audit's PyPI service reports "No known vulnerabilities found" and exits 0 when it could not
# find a single package, so its JSON is read package by package: a skipped package is not checked.
#
# Exit 1: a known vulnerability in a locked version. Exit 0 otherwise, saying exactly which
# packages were checked by which source and which could not be checked; with AUDIT_STRICT=1,
# exit 2 if any package could not be checked. PYPI_JSON_URL changes where (3) looks.
set -uo pipefail

cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
UV=${UV:-.venv/bin/uv}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! "$UV" export --frozen --all-groups --no-emit-project --no-hashes --no-header \
    --no-annotate --format requirements-txt -o "$work/requirements.txt" >/dev/null 2>&1; then
    echo "audit: could not export the locked dependencies (uv export --frozen)." >&2
    exit 2
fi

for service in osv pypi; do
    "$PY" -m pip_audit --requirement "$work/requirements.txt" --no-deps --disable-pip \
        --vulnerability-service "$service" --format json --progress-spinner off --timeout 15 \
        --output "$work/$service.json" >"$work/$service.log" 2>&1
    echo $? >"$work/$service.rc"
done

exec "$PY" - "$work" <<'PYTHON'
"""Merges what each source could check and reports; see scripts/audit.sh."""

import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

work = Path(sys.argv[1])
strict = os.environ.get("AUDIT_STRICT") == "1"
project_url = os.environ.get("PYPI_JSON_URL", "https://pypi.org/pypi/{name}/json")


def canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


locked: dict[str, str] = {}
for line in (work / "requirements.txt").read_text().splitlines():
    requirement = line.split(";")[0].strip()
    if "==" in requirement and not requirement.startswith("#"):
        name, version = requirement.split("==", 1)
        locked[canonical(name)] = version.strip()

checked_by: dict[str, str] = {}
found: list[tuple[str, str, str, str, str]] = []  # package, version, id, fixed in, source
unreachable: dict[str, str] = {}

for service, label in (("osv", "pip-audit, OSV"), ("pypi", "pip-audit, PyPI per version")):
    output = work / f"{service}.json"
    try:
        report = json.loads(output.read_text())
    except (OSError, ValueError):
        log = (work / f"{service}.log").read_text(errors="replace").strip().splitlines()
        unreachable[label] = log[-1][:200] if log else "no output"
        continue
    for dependency in report.get("dependencies", []):
        name = canonical(dependency.get("name", ""))
        if name not in locked or name in checked_by or "skip_reason" in dependency:
            continue
        checked_by[name] = label
        for vuln in dependency.get("vulns", []):
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
            found.append((name, locked[name], vuln.get("id", "?"), fixed, label))
    if not any(checked_by.get(name) == label for name in locked):
        unreachable[label] = "reached, but it could not check a single package"

project_label = "PyPI project JSON (latest release)"
not_checked: dict[str, str] = {}
reached_project = False
for name, version in sorted(locked.items()):
    if name in checked_by:
        continue
    try:
        with urllib.request.urlopen(project_url.format(name=name), timeout=15) as response:
            data = json.load(response)
    except (urllib.error.URLError, OSError, ValueError) as error:
        not_checked[name] = f"project JSON unavailable ({str(error)[:80]})"
        continue
    reached_project = True
    latest = data.get("info", {}).get("version")
    if "vulnerabilities" not in data:
        not_checked[name] = "the project JSON has no vulnerabilities field"
    elif latest != version:
        not_checked[name] = f"locked {version}, latest {latest}: the project JSON describes {latest} only"
    else:
        checked_by[name] = project_label
        for vuln in data["vulnerabilities"]:
            if vuln.get("withdrawn"):
                continue
            fixed = ", ".join(vuln.get("fixed_in") or []) or "no fix yet"
            found.append((name, version, vuln.get("id", "?"), fixed, project_label))
if not reached_project:
    unreachable[project_label] = "not reachable"

print(f"Locked Python packages (uv.lock, every group): {len(locked)}")
for label, reason in unreachable.items():
    print(f"  source unavailable: {label}: {reason}")
for label in ("pip-audit, OSV", "pip-audit, PyPI per version", project_label):
    count = sum(1 for source in checked_by.values() if source == label)
    if count:
        print(f"  checked by {label}: {count}")
if not_checked:
    print(f"NOT CHECKED ({len(not_checked)}): no source could say whether these are vulnerable:")
    for name, reason in sorted(not_checked.items()):
        print(f"  {name}=={locked[name]}: {reason}")
if found:
    print(f"KNOWN VULNERABILITIES ({len(found)}):")
    for name, version, vuln_id, fixed, source in sorted(found):
        print(f"  {name}=={version}: {vuln_id} (fixed in {fixed}; from {source})")
    sys.exit(1)
if not checked_by:
    print("No vulnerability source could be reached: nothing was checked (not a pass).")
elif not_checked:
    print(f"No known vulnerabilities in the {len(checked_by)} packages checked.")
else:
    print("No known vulnerabilities in any locked package.")
sys.exit(2 if strict and not_checked else 0)
PYTHON
