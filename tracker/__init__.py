"""tracker: a versioned history of regulatory overview reports, and what changed between them."""

__version__ = "0.1.0"
