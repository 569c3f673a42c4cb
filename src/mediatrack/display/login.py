"""What a sign-in shows in a terminal, for the CLI and the TUI alike.

A QR code of the verification URL drawn with Unicode half blocks (two module
rows per line), the time left on the code as ``29:47``, and a session start
in local time (``display.dates.local_time``). Plain strings only: the caller adds colours.
"""

from __future__ import annotations

from mediatrack.display.dates import clock_text

QUIET_ZONE = 2  # modules of blank margin; 4 is the standard, 2 scans fine and saves lines
# Half blocks by (top module dark, bottom module dark): drawn in the foreground colour.
HALF_BLOCKS = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def qr_lines(data: str, quiet_zone: int = QUIET_ZONE) -> list[str]:
    """``data`` as a QR code: dark modules are blocks, light ones spaces; two rows per line."""
    import qrcode

    code = qrcode.QRCode(border=quiet_zone, error_correction=qrcode.constants.ERROR_CORRECT_L)
    code.add_data(data)
    code.make(fit=True)
    matrix = [[bool(module) for module in row] for row in code.get_matrix()]
    if len(matrix) % 2:
        matrix.append([False] * len(matrix[0]))
    return [
        "".join(HALF_BLOCKS[top, bottom] for top, bottom in zip(upper, lower, strict=True))
        for upper, lower in zip(matrix[::2], matrix[1::2], strict=True)
    ]


def countdown(seconds: float) -> str:
    """``29:47`` (minutes:seconds), ``1:02:03`` past an hour; rounded up, never negative."""
    return clock_text(max(0, int(-(-seconds // 1))))
