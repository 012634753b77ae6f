"""agent PIN failures by phone, for the PIN lock

Revision ID: a9f4c1d27e60
Revises: e5b2c8d41f93
Create Date: 2026-12-03 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a9f4c1d27e60"
down_revision: str | None = "e5b2c8d41f93"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agent_pin_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("caller_key", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_pin_failures")),
    )
    with op.batch_alter_table("agent_pin_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agent_pin_failures_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_agent_pin_failures_caller_key"), ["caller_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("agent_pin_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agent_pin_failures_caller_key"))
        batch_op.drop_index(batch_op.f("ix_agent_pin_failures_at"))
    op.drop_table("agent_pin_failures")
