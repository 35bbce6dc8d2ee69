"""Writers that turn the page model into Word and Excel files."""
