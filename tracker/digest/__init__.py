"""The managers' status digest: the same numbers as text, HTML, JSON and mail."""
