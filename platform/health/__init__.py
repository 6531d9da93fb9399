"""/healthz: database, Redis, Celery worker and beat, as JSON with an HTTP status."""
