"""Model registry: registered models and their numbered versions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from jupyter_studio.core.store.orm import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registered_models",
        sa.Column("model_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(63), nullable=False),
        sa.Column("scope", sa.String(300), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("space_id", sa.String(64), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("model_dir", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("scope", "name", name="uq_registered_models_scope_name"),
    )
    op.create_index("ix_registered_models_owner", "registered_models", ["owner"])
    op.create_index("ix_registered_models_space_id", "registered_models", ["space_id"])
    op.create_table(
        "model_versions",
        sa.Column(
            "model_id",
            sa.String(64),
            sa.ForeignKey("registered_models.model_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("version", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("flavor", sa.String(100), nullable=False),
        sa.Column("flavors", sa.JSON(), nullable=False),
        sa.Column("problem_type", sa.String(16), nullable=True),
        sa.Column("input_schema", sa.JSON(), nullable=False),
        sa.Column("output", sa.JSON(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("job_id", sa.String(64), nullable=True),
        sa.Column("run_id", sa.String(64), nullable=True),
        sa.Column("mlflow_version", sa.String(32), nullable=True),
        sa.Column("version_dir", sa.Text(), nullable=False),
        sa.Column("baseline_file", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.Column("trash_path", sa.Text(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("model_versions")
    op.drop_index("ix_registered_models_space_id", table_name="registered_models")
    op.drop_index("ix_registered_models_owner", table_name="registered_models")
    op.drop_table("registered_models")
