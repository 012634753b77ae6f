"""ticket connectors: which connector tried an outbox row, its refusals, progress read back

Revision ID: 90b8e93ba4ca
Revises: d5e7a1c3b9f2
Create Date: 2026-12-03 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "90b8e93ba4ca"
down_revision: str | None = "d5e7a1c3b9f2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ticket_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("connector", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_progress")),
        sa.UniqueConstraint("key", name=op.f("uq_ticket_progress_key")),
    )
    op.create_table(
        "ticket_sync",
        sa.Column("connector", sa.String(length=16), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("connector", name=op.f("pk_ticket_sync")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("connector", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("refusals", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("system_message", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("system_message")
        batch_op.drop_column("refusals")
        batch_op.drop_column("connector")

    op.drop_table("ticket_sync")
    op.drop_table("ticket_progress")
