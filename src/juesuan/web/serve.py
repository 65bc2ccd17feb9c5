"""``juesuan serve``: migrate, load the examples on first start, and run gunicorn.

The same WSGI application and static files (whitenoise) as a production deployment;
see docs/deploy.md for PostgreSQL, backups and a reverse proxy.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def setup(data_dir: Path | None = None) -> None:
    """Point Django at our settings (and data folder) and initialise it."""
    if data_dir is not None:
        os.environ["JUESUAN_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "juesuan.web.settings")
    import django

    django.setup()


def prepare(*, examples: bool, demo_password: str | None) -> dict[str, Any]:
    """Migrate the database; on first start load the examples; create demo accounts if asked."""
    from django.core.management import call_command

    from juesuan.web import seed
    from juesuan.web.filings.models import FilingRecord

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    loaded = []
    if examples and not FilingRecord.objects.exists():
        loaded = seed.load_examples()
    demo = seed.ensure_demo_users(demo_password) if demo_password else []
    return {"examples": loaded, "demo": demo}


def run(host: str, port: int, workers: int) -> None:
    """Serve with gunicorn in the foreground until interrupted."""
    from gunicorn.app.base import BaseApplication

    from juesuan.web.wsgi import application

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("timeout", 120)  # a PDF of a large filing takes seconds
            self.cfg.set("accesslog", "-")

        def load(self) -> Any:
            return application

    # prepare() left a database connection open in this process; gunicorn's workers are forked
    # from it and would share its socket (PostgreSQL: "lost synchronization with server").
    from django.db import connections

    connections.close_all()
    Server().run()
