"""one agent per address

Revision ID: 8c2d4b6e1a93
Revises: 5e1f0a7c9b21
Create Date: 2026-11-29 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8c2d4b6e1a93"
down_revision: str | None = "5e1f0a7c9b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    shared = op.get_bind().execute(
        sa.text("SELECT address FROM agents GROUP BY address HAVING COUNT(*) > 1")
    )
    addresses = [row[0] for row in shared]
    if addresses:  # the operator decides who keeps the number, not the migration
        raise RuntimeError(
            "several agents share an address; remove or change all but one, then migrate again: "
            + ", ".join(addresses)
        )
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f("uq_agents_address"), ["address"])


def downgrade() -> None:
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_agents_address"), type_="unique")
