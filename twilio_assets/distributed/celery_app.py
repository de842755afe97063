"""The Celery app the workers run: `celery -A twilio_assets.distributed.celery_app worker -Q dagster`.

dagster-celery's own app module reads a RabbitMQ default; this one takes the broker (and uses it as the
result backend) from TWILIO_ASSETS_CELERY_BROKER, the same variable the executor reads in the run.
"""

from dagster_celery.make_app import make_app
from dagster_celery.tasks import create_task

from .settings import broker_url

_url = broker_url()
app = make_app({"broker": _url, "backend": _url})
execute_plan = create_task(app)
