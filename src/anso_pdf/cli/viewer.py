"""`--open`: show the email PDF in the system's PDF viewer, without waiting for it and without its output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from anso_pdf.cli import report
from anso_pdf.cli.terminal import quote_path


def viewer_command(path: Path) -> list[str] | None:
    """The command that opens a file with the desktop's default application, or None (Windows uses startfile)."""
    if sys.platform == "darwin":
        return ["open", str(path)]
    if sys.platform.startswith("win"):
        return None
    return ["xdg-open", str(path)]


def open_in_viewer(path: Path) -> None:
    """Open `path`; say so in one line when no viewer can be started (the PDF is written all the same)."""
    path = Path(os.path.abspath(path))
    command = viewer_command(path)
    try:
        if command is None:
            os.startfile(path)  # type: ignore[attr-defined]  # Windows only
        else:
            subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError as exc:
        report.say(f"could not open {quote_path(path)} in a PDF viewer: {exc.strerror or exc}")
