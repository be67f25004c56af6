"""Database models (an ORM file: nothing here is an AI model)."""

from django.db import models


class Ticket(models.Model):
    subject = models.CharField(max_length=200)
    model_version = models.CharField(max_length=20, default="v2")
