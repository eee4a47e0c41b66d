"""The request body's limit, applied before a byte of it is read."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.template.defaultfilters import filesizeformat


class RequestSizeLimitHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: a form with files (multipart) larger than REQUEST_MAX_BYTES
    is refused from its Content-Length, before it is received, and one that turns out longer than
    it said is cut off at the limit. Django answers RequestDataTooBig with its 400 ("too large")
    page. The other limits are Django's: DATA_UPLOAD_MAX_MEMORY_SIZE for the fields other than
    files, DATA_UPLOAD_MAX_NUMBER_FILES for the number of files; the proxy in front should refuse
    larger bodies still earlier (README, Production deployment)."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0
        if content_length > settings.REQUEST_MAX_BYTES:
            raise RequestDataTooBig(self._message())

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.REQUEST_MAX_BYTES:
            raise RequestDataTooBig(self._message())
        return raw_data

    def file_complete(self, file_size):
        return None

    @staticmethod
    def _message() -> str:
        return f"The request is larger than {filesizeformat(settings.REQUEST_MAX_BYTES)}."
