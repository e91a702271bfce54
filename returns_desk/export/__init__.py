"""Tally exports for a date range: CSV, XLSX and PDF, plus the recall programme progress.

``tally`` builds the export's data (pure); ``csv_export`` and ``xlsx_export`` write files without
Qt; ``pdf_export`` prints through :mod:`returns_desk.reports.printing`; ``service`` reads the
database, writes the file and records the export in the audit trail.
"""
