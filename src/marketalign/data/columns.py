"""The shared table layout's column names (:mod:`marketalign.data.tables`), free of imports so that the command
line's help can show them without loading pandas."""

INSTANCE = "instance"
TEXT = "text"
TARGET = "alice"
