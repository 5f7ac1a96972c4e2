"""The one failure of storage every layer must be able to name: the database's disk is full."""

from __future__ import annotations


class StorageFull(Exception):
    """The database could not write: its disk is full. The transaction was rolled back whole."""

    def __str__(self) -> str:
        return (
            "The database's disk is full, so nothing was stored: the figures are as they were "
            "before. Ask whoever runs the server to free space on its disk, then try again."
        )
