"""Handing a task to the broker from a request or a signal, without waiting on a dead broker."""


def publish_once(task, **options) -> Exception | None:
    """Publish `task` with one connection attempt and no retries (each bounded by
    CELERY_BROKER_CONNECTION_TIMEOUT), so a request never waits on a dead broker; the error when it
    could not be reached, for the caller's fallback. (retry=False is slower: kombu then retries the
    first connection until the timeout.)"""
    try:
        task.apply_async(retry=True, retry_policy={"max_retries": 0}, **options)
    except Exception as error:  # noqa: BLE001 - any broker error is the caller's to handle
        return error
    return None
