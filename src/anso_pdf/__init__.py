"""anso-pdf: typeset a four-page newsletter from one YAML issue file."""

from anso_pdf import lazypatterns

__version__ = "0.1.0"

lazypatterns.defer()  # before ReportLab or pikepdf is imported: three of their patterns compiled on first use
