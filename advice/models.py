"""A council's own local contacts, shown on the information pages (an advocacy service, a complaints
team, a carers' centre). Added by the council's administrators on the council's settings pages."""

from django.conf import settings
from django.db import models

from organisations.models import Council

from .content import TOPIC_CHOICES

ALL_TOPICS = "all"


class LocalContact(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="local_contacts")
    topic = models.CharField(
        "shown on", max_length=40, choices=[(ALL_TOPICS, "Every information page"), *TOPIC_CHOICES]
    )
    name = models.CharField(max_length=200, help_text="For example: Dorset Advocacy")
    description = models.CharField(
        "what they help with", max_length=300, blank=True, help_text="One short sentence"
    )
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["council", "topic", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.council})"
