"""Background tasks (Celery): heavy work runs in a worker, the user follows it on a job page.

:mod:`.models` the :class:`Job` row (state, progress, Chinese messages), :mod:`.tasks` the
registry of handlers and the one Celery task, :mod:`.api` :func:`submit`, :mod:`.celery` the
Celery app (broker from ``JUESUAN_BROKER_URL``, else a folder in the data folder).
"""
