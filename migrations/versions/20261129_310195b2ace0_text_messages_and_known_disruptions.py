"""Text messages through the outbox, opt-outs, known disruptions and their affected callers

Revision ID: 310195b2ace0
Revises: 466a6840cd5c
Create Date: 2026-11-29 02:33:26.111897
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "310195b2ace0"
down_revision: str | None = "466a6840cd5c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "message_opt_outs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("caller_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_opt_outs")),
        sa.UniqueConstraint("caller_key", name=op.f("uq_message_opt_outs_caller_key")),
    )
    op.create_table(
        "disruptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text_nl", sa.String(length=300), nullable=False),
        sa.Column("text_de", sa.String(length=300), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("category_set", sa.Integer(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_by", sa.String(length=80), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_disruptions_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disruptions")),
    )
    with op.batch_alter_table("disruptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disruptions_started_at"), ["started_at"], unique=False)

    op.create_table(
        "disruption_callers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("disruption_id", sa.Integer(), nullable=False),
        sa.Column("call_sid", sa.String(length=64), nullable=False),
        sa.Column("caller_number", sa.String(length=64), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["disruption_id"],
            ["disruptions.id"],
            name=op.f("fk_disruption_callers_disruption_id_disruptions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disruption_callers")),
        sa.UniqueConstraint(
            "disruption_id", "call_sid", name=op.f("uq_disruption_callers_disruption_id")
        ),
    )
    with op.batch_alter_table("disruption_callers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_disruption_callers_disruption_id"), ["disruption_id"], unique=False
        )

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("channel", sa.String(length=8), server_default="ticket", nullable=False)
        )
        batch_op.add_column(sa.Column("recipient", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("language", sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column("dedupe_key", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("external_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("given_up_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column("incident_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_unique_constraint(batch_op.f("uq_outbox_dedupe_key"), ["dedupe_key"])


def downgrade() -> None:
    op.execute("DELETE FROM outbox WHERE channel <> 'ticket'")  # messages have no incident column
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_outbox_dedupe_key"), type_="unique")
        batch_op.alter_column("incident_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("given_up_at")
        batch_op.drop_column("external_id")
        batch_op.drop_column("dedupe_key")
        batch_op.drop_column("language")
        batch_op.drop_column("recipient")
        batch_op.drop_column("channel")

    with op.batch_alter_table("disruption_callers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disruption_callers_disruption_id"))

    op.drop_table("disruption_callers")
    with op.batch_alter_table("disruptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disruptions_started_at"))

    op.drop_table("disruptions")
    op.drop_table("message_opt_outs")
