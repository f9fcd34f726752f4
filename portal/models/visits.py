"""Visitor statistics (thống kê truy cập)."""

__all__ = []
