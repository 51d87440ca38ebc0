"""Tuki: a second-line support desk for software suppliers."""
