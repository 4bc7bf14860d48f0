"""Reminders and mail, in the order one reminder travels.

`schedule` puts the plan's stages on the calendar; `recipients` groups contacts into addresses;
`due` decides which mails are due (a pure function of plan, state and clock); `compose` renders
them; `outbox` records them and holds every state change of a row; `writer` commits a delivery
run's outbox writes; `sender` speaks SMTP; `tick` is the service that runs one round of it.
"""
