"""desks and roles: every row in a desk, agents per desk, console users' and tokens' roles

Revision ID: d5e7a1c3b9f2
Revises: a24e5c1d7f30
Create Date: 2026-12-03 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d5e7a1c3b9f2"
down_revision: str | None = "a24e5c1d7f30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_DESK = "default"  # ivr.models.DEFAULT_DESK when this revision was written
INDEXED = ("calls", "incidents", "queue_entries", "outbox")
UNINDEXED = ("closures", "maintenance_windows", "disruptions")


def upgrade() -> None:
    # Every existing row is in the one desk the line was; nothing it does changes.
    for table in INDEXED + UNINDEXED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("desk", sa.String(32), server_default=DEFAULT_DESK, nullable=False)
            )
            if table in INDEXED:
                batch.create_index(f"ix_{table}_desk", ["desk"])
    op.create_table(
        "agent_desks",
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("desk", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_agent_desks_agent_id_agents")
        ),
        sa.PrimaryKeyConstraint("agent_id", "desk", name=op.f("pk_agent_desks")),
    )
    op.create_table(
        "user_roles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("desk", sa.String(32), nullable=False),
        sa.Column("role", sa.String(8), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_roles_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "desk", name=op.f("pk_user_roles")),
    )
    op.create_table(
        "token_roles",
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("desk", sa.String(32), nullable=False),
        sa.Column("role", sa.String(8), nullable=False),
        sa.ForeignKeyConstraint(
            ["token_id"], ["api_tokens.id"], name=op.f("fk_token_roles_token_id_api_tokens")
        ),
        sa.PrimaryKeyConstraint("token_id", "desk", name=op.f("pk_token_roles")),
    )
    # Today every agent answers for the one desk, and every user and token may do everything.
    op.execute("INSERT INTO agent_desks (agent_id, desk) SELECT id, 'default' FROM agents")
    op.execute("INSERT INTO user_roles (user_id, desk, role) SELECT id, '*', 'admin' FROM users")
    op.execute(
        "INSERT INTO token_roles (token_id, desk, role) SELECT id, '*', 'admin' FROM api_tokens"
    )


def downgrade() -> None:
    op.drop_table("token_roles")
    op.drop_table("user_roles")
    op.drop_table("agent_desks")
    for table in INDEXED + UNINDEXED:
        with op.batch_alter_table(table) as batch:
            if table in INDEXED:
                batch.drop_index(f"ix_{table}_desk")
            batch.drop_column("desk")
