"""The `tracker` command line: thin click commands over the service modules.

Modules here import only click at the top; each command imports what it needs when it runs,
so `tracker --help` starts in the time Python itself takes.
"""
