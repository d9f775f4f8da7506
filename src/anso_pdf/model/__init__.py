"""The issue model: typed, validated, immutable; no ReportLab, no files written."""
