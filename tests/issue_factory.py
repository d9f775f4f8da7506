"""Generated issue files for layout tests: deterministic prose of a chosen length."""

from __future__ import annotations

import random

# the smallest issue a new user writes: used by the command-line tests
MINIMAL = """newsletter:
  name: Example Newsletter
  issue: Issue 1
  date: January 2026
sections:
  - title: Hello
    body: |
      First paragraph.

      Second paragraph with **bold** and a [link](https://example.org).
"""

WORDS = ["science", "cooperation", "members", "workshop", "research", "partners", "network", "region", "climate", "water", "energy", "health", "training", "students", "experts", "forum", "alliance", "policy", "data", "ocean", "field", "project", "results", "meeting", "report", "agriculture", "disaster", "risk", "reduction", "development", "innovation", "capacity", "building", "exchange", "program"]


def prose(words: int, seed: int) -> str:
    rnd = random.Random(seed)
    paras, left = [], words
    while left > 0:
        n = min(left, rnd.randint(45, 80))
        ws = [rnd.choice(WORDS) for _ in range(n)]
        ws[0] = ws[0].capitalize()
        paras.append(" ".join(ws) + ".")
        left -= n
    return "\n\n".join(paras)


def block(text: str, indent: int) -> str:
    return "\n".join((" " * indent + line) if line else "" for line in text.split("\n"))


def issue_yaml(sections: list[dict], *, style: str = "") -> str:
    """sections: dicts with title, words, and optional page, continues_on."""
    out = ["newsletter:", "  name: Test News", "  issue: Issue 1", "  date: May 2026", "sections:"]
    for i, s in enumerate(sections):
        out.append(f"  - title: {s['title']}")
        for key in ("page", "continues_on"):
            if key in s:
                out.append(f"    {key}: {s[key]}")
        out.append("    body: |")
        out.append(block(prose(s["words"], seed=i + 7), 6))
    if style:
        out.append(style)
    return "\n".join(out) + "\n"


def four_sections(words: tuple[int, int, int, int], **extra: dict) -> str:
    sections = [{"title": f"Section {n}", "page": n, "words": w} for n, w in enumerate(words, 1)]
    for n, options in extra.items():
        sections[int(n[1:]) - 1].update(options)
    return issue_yaml(sections)
