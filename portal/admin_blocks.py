"""Admin of the portal blocks."""
