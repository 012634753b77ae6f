"""When a waiting caller left the line for a callback (the service-level report's waits)

Revision ID: b3d9e1f4a7c2
Revises: 8c2d4b6e1a93
Create Date: 2026-11-29 05:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b3d9e1f4a7c2"
down_revision: str | None = "8c2d4b6e1a93"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "queue_entries",
        sa.Column("callback_requested_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("queue_entries") as batch:
        batch.drop_column("callback_requested_at")
