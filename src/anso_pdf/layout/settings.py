"""Pin the ReportLab settings that environment variables or settings files could loosen (issue #5)."""

from __future__ import annotations

PINNED: dict[str, object] = {
    "toColorCanUse": "rl_extended_literal_eval",  # never rl_safe_eval/eval on colour strings
    "trustedHosts": None,  # no URL is ever fetched
    "trustedSchemes": [],
    "useA85": 0,  # image streams binary, not ASCII85
    "invariant": 1,  # same input, same bytes
    "allowTTFSubsetting": [],
    "warnOnMissingFontGlyphs": 0,
}


def pin_reportlab() -> None:
    """Set every pinned value, whatever RL_* variables or reportlab_settings files said."""
    from reportlab import rl_config

    for name, value in PINNED.items():
        setattr(rl_config, name, value)
