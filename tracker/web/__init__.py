"""The web side: the page behind each recipient's personal link, served by `tracker serve`."""
