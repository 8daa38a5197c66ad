"""The tracker's exceptions: the core raises these, the CLI turns them into one-line errors."""


class TrackerError(Exception):
    """Base of every error the tracker reports to its user."""


class ReportRejected(TrackerError):
    """A report file cannot be read or parsed into a snapshot."""


class DuplicateSnapshot(TrackerError):
    """A different report already holds this jurisdiction, topic and instant."""


class NotFound(TrackerError):
    """The jurisdiction, snapshot or entity asked for is not in the database."""


class BadValue(TrackerError):
    """A command-line value (date, address, URL, format) is not acceptable."""


class DeliveryFailed(TrackerError):
    """The SMTP server could not be reached or refused the message."""


class DatabaseError(TrackerError):
    """The database cannot be opened or migrated."""
