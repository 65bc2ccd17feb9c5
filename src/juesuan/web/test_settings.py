"""Settings for the test suite: a throwaway data folder, fast password hashing, local memory cache."""

import os
import tempfile

os.environ.setdefault("JUESUAN_DATA_DIR", tempfile.mkdtemp(prefix="juesuan-test-"))
os.environ.setdefault("JUESUAN_SECRET_KEY", "test-only-secret-key-not-for-production-0123456789")

from juesuan.web.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Background jobs run at once in the request, so web tests stay synchronous and deterministic.
CELERY_TASK_ALWAYS_EAGER = True
