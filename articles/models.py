"""News and reports published by editors (issue 5 fills this app)."""
