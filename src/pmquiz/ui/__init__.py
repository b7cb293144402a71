"""Rendering and prompts: rich and questionary in a terminal, a plain line protocol otherwise."""
