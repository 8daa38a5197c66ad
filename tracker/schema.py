"""What the schema is, without SQLAlchemy: its newest migration, and the columns the driver-level
reader (tracker.reader) names. A test keeps these equal to the models in tracker.db."""
from __future__ import annotations

# The newest alembic revision in migrations/versions; a test keeps the two equal.
SCHEMA_HEAD = "0005"

# The snapshots' columns that listings print (all but the parsed data and the raw text).
SNAPSHOT_COLUMNS = ("id", "jurisdiction", "jurisdiction_key", "topic", "topic_key", "generated_at", "sha256",
                    "source_name", "parser_version", "lab", "generator", "model", "unverified_facts")
# The changes' columns as renderers read them: all but the stored JSON document.
CHANGE_COLUMNS = ("id", "from_id", "to_id", "to_generated_at", "jurisdiction", "topic", "category", "kind", "entity",
                  "entity_key", "field", "old", "new", "material", "confirmed", "omission", "refinement", "suspect",
                  "evidence", "citations", "position", "fingerprint", "quotes", "suppressed_by", "methodology",
                  "citation_lost")
