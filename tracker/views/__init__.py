"""What people and scripts read: every JSON shape and terminal text, built from the services'
data (never the other way round)."""
