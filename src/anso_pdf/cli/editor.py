"""Commands around the issue file: new, schema, watch, preview (issue #7)."""

from __future__ import annotations
