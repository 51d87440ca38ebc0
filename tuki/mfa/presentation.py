"""How an authenticator app is shown to the person enrolling it: a QR code and the key to type by hand."""

from __future__ import annotations

import base64

from django_otp.plugins.otp_totp.models import TOTPDevice


def manual_key(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app when the camera is not at hand."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_data_url(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG QR code in a data: URL (an <img>, so no inline style meets the CSP)."""
    # qrcode is needed only on the enrolment page; every other page of a web worker does without it.
    import qrcode  # type: ignore[import-untyped]  # noqa: PLC0415
    import qrcode.image.svg  # type: ignore[import-untyped]  # noqa: PLC0415

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()
