from django import template
from django.utils.safestring import SafeString

from core.prose import prose_html

register = template.Library()


@register.filter
def prose(text: str, size: str = "") -> SafeString:
    """{{ finding.text|prose }} or {{ finding.text|prose:"l" }}: paragraphs and lists, escaped."""
    return prose_html(text or "", size=size)
