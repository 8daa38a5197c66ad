"""Render what readers see from the bundled example timelines and screenshot it with headless
Chromium: the emailed digest as a phone shows it, and the static site's index and one
jurisdiction's page at 390 px (a phone) and 1200 px (a laptop).

    python tools/screenshot.py docs/      (make screenshot)

Needs headless Chromium (Debian: apt-get install chromium).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (file in the target folder, page of the site or the digest, width, height)
SHOTS = [
    ("digest.png", None, 390, 1900),
    ("site-index-390.png", "index.html", 390, 1500),
    ("site-index-1200.png", "index.html", 1200, 1000),
    ("site-jurisdiction-390.png", "jurisdictions/kazakhstan--regulatory-status.html", 390, 1500),
    ("site-jurisdiction-1200.png", "jurisdictions/kazakhstan--regulatory-status.html", 1200, 1250),
]


def shoot(browser: str, page: Path, target: Path, width: int, height: int) -> None:
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--force-device-scale-factor=1", f"--window-size={width},{height}",
                    f"--screenshot={target.resolve()}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    print(f"wrote {target}")


def main(folder: Path) -> int:
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        print("error: headless Chromium is needed (Debian: apt-get install chromium)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{Path(tmp) / 'demo.db'}"
        html, site = Path(tmp) / "digest.html", Path(tmp) / "site"
        tracker = [sys.executable, "-m", "tracker", "--db", db]
        subprocess.run([*tracker, "ingest", "--quiet", "--snapshots-dir", "", str(ROOT / "tests" / "corpus")],
                       check=True)
        subprocess.run([*tracker, "digest", "--to", "reader@example.org", "--since", "2026-01-01", "--dry-run",
                        "--output", str(html)], check=True)
        subprocess.run([*tracker, "site", "--quiet", str(site)], check=True)
        folder.mkdir(parents=True, exist_ok=True)
        for name, page, width, height in SHOTS:
            shoot(browser, site / page if page else html, folder / name, width, height)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")))
