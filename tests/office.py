"""Documents as they print: converted to PDF by LibreOffice or Chromium, then counted and read.

Under CI=true a missing LibreOffice or Chromium fails the test (`.ci/run` installs both);
elsewhere the test is skipped.  Each conversion gets a profile folder of its own, so tests
running side by side do not fight over one LibreOffice or Chromium profile.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


def _required(names: tuple[str, ...], what: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI=true but {what} is not installed (.ci/run installs it)")
    pytest.skip(f"{what} is not installed")


def soffice() -> str:
    """LibreOffice's command, or the test fails (CI) or is skipped."""
    return _required(("soffice", "libreoffice"), "LibreOffice")


def chromium() -> str:
    """Chromium's command, or the test fails (CI) or is skipped."""
    return _required(("chromium", "chromium-browser"), "chromium")


def office_convert(source: Path, target_format: str, folder: Path) -> Path:
    """Convert `source` with LibreOffice (`pdf`, `txt:Text`, ...); the converted file's path."""
    office = soffice()
    folder.mkdir(parents=True, exist_ok=True)
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-", dir=folder))
    subprocess.run([office, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", target_format, "--outdir", str(folder), str(source)],
                   check=True, capture_output=True, timeout=240)
    extension = target_format.split(":", 1)[0]
    converted = folder / f"{source.stem}.{extension}"
    assert converted.is_file(), f"LibreOffice did not write {converted}"
    return converted


def browser_flags(folder: Path) -> list[str]:
    """Headless Chromium with nothing of its own reaching the network, in a fresh profile."""
    return ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tempfile.mkdtemp(prefix='chromium-', dir=folder)}"]


def print_page(page: Path, pdf: Path) -> Path:
    """Print an HTML page to PDF as a browser prints it (its print CSS and @page rules)."""
    subprocess.run([chromium(), *browser_flags(pdf.parent), "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    assert pdf.is_file(), f"chromium did not write {pdf}"
    return pdf


def _pdfinfo(pdf: Path, field: str) -> str:
    info = subprocess.run([_required(("pdfinfo",), "pdfinfo (poppler-utils)"), str(pdf)],
                          check=True, capture_output=True, text=True).stdout
    match = re.search(rf"^{field}:\s+(.+)$", info, re.M)
    assert match, info
    return match[1]


def dump_dom(page: Path, width: int, height: int) -> str:
    """The page's DOM after its scripts ran, in a window of `width` x `height` CSS pixels."""
    command = [chromium(), *browser_flags(page.parent), f"--window-size={width},{height}",
               "--dump-dom", page.as_uri()]
    return subprocess.run(command, check=True, capture_output=True, text=True,
                          timeout=120).stdout


def pdf_pages(pdf: Path) -> int:
    """The number of pages."""
    return int(_pdfinfo(pdf, "Pages"))


def pdf_size(pdf: Path) -> tuple[float, float]:
    """The first page's width and height in points."""
    width, _, height = _pdfinfo(pdf, "Page size").split()[:3]
    return float(width), float(height)


def pdf_text(pdf: Path, layout: bool = True) -> list[str]:
    """The text of each page: laid out as printed (`pdftotext -layout`), or in reading order
    (which keeps a rotated line whole)."""
    tool = _required(("pdftotext",), "pdftotext (poppler-utils)")
    out = subprocess.run([tool, *(["-layout"] if layout else []), str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    return out.split("\f")[:pdf_pages(pdf)]


def words(text: str) -> set[str]:
    """The whitespace-separated words of `text`."""
    return set(text.split())
