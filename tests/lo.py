"""LibreOffice in tests: convert a file as an HR officer's spreadsheet would open and save it.

Each conversion runs `soffice --headless --convert-to` with its default import options and a
throwaway profile of its own (a shared profile is locked by a running soffice, and a profile
left by an earlier run could change how files are read)."""
from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest


def require_soffice() -> None:
    """Skip where LibreOffice is missing; fail on CI, which installs it (scripts/ensure-system-packages)."""
    if shutil.which("soffice") is None:
        if os.environ.get("CI"):
            pytest.fail("soffice is missing: CI must install Debian's libreoffice-calc-nogui")
        pytest.skip("LibreOffice (soffice) is not installed")


def convert(source: Path, fmt: str, outdir: Path) -> Path:
    """`source` opened in LibreOffice Calc and saved as `fmt` (ods, xlsx, csv) in `outdir`."""
    require_soffice()
    profile = Path(f"/tmp/lo-{uuid.uuid4().hex}")
    outdir.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
                        "--outdir", str(outdir), str(source)], check=True, capture_output=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    converted = outdir / f"{source.stem}.{fmt}"
    assert converted.exists(), f"LibreOffice did not write {converted.name}"
    return converted
