"""Periodic work per cooperative: beat schedules one task, which fans out to every active
cooperative with the tenant carried by tenant-schemas-celery."""
