"""the monthly report's figures, kept once computed

Revision ID: b7c3e9a1d542
Revises: f30c4a7e1b59
Create Date: 2026-12-03 15:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7c3e9a1d542"
down_revision: str | None = "f30c4a7e1b59"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_cache",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=1024), nullable=False),
        sa.Column("calendar_desk", sa.String(length=32), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("basis", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=512), nullable=False),
        sa.Column("valid_after", sa.DateTime(timezone=True), nullable=True),
        sa.Column("valid_before", sa.DateTime(timezone=True), nullable=True),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_cache")),
        sa.UniqueConstraint(
            "scope",
            "calendar_desk",
            "first_day",
            "last_day",
            "mode",
            name=op.f("uq_report_cache_scope"),
        ),
    )


def downgrade() -> None:
    op.drop_table("report_cache")
