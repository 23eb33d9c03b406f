"""The standard data workbook: import (validated, all-or-nothing) and export in the same format."""


def import_workbook(path, *, user=None, dry_run=False, progress=None, file_name=None):
    from .importer import import_workbook as _import

    return _import(path, user=user, dry_run=dry_run, progress=progress, file_name=file_name)


__all__ = ["import_workbook"]
