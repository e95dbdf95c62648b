"""The refusal of a whole file, raised anywhere in reading it."""


class FileRefused(Exception):
    """The file as a whole cannot be loaded; nothing from it is loaded."""
