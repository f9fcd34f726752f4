# The English interface keeps the Vietnamese way of writing figures and dates, so that a figure
# reads the same whatever language the reader chose (4.884 · 1,75 · 28/10/2022 04:00).
from portal.formats.vi.formats import *  # noqa: F403
