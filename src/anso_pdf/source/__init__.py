"""Reading issue files and the files they name."""
