"""Use cases: what the counter window and the command line ask for. No Qt, no SQL."""
