"""Readable ASCII slugs from Vietnamese titles: "Lộc Ninh đạt chuẩn" → "loc-ninh-dat-chuan"."""

import unicodedata

from django.utils.text import slugify

# Letters that Unicode does not decompose into a base letter and a mark.
_EXTRA = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ø": "o", "Ø": "O"})


def transliterate(text):
    """Return the text with every Vietnamese letter reduced to its ASCII base letter."""
    decomposed = unicodedata.normalize("NFKD", str(text).translate(_EXTRA))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def vietnamese_slugify(text, max_length=200):
    """Return a lowercase ASCII slug that keeps every letter of the text."""
    slug = slugify(transliterate(text))
    return slug[:max_length].rstrip("-")


def unique_slug(base, taken, max_length=200):
    """Return ``base``, or ``base-2``, ``base-3``… whichever ``taken(slug)`` says is free."""
    base = base[:max_length].rstrip("-") or "bai-viet"
    candidate, number = base, 1
    while taken(candidate):
        number += 1
        suffix = f"-{number}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
    return candidate
