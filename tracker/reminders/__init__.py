"""Deadline reminders: when each recipient is due a mail, and what it says.

`schedule` turns the plan's policy into dated stages; `recipients` groups contacts into
recipients; `derive` decides, from plan + state + clock, which mails are due (a pure function);
`compose` renders them.  The outbox (tracker.outbox) records and delivers.
"""
