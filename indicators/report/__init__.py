"""The county report as a typed model (`model.Report`): what the engine returns and the selectors read back."""

from .model import Report

__all__ = ["Report"]
