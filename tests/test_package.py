"""A non-editable install carries its migrations and templates and works from any directory."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile

from conftest import ROOT


def test_the_wheel_ships_migrations_and_templates_and_runs_elsewhere(tmp_path, corpus):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(wheels), str(ROOT)], check=True, capture_output=True)
    (wheel,) = wheels.glob("tracker-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "tracker/_migrations/env.py" in names
    assert any(n.startswith("tracker/_migrations/versions/0001") for n in names)
    assert "tracker/_templates/changes.html" in names
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                    str(wheel)], check=True, capture_output=True)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "TRACKER_SNAPSHOTS_DIR": ""}
    env.pop("TRACKER_DATABASE_URL", None)
    run = lambda *a: subprocess.run([sys.executable, "-m", "tracker", *a], cwd=work, env=env, capture_output=True,
                                    text=True)
    where = subprocess.run([sys.executable, "-c", "import tracker; print(tracker.__file__)"], cwd=work, env=env,
                           capture_output=True, text=True).stdout
    assert where.startswith(str(target))
    assert run("ingest", str(corpus / "japan_2025-09-16.txt"), str(corpus / "japan_2025-11-04.txt")).returncode == 0
    html = run("diff", "--since", "2000-01-01", "--all", "--format", "html")
    assert html.returncode == 0, html.stderr
    assert "<html" in html.stdout
