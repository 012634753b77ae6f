"""user names unique regardless of case

Revision ID: a24e5c1d7f30
Revises: a9f4c1d27e60
Create Date: 2026-12-03 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a24e5c1d7f30"
down_revision: str | None = "a9f4c1d27e60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # "Lead" and "lead" may both exist from before: say which, rather than fail on the index.
    clashes = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT lower(username) FROM users GROUP BY lower(username) HAVING count(*) > 1"
            )
        )
        .scalars()
        .all()
    )
    if clashes:
        raise RuntimeError(
            "console user names that differ only in case: "
            + ", ".join(sorted(clashes))
            + "; delete all but one of each (`flask --app app users delete NAME`), then upgrade"
        )
    op.create_index("uq_users_username_lower", "users", [sa.text("lower(username)")], unique=True)


def downgrade() -> None:
    op.drop_index("uq_users_username_lower", table_name="users")
