"""Render: a laid-out issue becomes PDF bytes for one profile."""
