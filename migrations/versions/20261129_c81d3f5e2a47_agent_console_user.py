"""agent console user

Revision ID: c81d3f5e2a47
Revises: b4e7c2a91d35
Create Date: 2026-11-29 05:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c81d3f5e2a47"
down_revision: str | None = "b4e7c2a91d35"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("username", sa.String(length=80), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_agents_username"), ["username"])


def downgrade() -> None:
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_agents_username"), type_="unique")
        batch_op.drop_column("username")
