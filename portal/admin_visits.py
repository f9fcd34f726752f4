"""Admin of the visitor statistics."""
