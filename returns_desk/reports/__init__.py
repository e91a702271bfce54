"""Reports: the daily return report (X and numbered Z), customer return slips and bag labels.

``daily`` and ``html`` and ``slip`` are pure (data in, data or HTML out); ``service`` reads the
database and records closes and prints; ``printing`` is the only Qt module here.
"""
