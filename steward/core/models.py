"""Abstract bases shared by Steward's models."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models


class PublicIdModel(models.Model):
    """A model whose primary key is an opaque UUID, never a sequence number."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class ImmutableRecordError(RuntimeError):
    """Code tried to change or delete a row that is written once."""


class Immutable(models.Model):
    """A row that is written once (a notice version, a consent): a change is a new row."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRecordError(f"{type(self).__name__} rows are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableRecordError(f"{type(self).__name__} rows are never deleted.")
