"""`python -m anso_pdf` runs the command line."""

from anso_pdf.cli import main

main()
