"""The regional results report (the 25 April form): entry, totals, import and export."""
