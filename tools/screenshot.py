"""Render the digest of the bundled example timeline and screenshot it as a phone shows it.

    python tools/screenshot.py docs/digest.png      (make screenshot)

Needs headless Chromium (Debian: apt-get install chromium).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(target: Path, width: int = 390, height: int = 1900) -> int:
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        print("error: headless Chromium is needed (Debian: apt-get install chromium)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{Path(tmp) / 'demo.db'}"
        html = Path(tmp) / "digest.html"
        tracker = [sys.executable, "-m", "tracker", "--db", db]
        subprocess.run([*tracker, "ingest", "--quiet", "--snapshots-dir", "", str(ROOT / "tests" / "corpus")],
                       check=True)
        subprocess.run([*tracker, "digest", "--to", "reader@example.org", "--since", "2026-01-01", "--dry-run",
                        "--output", str(html)], check=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        f"--window-size={width},{height}", f"--screenshot={target.resolve()}", html.as_uri()],
                       check=True, capture_output=True, timeout=120)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/digest.png")))
