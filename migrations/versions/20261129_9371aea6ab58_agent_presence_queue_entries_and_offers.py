"""agent presence, queue entries and offers

Revision ID: 9371aea6ab58
Revises: 7c1e5a90b214
Create Date: 2026-11-29 02:05:15.091374
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9371aea6ab58"
down_revision: str | None = "7c1e5a90b214"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "queue_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_sid", sa.String(length=64), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("category", sa.Integer(), nullable=True),
        sa.Column("impact", sa.String(length=16), nullable=True),
        sa.Column("severity", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("enqueued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("told_position", sa.Integer(), nullable=True),
        sa.Column("leave_reason", sa.String(length=16), nullable=True),
        sa.Column("callback_number", sa.String(length=64), nullable=True),
        sa.Column("callback_attempts", sa.Integer(), nullable=False),
        sa.Column("failed_offers", sa.Integer(), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queue_entries")),
        sa.UniqueConstraint("call_sid", name=op.f("uq_queue_entries_call_sid")),
    )
    with op.batch_alter_table("queue_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_queue_entries_status"), ["status"], unique=False)

    op.create_table(
        "offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("call_sid", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("agent_free_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_offers_agent_id_agents")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["queue_entries.id"], name=op.f("fk_offers_entry_id_queue_entries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers")),
        sa.UniqueConstraint("call_sid", name=op.f("uq_offers_call_sid")),
    )
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offers_agent_id"), ["agent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_offers_entry_id"), ["entry_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_offers_status"), ["status"], unique=False)

    with op.batch_alter_table("agents", schema=None) as batch_op:
        # Agents on duty start available, those off duty away.
        batch_op.add_column(
            sa.Column("presence", sa.String(length=16), nullable=False, server_default="available")
        )
        batch_op.add_column(sa.Column("presence_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("presence_note", sa.String(length=120), nullable=True))
        batch_op.create_index(batch_op.f("ix_agents_presence"), ["presence"], unique=False)
    op.execute(sa.text("UPDATE agents SET presence = 'away' WHERE NOT on_duty"))
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.alter_column("presence", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agents_presence"))
        batch_op.drop_column("presence_note")
        batch_op.drop_column("presence_since")
        batch_op.drop_column("presence")

    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offers_status"))
        batch_op.drop_index(batch_op.f("ix_offers_entry_id"))
        batch_op.drop_index(batch_op.f("ix_offers_agent_id"))

    op.drop_table("offers")
    with op.batch_alter_table("queue_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_queue_entries_status"))

    op.drop_table("queue_entries")
