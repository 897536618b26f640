"""The Celery application, used only when CELERY_BROKER_URL is set.

Run a worker with beat: `celery -A steward worker --beat`.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings.production")

app = Celery("steward")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
