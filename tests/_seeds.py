"""The course's three source texts, for tests that hold the course's claims against them.

They live beside the checkout (``../shared/seeds``) or where ``CRMLAB_SEEDS`` points. Without
them the tests that need them are skipped with the reason; with ``CRMLAB_SEEDS`` set to a folder
that is not there, they fail, since someone meant them to run.
"""

import os
import unicodedata
from pathlib import Path

import pytest


def seeds_dir() -> Path:
    env = os.environ.get("CRMLAB_SEEDS")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "seeds"


def read_seed(number: str, *, what: str) -> str:
    """The text of ``seeds/<number>_*.txt`` in NFC; ``what`` names the check, for the skip."""
    folder = seeds_dir()
    if not folder.is_dir():
        if os.environ.get("CRMLAB_SEEDS"):
            pytest.fail(f"CRMLAB_SEEDS={folder} is not a folder")
        pytest.skip(f"source texts not found at {folder}: set CRMLAB_SEEDS to the seeds folder "
                    f"to check {what}")
    found = sorted(folder.glob(f"{number}_*.txt"))
    assert found, f"{folder}: no seed {number}_*.txt"
    return unicodedata.normalize("NFC", found[0].read_text(encoding="utf-8"))


def flat(text: str) -> str:
    """``text`` in NFC with every run of whitespace (line breaks included) made one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())
