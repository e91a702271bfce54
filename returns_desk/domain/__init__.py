"""Pure business rules: no Qt, no SQL (checked by import-linter and tests/test_architecture.py)."""
