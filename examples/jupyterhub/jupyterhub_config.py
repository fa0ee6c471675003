"""JupyterHub for a team: every user's server runs Jupyter Studio on ONE shared domain.

    jupyterhub -f examples/jupyterhub/jupyterhub_config.py

Every single-user server is started with the same domain root (a folder on a shared
filesystem) and the same metadata store, so spaces, profiles and jobs created on one
user's server are seen by the others. Each server is also the file browser root at the
domain root, with Studio's contents manager hiding other users' homes and the spaces the
user is not a member of.

Settings (environment variables read when the hub starts):

STUDIO_DOMAIN_ROOT   domain root, shared by every server           (default /srv/studio)
STUDIO_DB_URL        SQLAlchemy URL of the metadata store. Use PostgreSQL, e.g.
                     postgresql+psycopg://studio:secret@db.example.org/studio
                     (default: sqlite:///<root>/studio.db, with a warning)
STUDIO_ADMINS        comma-separated Studio domain administrators   (default: none)
STUDIO_DOMAIN_NAME   display name of the domain                      (default "default")
STUDIO_HUB_STATE_DIR hub database, cookie secret, proxy pid file and the spawner's
                     per-user $HOME folders                           (default: current folder)
STUDIO_HUB_IP / STUDIO_HUB_PORT   public address of the proxy        (127.0.0.1 / 8000)
STUDIO_HUB_API_PORT  port of the hub's internal API                  (8081)
STUDIO_PROXY_API_PORT port of the proxy's REST API                   (8001)
STUDIO_CHP_COMMAND   path of configurable-http-proxy (default: on PATH, else
                     examples/jupyterhub/node_modules/.bin/configurable-http-proxy after
                     `npm install --prefix examples/jupyterhub configurable-http-proxy`)
STUDIO_SHARED_PASSWORD  if set, log in with this password (8+ characters) instead of any

This file is a laptop/demo setup. For production change, at least:
- the authenticator (OAuthenticator, LDAPAuthenticator, ...) instead of dummy/shared-password;
- the spawner: SimpleLocalProcessSpawner runs every user's server as the hub's own OS user,
  so kernels and terminals can read every file and the store URL. Give each user an OS
  account (LocalProcessSpawner / SystemdSpawner with a shared NFS root) or a container
  (DockerSpawner, KubeSpawner) that mounts the same domain root;
- the store: PostgreSQL (STUDIO_DB_URL), never SQLite on a network filesystem;
- TLS in front of the proxy (c.JupyterHub.ssl_cert / ssl_key or a reverse proxy).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - injected by JupyterHub's config loader

HERE = Path(__file__).resolve().parent


def _env(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


# --------------------------------------------------------------------- settings
domain_root = Path(_env("STUDIO_DOMAIN_ROOT", "/srv/studio")).expanduser().resolve()
domain_root.mkdir(parents=True, exist_ok=True)

db_url = _env("STUDIO_DB_URL", "")
if not db_url:
    db_url = f"sqlite:///{domain_root / 'studio.db'}"
    print(
        "WARNING (Jupyter Studio): STUDIO_DB_URL is not set, so every user's server shares the "
        f"SQLite file {domain_root / 'studio.db'}. SQLite on a network filesystem (NFS, SMB, ...) is "
        "unsafe with several writers: its file locking is broken there and the database can be "
        "corrupted. Set STUDIO_DB_URL=postgresql+psycopg://user:password@host/dbname for a team.",
        file=sys.stderr,
    )

admins = sorted({name.strip() for name in _env("STUDIO_ADMINS", "").split(",") if name.strip()})
domain_name = _env("STUDIO_DOMAIN_NAME", "default")
state_dir = Path(_env("STUDIO_HUB_STATE_DIR", os.getcwd())).expanduser().resolve()
state_dir.mkdir(parents=True, exist_ok=True)

# ---------------------------------------------------------------- hub and proxy
c.JupyterHub.ip = _env("STUDIO_HUB_IP", "127.0.0.1")
c.JupyterHub.port = int(_env("STUDIO_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(_env("STUDIO_HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{int(_env('STUDIO_PROXY_API_PORT', '8001'))}"
c.JupyterHub.db_url = (
    f"sqlite:///{state_dir / 'jupyterhub.sqlite'}"  # the hub's own state (one writer)
)
c.JupyterHub.cookie_secret_file = str(state_dir / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(state_dir / "jupyterhub-proxy.pid")

# The proxy is the npm package configurable-http-proxy:
#   npm install --prefix examples/jupyterhub configurable-http-proxy
# (or `npm install -g configurable-http-proxy`). The hub needs its path, or it exits with
# "Failed to find proxy".
chp = (
    _env("STUDIO_CHP_COMMAND", "")
    or shutil.which("configurable-http-proxy")
    or str(HERE / "node_modules" / ".bin" / "configurable-http-proxy")
)
c.ConfigurableHTTPProxy.command = [chp]

# --------------------------------------------------------------- authentication
shared_password = _env("STUDIO_SHARED_PASSWORD", "")
if shared_password:
    # One password for everyone (8+ characters); any username can log in with it.
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = shared_password
else:
    # DummyAuthenticator: ANY username with ANY password. Laptop demos only.
    # (DummyAuthenticator.password is deprecated since JupyterHub 5.3: use "shared-password".)
    c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
# Studio administrators (STUDIO_ADMINS) are not made hub admins on purpose: a hub admin
# can open every user's server and act as that user. Add c.Authenticator.admin_users if wanted.

# --------------------------------------------------------------------- spawner
# SimpleLocalProcessSpawner: every server runs as the hub's OS user (no isolation, see above).
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(state_dir / "homes" / "{username}")
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]  # independent of PATH
c.Spawner.notebook_dir = str(domain_root)
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120

studio_args = [
    f"--ServerApp.root_dir={domain_root}",
    "--ServerApp.contents_manager_class=jupyter_studio.server.contents.StudioContentsManager",
    f"--Studio.domain_root={domain_root}",
    f"--Studio.domain_name={domain_name}",
    "--Studio.allow_files_outside_domain=False",
]
# A Set trait on the command line: repeat the option once per value.
studio_args += [f"--Studio.admin_users={name}" for name in admins]
if os.geteuid() == 0:
    # Jupyter refuses to run as root without it (the spawn would hang until its timeout).
    studio_args.append("--allow-root")
c.Spawner.args = studio_args

# The store URL goes through the environment instead of --Studio.db_url: command lines are
# visible to every local user (`ps`), a process environment only to its owner and root.
# (Studio reads JUPYTER_STUDIO_DB_URL as the default of Studio.db_url.)
c.Spawner.environment = {"JUPYTER_STUDIO_DB_URL": db_url}
