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


# A Unix socket's path has at most 107 bytes on Linux and 103 on macOS.
MAX_SOCKET_PATH = 100


def gunicorn_options(host: str, port: int, workers: int, data_dir: Path) -> dict[str, Any]:
    """gunicorn's settings for one server. Its control socket (gunicorn 25.1 and later, for
    ``gunicornc``) would sit at one fixed path in the home folder, where a second server on the
    machine replaces the first's and removes it when it stops; it lives in the server's data
    folder instead, or is disabled when that path is too long for a socket."""
    options: dict[str, Any] = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "timeout": 120,  # a PDF of a large filing takes seconds
        "accesslog": "-",
    }
    socket = Path(data_dir).resolve() / "gunicorn.ctl"
    if len(os.fsencode(socket)) <= MAX_SOCKET_PATH:
        options["control_socket"] = str(socket)
    else:
        options["control_socket_disable"] = True
    return options


def server(host: str, port: int, workers: int, data_dir: Path | None = None) -> Any:
    """The gunicorn application serving the site (not started); ``data_dir`` defaults to the
    configured data folder."""
    from django.conf import settings
    from gunicorn.app.base import BaseApplication

    from juesuan.web.wsgi import application

    options = gunicorn_options(host, port, workers, Path(data_dir or settings.DATA_DIR))

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for name, value in options.items():
                if name in self.cfg.settings:  # an older gunicorn has no control socket at all
                    self.cfg.set(name, value)

        def load(self) -> Any:
            return application

    return Server()


def run(host: str, port: int, workers: int) -> None:
    """Serve with gunicorn in the foreground until interrupted."""
    app = server(host, port, workers)
    # prepare() left a database connection open in this process; gunicorn's workers are forked
    # from it and would share its socket (PostgreSQL: "lost synchronization with server").
    from django.db import connections

    connections.close_all()
    app.run()
