"""The counter window (PySide6). Everything that imports Qt widgets lives here."""
