"""Standard changes' due time and the support-incident mark

Revision ID: 7c1e5a2b9d04
Revises: 9371aea6ab58
Create Date: 2026-11-29 02:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c1e5a2b9d04"
down_revision: str | None = "9371aea6ab58"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("change_due", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("support_incident", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_column("support_incident")
        batch_op.drop_column("change_due")
