"""Public pages of the portal blocks (introduction pages, contact, site map, security.txt)."""

urlpatterns = []
