"""Endpoints: a registered model version served by its own model-server process.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from jupyter_studio.core.store.orm import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "endpoints",
        sa.Column("endpoint_name", sa.String(63), primary_key=True),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("space_id", sa.String(64), nullable=True),
        sa.Column("model_name", sa.String(63), nullable=False),
        sa.Column("model_version", sa.Integer, nullable=False),
        sa.Column("instance_count", sa.Integer, nullable=False),
        sa.Column("capture_percent", sa.Float, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_message", sa.Text, nullable=True),
        sa.Column("endpoint_dir", sa.Text, nullable=False),
        sa.Column("generation", sa.Integer, nullable=False),
        sa.Column("restarts", sa.Integer, nullable=False),
        sa.Column("port", sa.Integer, nullable=True),
        sa.Column("pid", sa.Integer, nullable=True),
        sa.Column("pid_started_at", sa.Float, nullable=True),
        sa.Column("host", sa.String(255), nullable=True),
        sa.Column("pending", sa.JSON, nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_endpoints_owner", "endpoints", ["owner"])
    op.create_index("ix_endpoints_space_id", "endpoints", ["space_id"])


def downgrade() -> None:
    op.drop_table("endpoints")
