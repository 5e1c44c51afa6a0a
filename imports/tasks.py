"""The import of a large file, run by the task worker (`manage.py db_worker`)."""

from django_tasks import task

from imports.services import import_run_queued


@task()
def import_queued(import_id: str) -> str:
    return import_run_queued(import_id=import_id).status
