"""The Celery app. Tasks carry their tenant's schema (tenant-schemas-celery).

Workers ack late and requeue on a lost worker, so a worker that dies mid-task loses no
work; every task must therefore be idempotent (safe to run twice).
"""

import os

from tenant_schemas_celery.app import CeleryApp as TenantAwareCeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "federation.settings")

app = TenantAwareCeleryApp("federation")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
