"""Abstract bases shared by Steward's models."""

from __future__ import annotations

import uuid

from django.db import models


class PublicIdModel(models.Model):
    """A model whose primary key is an opaque UUID, never a sequence number."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
