"""maintenance consultation: who was consulted and when

Revision ID: d3a7c2e91f50
Revises: b3d9e1f4a7c2
Create Date: 2026-11-29 05:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d3a7c2e91f50"
down_revision: str | None = "b3d9e1f4a7c2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: windows planned before this was asked have no consultation on record.
    with op.batch_alter_table("maintenance_windows", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consulted_party", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("consulted_name", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("consulted_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("maintenance_windows", schema=None) as batch_op:
        batch_op.drop_column("consulted_on")
        batch_op.drop_column("consulted_name")
        batch_op.drop_column("consulted_party")
