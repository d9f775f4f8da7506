"""anso-pdf: typeset a four-page newsletter from one YAML issue file."""

__version__ = "0.1.0"
