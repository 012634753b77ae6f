"""indexes for a long history: the report's month, an incident's texts, the purge's unpurged rows

Revision ID: f30c4a7e1b59
Revises: 0ec7ca7d3011
Create Date: 2026-12-03 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f30c4a7e1b59"
down_revision: str | None = "0ec7ca7d3011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# ivr.models' conditions when this revision was written (issue 30): the rows the retention purge
# has not purged yet.
UNPURGED_INCIDENT = (
    "(recording_url IS NOT NULL OR recording_sid IS NOT NULL"
    " OR caller_number NOT LIKE '%*%' OR callback_number NOT LIKE '%*%')"
)
UNMASKED_CALL = "(from_number NOT LIKE '%*%')"


def upgrade() -> None:
    op.create_index("ix_calls_started_at", "calls", ["started_at"])
    op.create_index("ix_queue_entries_enqueued_at", "queue_entries", ["enqueued_at"])
    op.create_index("ix_outbox_incident_id", "outbox", ["incident_id"])
    op.create_index("ix_outbox_channel_created_at", "outbox", ["channel", "created_at"])
    op.create_index(
        "ix_incidents_unpurged",
        "incidents",
        ["received_at", "id"],
        postgresql_where=sa.text(UNPURGED_INCIDENT),
        sqlite_where=sa.text(UNPURGED_INCIDENT),
    )
    op.create_index(
        "ix_calls_unmasked",
        "calls",
        ["started_at", "id"],
        postgresql_where=sa.text(UNMASKED_CALL),
        sqlite_where=sa.text(UNMASKED_CALL),
    )


def downgrade() -> None:
    op.drop_index("ix_calls_unmasked", table_name="calls")
    op.drop_index("ix_incidents_unpurged", table_name="incidents")
    op.drop_index("ix_outbox_channel_created_at", table_name="outbox")
    op.drop_index("ix_outbox_incident_id", table_name="outbox")
    op.drop_index("ix_queue_entries_enqueued_at", table_name="queue_entries")
    op.drop_index("ix_calls_started_at", table_name="calls")
