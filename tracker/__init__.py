"""tracker: plan tracking and deadline reminders for the «Қауіпсіз интернет» campaign."""

__version__ = "0.1.0"
