"""Where the files that ship beside the code (migrations, templates) are found."""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The folder `name` (migrations or templates): packaged as tracker/_<name> in a wheel, or at
    the top of a source checkout."""
    for candidate in (_PACKAGE / f"_{name}", _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the tracker's {name} folder is missing from this installation")
