"""Dependency audit of requirements.txt with pip-audit (called by `make audit`).

Fails (exit 1) on a known vulnerability that has a fixed version. Tries the OSV service, then PyPI's
(``-s pypi``), since a machine may reach only the package registry. Some mirrors of the registry answer only
the project's JSON (``/pypi/NAME/json``), whose ``vulnerabilities`` are those of the latest release: for a
package pinned at its latest release, that is the audit of our pin, and it is used. When nothing answers for a
package, the audit says so in French; it fails for that only with AUDIT_STRICT=1 (a machine without the
vulnerability data must not block every change, but must not pass for audited either: "non concluant").
"""

from __future__ import annotations

import json
import os

# bandit B404/B603: subprocess runs pip-audit, a fixed list of arguments, without a shell
import subprocess  # nosec B404
import sys
import tempfile

SERVICES = ("osv", "pypi")


def run(requirements: str, service: str) -> dict | None:
    """pip-audit's JSON report with one vulnerability service, or None when the service cannot be reached."""
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "rapport.json")
        command = [
            os.path.join(os.path.dirname(sys.executable), "pip-audit"),
            "-r", requirements, "--no-deps", "--disable-pip", "-s", service,
            "-f", "json", "-o", out, "--progress-spinner", "off",
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=900)  # nosec B603
        if not os.path.exists(out):
            print(f"audit : service « {service} » injoignable ({done.stderr.strip().splitlines()[-1:]})")
            return None
        with open(out) as f:
            return json.load(f)


def latest_release_vulns(name: str, version: str) -> list[dict] | None:
    """The vulnerabilities of name==version from the project's JSON, when version is its latest release."""
    import requests

    try:
        response = requests.get(f"https://pypi.org/pypi/{name}/json", timeout=30)
        data = response.json() if response.ok else None
    except (requests.RequestException, ValueError):
        return None
    if not data or data.get("info", {}).get("version") != version:
        return None
    return [{"id": v.get("id", "?"), "fix_versions": v.get("fixed_in") or []} for v in data.get("vulnerabilities") or []]


def pins(requirements: str) -> dict[str, str]:
    """name -> pinned version, names normalised as pip-audit writes them (lower case, - for _ and .)."""
    found = {}
    with open(requirements) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if "==" in line:
                name, version = line.split("==", 1)
                found[name.strip().lower().replace("_", "-").replace(".", "-")] = version.strip()
    return found


def main(requirements: str) -> int:
    report, service = None, None
    for service in SERVICES:
        report = run(requirements, service)
        if report is not None and any("vulns" in d for d in report["dependencies"]):
            break
    if report is None:
        print("audit des dépendances NON CONCLUANT : aucun service de vulnérabilités joignable.")
        return 2 if os.environ.get("AUDIT_STRICT") == "1" else 0
    from_project_json = 0
    for dep in report["dependencies"]:
        if "skip_reason" in dep:
            dep["version"] = pins(requirements).get(dep["name"].replace("_", "-").replace(".", "-"), "?")
            vulns = latest_release_vulns(dep["name"], dep["version"])
            if vulns is not None:
                dep.pop("skip_reason")
                dep["vulns"] = vulns
                from_project_json += 1
    audited = [d for d in report["dependencies"] if "vulns" in d]
    skipped = [d for d in report["dependencies"] if "skip_reason" in d]
    fixable, unfixed = [], []
    for dep in audited:
        for vuln in dep["vulns"]:
            line = f"{dep['name']} {dep['version']} : {vuln['id']} (corrigé dans : {', '.join(vuln['fix_versions']) or 'aucune version'})"
            (fixable if vuln["fix_versions"] else unfixed).append(line)
    print(
        f"audit des dépendances (service {service}"
        + (f" ; JSON du projet pour {from_project_json} paquets à leur dernière version" if from_project_json else "")
        + f") : {len(audited)} paquets vérifiés, {len(skipped)} non vérifiés."
    )
    for line in unfixed:
        print("  vulnérabilité sans correctif (à surveiller) :", line)
    for line in fixable:
        print("  VULNÉRABILITÉ CORRIGÉE EN AMONT : montez la version :", line)
    if skipped:
        names = ", ".join(f"{d['name']} {d['version']}" for d in skipped)
        print(f"  NON CONCLUANT pour {len(skipped)} paquets (données de vulnérabilités injoignables) : {names}")
    if fixable:
        return 1
    if skipped and os.environ.get("AUDIT_STRICT") == "1":
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "requirements.txt"))
