"""Head office: the PostgreSQL side of store-and-chain consolidation (psycopg 3).

Everything that speaks to PostgreSQL is here (schema migrations, store roles, the ingest call,
the offline transport file); the counter's side of sync is ``services.sync_service``. No Qt, no
SQLite here: the layers are cli -> ui -> ... -> services -> headoffice -> storage -> domain.
"""
