"""Portal blocks: links and banners, the main menu, introduction pages, contact messages,
maintenance notices."""

__all__ = []
