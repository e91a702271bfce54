"""Returns Desk: the returns counter for the 2025 power-bank recalls."""

__version__ = "0.1.0"
APP_NAME = "Returns Desk"
