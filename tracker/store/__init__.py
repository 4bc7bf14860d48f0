"""The store: the tables (`models`, the schema of record, and their light Core twins in
`tables`), opening the database, its migrations, and the small settings kept in it."""
