"""Regenerate the examples of docs/guide.md's "Fix what the tool reports" section from real runs.

Each example breaks a copy of the sample issue in one way, runs `anso-pdf check` on it (no colour, as in a log),
and puts the exact output between the `<!-- errors:NAME -->` and `<!-- /errors:NAME -->` markers of the guide.
Run from the repository root after changing a message:  python scripts/gen_guide_errors.py
(`--check` exits 1 when the guide is not what the runs print, for CI.)
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "guide.md"
SAMPLE = ROOT / "issues" / "anso-2019-06.yaml"


def replace_once(old: str, new: str) -> Callable[[str], str]:
    def change(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return change


def too_long(text: str) -> str:
    marker = "    body: |\n"
    at = text.index(marker) + len(marker)
    extra = "      " + "The working group discussed the plan for the coming year in detail. " * 60 + "\n\n"
    return text[:at] + extra + text[at:]


# name -> how the sample is broken (the guide's prose around each example says what it shows)
EXAMPLES: dict[str, Callable[[str], str]] = {
    "unknown-key": replace_once("    contents_title:", "    content_title:"),
    "missing-photo": replace_once("assets/photos/forest-stream.jpg", "assets/photos/forest_stream.jpg"),
    "bad-date": replace_once("        - date: 2019-09-04\n", "        - date: 4 Sept 2019\n"),
    "too-long": too_long,
    "tab": replace_once("\n    contents_title:", "\n\tcontents_title:"),
    "hash": replace_once("sections:\n", "style:\n  colors:\n    primary: #17468C\nsections:\n"),
    "indentation": replace_once("          place: Narok, Kenya", "           place: Narok, Kenya"),
    "missing-dash": replace_once("        - date: 2019-10\n          label: Late Oct.",
                                 "          date: 2019-10\n          label: Late Oct."),
    "curly-quotes": replace_once("  - title: ANSO Conferences", "  - title: \u201cANSO: Conferences\u201d"),
}


def run(name: str, text: str) -> str:
    from anso_pdf.cli import app

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "issues").mkdir()
        shutil.copytree(ROOT / "assets", root / "assets")  # a link would lead outside the folder: refused
        (root / "issues" / f"{name}.yaml").write_text(text, encoding="utf-8")
        old = Path.cwd()
        os.chdir(root)
        try:
            result = CliRunner().invoke(app, ["check", "--no-color", f"issues/{name}.yaml"],
                                        env={"NO_COLOR": "1", "FORCE_COLOR": ""})
        finally:
            os.chdir(old)
    return result.output


def main() -> int:
    sample = SAMPLE.read_text(encoding="utf-8")
    guide = GUIDE.read_text(encoding="utf-8")
    for name, change in EXAMPLES.items():
        output = run(name, change(sample))
        block = f"<!-- errors:{name} -->\n```text\n{output}```\n<!-- /errors:{name} -->"
        pattern = re.compile(rf"<!-- errors:{re.escape(name)} -->.*?<!-- /errors:{re.escape(name)} -->", re.S)
        if not pattern.search(guide):
            print(f"docs/guide.md has no <!-- errors:{name} --> marker", file=sys.stderr)
            return 1
        guide = pattern.sub(lambda _m, block=block: block, guide)
    if "--check" in sys.argv:
        if guide != GUIDE.read_text(encoding="utf-8"):
            print("docs/guide.md's examples differ from real runs: run python scripts/gen_guide_errors.py", file=sys.stderr)
            return 1
        return 0
    GUIDE.write_text(guide, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
