"""Every package below the UI (store, domain, spreadsheets and the capabilities) never imports Textual
(checked in a fresh interpreter)."""

from __future__ import annotations

import json
import subprocess
import sys

CHECK = r"""
import importlib, json, pkgutil, sys

names = []
for package in ("clerk.store", "clerk.domain", "clerk.spreadsheets", "clerk.registry", "clerk.importing",
                "clerk.sync", "clerk.hub", "clerk.reports", "clerk.printing"):
    module = importlib.import_module(package)
    names.append(package)
    for info in pkgutil.walk_packages(module.__path__, prefix=package + "."):
        importlib.import_module(info.name)
        names.append(info.name)
print(json.dumps({"modules": names, "textual": sorted(m for m in sys.modules if m.split(".")[0] == "textual")}))
"""


def test_the_layers_below_the_ui_never_import_textual():
    result = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert "clerk.domain.idcard" in report["modules"] and "clerk.registry.members" in report["modules"]
    assert "clerk.printing.form" in report["modules"]
    assert report["textual"] == [], f"Textual was imported by one of: {report['modules']}"
