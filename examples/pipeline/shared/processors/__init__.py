"""Base class for the Phase 2-4 processors."""

from .base import ProcessorBase

__all__ = ["ProcessorBase"]
