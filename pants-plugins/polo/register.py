"""Polo's in-repo Pants plugin: repo health and the local-stack goals."""

from __future__ import annotations


def rules():
    return []
