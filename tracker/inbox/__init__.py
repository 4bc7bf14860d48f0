"""The inbox: agencies' answers read back from the tracker's mailbox.

Reminders ask agencies to reply with the item numbers they finished and the filled form; those
replies, the bounces of mistyped addresses and the agencies' out-of-office notes all land in one
IMAP folder.  This package reads that folder (`mailbox`, `fetch`), records every message once
before acting on it (`ledger`), reads what each says (`letter`, `quotes`, `proposals`,
`bounce`, `autoreply`), decides what it is (`handling`) and lets staff accept or reject what it
proposes (`review`).  Nothing from mail changes the plan's state without staff, except a reply
of a contact marked trusted to a reminder we sent it.
"""
