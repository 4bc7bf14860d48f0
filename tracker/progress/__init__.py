"""Progress on the plan: what a person selects, marking it, the status grid, the history of
changes, and the contacts who answer for each region and body."""
