"""queue arrival and callee screening

Revision ID: e5b2c8d41f93
Revises: e5a1c9d47b20
Create Date: 2026-12-03 06:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e5b2c8d41f93"
down_revision: str | None = "e5a1c9d47b20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("queue_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("in_queue_at", sa.DateTime(timezone=True), nullable=True))
    # Callers waiting at the upgrade are in Twilio's queue already.
    op.execute("UPDATE queue_entries SET in_queue_at = enqueued_at")
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("callee_confirmed_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_column("callee_confirmed_at")
    with op.batch_alter_table("queue_entries", schema=None) as batch_op:
        batch_op.drop_column("in_queue_at")
