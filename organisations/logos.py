"""Organisation logos: checked to be an image, made small on the server, kept as PNG.

Staff upload whatever the organisation sends (a 4000-pixel JPEG, a PNG with a
transparent background). Pages show a logo at most a few dozen pixels high, so it is
stored once, made to fit LOGO_BOX and re-encoded: what is served is always a small PNG
that Pillow wrote, never the uploaded bytes (which could carry anything beside the
picture).
"""

import io
import uuid
from typing import Any

from django import forms
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import models
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

# The largest box a stored logo fits in: twice the largest size a page shows it at.
LOGO_BOX = (256, 256)
# Larger uploads are refused before Pillow decodes them.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def logo_path(instance: Any, filename: str) -> str:
    """A new name for every upload: the name is the logo's version in its address."""
    return f"logos/{uuid.uuid4().hex[:16]}.png"


def resized(upload: File[Any]) -> ContentFile[bytes]:
    """The uploaded image turned upright, fitted into LOGO_BOX, as PNG."""
    upload.seek(0)
    with Image.open(upload) as image:
        picture = ImageOps.exif_transpose(image)
        picture = picture.convert("RGBA")
        picture.thumbnail(LOGO_BOX, Image.Resampling.LANCZOS)
        output = io.BytesIO()
        picture.save(output, format="PNG", optimize=True)
    return ContentFile(output.getvalue(), name="logo.png")


class LogoFormField(forms.ImageField):
    """An image field whose cleaned value is the resized PNG, not the upload."""

    default_error_messages = {
        "too_large": _("The logo is larger than 5 MB: please upload a smaller file."),
    }

    def to_python(self, data: Any) -> Any:
        if data and getattr(data, "size", 0) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(self.error_messages["too_large"], code="too_large")
        # Django's ImageField opens the file with Pillow and refuses what is not an image.
        upload = super().to_python(data)
        if upload is None:
            return None
        return resized(upload)


class LogoField(models.ImageField):
    """A logo: every form that edits it (the admin's) resizes what is uploaded."""

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"form_class": LogoFormField, **kwargs})
