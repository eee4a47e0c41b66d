from celery import shared_task

from notifications.services import messages_deliver


@shared_task(acks_late=True, ignore_result=True)
def deliver_messages() -> dict[str, int]:
    return messages_deliver()
