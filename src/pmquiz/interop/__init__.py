"""Anki packages and text, Markdown Q/A files, and progress between machines."""
