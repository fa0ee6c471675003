"""Model hub: licenses accepted by user profiles.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from jupyter_studio.core.store.orm import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "modelhub_license_acceptances",
        sa.Column("profile", sa.String(200), primary_key=True),
        sa.Column("model_id", sa.String(300), primary_key=True),
        sa.Column("license", sa.String(100), nullable=False),
        sa.Column("accepted_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("modelhub_license_acceptances")
