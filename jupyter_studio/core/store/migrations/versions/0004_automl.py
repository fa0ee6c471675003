"""AutoML experiments: unique names, their job, tags and auto-deploy state.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from jupyter_studio.core.store.orm import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "automl_experiments",
        sa.Column("experiment_name", sa.String(63), primary_key=True),
        sa.Column("job_id", sa.String(64), nullable=True),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("space_id", sa.String(64), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("auto_deploy_endpoint", sa.String(63), nullable=True),
        sa.Column("deploy_status", sa.String(16), nullable=True),
        sa.Column("deploy_message", sa.Text(), nullable=True),
        sa.Column("deploy_claimed_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_automl_experiments_job_id", "automl_experiments", ["job_id"])
    op.create_index("ix_automl_experiments_owner", "automl_experiments", ["owner"])
    op.create_index("ix_automl_experiments_space_id", "automl_experiments", ["space_id"])


def downgrade() -> None:
    op.drop_index("ix_automl_experiments_space_id", table_name="automl_experiments")
    op.drop_index("ix_automl_experiments_owner", table_name="automl_experiments")
    op.drop_index("ix_automl_experiments_job_id", table_name="automl_experiments")
    op.drop_table("automl_experiments")
