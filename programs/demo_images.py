"""Exercise illustrations for the demo program, drawn with Pillow (nothing is downloaded)."""

import hashlib
import io

from PIL import Image, ImageDraw, ImageFont

PALETTES = [
    ("#e8f1ee", "#1e6b5c", "#b5562c"),
    ("#f6efe6", "#134a3f", "#c7793f"),
    ("#eef0f6", "#2f4a7a", "#b5562c"),
]


def draw_exercise_image(name: str, width: int = 900, height: int = 600) -> bytes:
    """A simple figure on a mat with the exercise name: enough to tell exercises apart."""
    digest = hashlib.sha256(name.encode()).digest()
    background, figure, accent = PALETTES[digest[0] % len(PALETTES)]
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((80, 470, width - 80, 500), radius=14, fill=accent)

    lean = (digest[1] % 120) - 60
    hip = (width // 2 + lean // 2, 330)
    head = (width // 2 + lean, 150)
    shoulders = (head[0] - lean // 6, head[1] + 70)
    draw.ellipse((head[0] - 38, head[1] - 38, head[0] + 38, head[1] + 38), fill=figure)
    line = {"fill": figure, "width": 22}
    draw.line([shoulders, hip], **line, joint="curve")
    knee_offset = (digest[2] % 140) - 70
    for direction in (-1, 1):
        knee = (hip[0] + direction * 70 + knee_offset // 2, 400 - digest[3 + direction] % 60)
        draw.line([hip, knee, (knee[0] + direction * 40, 470)], **line, joint="curve")
        hand = (shoulders[0] + direction * (90 + digest[5] % 60), shoulders[1] + 60)
        draw.line([shoulders, hand], fill=figure, width=16)

    font = ImageFont.load_default(size=44)
    draw.text((width // 2, 545), name, font=font, fill=figure, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
