"""Sample pictures for the sample content: generated, deterministic, public domain.

``invoke sample-photos`` draws, for places of the sample content that have no picture, a
simple illustration of their kind of place (beach, hills, house, table, market, building)
with Pillow, in colours chosen from the place's slug: the same slug always gives the same
bytes. 1200 x 800 WebP, well under 60 KB. The place's front matter gets
``images: [{src, alt, credit}]``, the credit saying where the picture comes from.
Pure drawing here; the task does the file I/O.
"""

from __future__ import annotations

import hashlib
import io
import re

from PIL import Image, ImageDraw

SIZE = (1200, 800)
CREDIT = "image générée pour l’exemple (livep2f, Pillow), domaine public"
SCENES = {
    "plage": "beach", "nautisme": "beach", "randonnee": "hills", "velo": "hills",
    "loisirs": "hills", "culture": "building", "bien-etre": "beach", "monument": "building",
    "musee": "building", "site-naturel": "hills", "village": "house", "point-de-vue": "hills",
}  # fmt: skip
BY_CATEGORY = {
    "hebergement": "house", "restauration": "table", "activites": "beach",
    "patrimoine-nature": "hills", "shopping": "market", "services": "building",
}  # fmt: skip
ALT = {
    "beach": "Illustration : mer turquoise, plage de sable et soleil",
    "hills": "Illustration : collines de garrigue et pins sous le ciel",
    "house": "Illustration : maison aux volets colorés sous un toit de tuiles",
    "table": "Illustration : table dressée avec assiettes et verres",
    "market": "Illustration : étals de marché sous des auvents rayés",
    "building": "Illustration : façade de bâtiment avec enseigne",
}


ALT_TRANSLATED = {
    "en": {
        "beach": "Illustration: turquoise sea, sandy beach and sun",
        "hills": "Illustration: garrigue hills and pines under the sky",
        "house": "Illustration: house with coloured shutters under a tiled roof",
        "table": "Illustration: table laid with plates and glasses",
        "market": "Illustration: market stalls under striped awnings",
        "building": "Illustration: building front with a sign",
    },
    "de": {
        "beach": "Illustration: türkisfarbenes Meer, Sandstrand und Sonne",
        "hills": "Illustration: Garrigue-Hügel und Kiefern unter dem Himmel",
        "house": "Illustration: Haus mit bunten Fensterläden und Ziegeldach",
        "table": "Illustration: gedeckter Tisch mit Tellern und Gläsern",
        "market": "Illustration: Marktstände unter gestreiften Markisen",
        "building": "Illustration: Gebäudefassade mit Schild",
    },
    "es": {
        "beach": "Ilustración: mar turquesa, playa de arena y sol",
        "hills": "Ilustración: colinas de garriga y pinos bajo el cielo",
        "house": "Ilustración: casa con contraventanas de colores y tejado de tejas",
        "table": "Ilustración: mesa puesta con platos y vasos",
        "market": "Ilustración: puestos de mercado bajo toldos de rayas",
        "building": "Ilustración: fachada de edificio con letrero",
    },
}


def scene_of(category: str, subcategory: str) -> str:
    return SCENES.get(subcategory) or BY_CATEGORY.get(category, "building")


def _colours(slug: str) -> list[tuple[int, int, int]]:
    digest = hashlib.sha256(slug.encode()).digest()
    return [(digest[i], digest[i + 1], digest[i + 2]) for i in range(0, 30, 3)]


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return (
        int(a[0] + (b[0] - a[0]) * t),
        int(a[1] + (b[1] - a[1]) * t),
        int(a[2] + (b[2] - a[2]) * t),
    )


def _sky(
    draw: ImageDraw.ImageDraw, top: tuple[int, int, int], bottom: tuple[int, int, int], height: int
) -> None:
    for y in range(height):
        draw.line([(0, y), (SIZE[0], y)], fill=_mix(top, bottom, y / max(1, height)))


def draw(slug: str, category: str, subcategory: str) -> bytes:
    """The WebP bytes of the illustration for a place (deterministic)."""
    width, height = SIZE
    tint = _colours(slug)
    image = Image.new("RGB", SIZE, (200, 220, 240))
    pen = ImageDraw.Draw(image)
    scene = scene_of(category, subcategory)
    warm = _mix((255, 196, 120), tint[0], 0.25)
    _sky(pen, _mix((70, 140, 210), tint[1], 0.15), _mix((230, 236, 245), warm, 0.4), 640)
    sun_x = 200 + tint[2][0] * 3
    pen.ellipse((sun_x, 90, sun_x + 130, 220), fill=(255, 226, 140))
    if scene == "beach":
        _sky(pen, (40, 160, 190), (20, 90, 150), 0)
        pen.rectangle((0, 430, width, 620), fill=_mix((30, 150, 180), tint[3], 0.15))
        for y in range(620, height):
            pen.line(
                [(0, y), (width, y)], fill=_mix((236, 214, 160), (214, 184, 130), (y - 620) / 180)
            )
        pen.polygon([(0, 430), (260, 300), (420, 430)], fill=(150, 90, 60))
    elif scene == "hills":
        for i, base in enumerate((520, 600, 690)):
            colour = _mix((110, 140, 80), tint[4 + i], 0.2)
            points = (
                [(0, height)]
                + [
                    (x, base - 60 * ((x * (i + 2) + tint[5][i] * 7) % 300) / 300)
                    for x in range(0, width + 100, 100)
                ]
                + [(width, height)]
            )
            pen.polygon(points, fill=_mix(colour, (40, 70, 40), i * 0.25))
        for x in range(80, width, 230):
            pen.rectangle((x + 18, 610, x + 30, 690), fill=(90, 60, 40))
            pen.ellipse((x - 30, 540, x + 80, 630), fill=(40, 95, 55))
    elif scene == "house":
        pen.rectangle((0, 600, width, height), fill=(120, 150, 90))
        wall = _mix((240, 220, 190), tint[6], 0.2)
        pen.rectangle((300, 330, 900, 640), fill=wall)
        pen.polygon([(260, 340), (600, 180), (940, 340)], fill=(190, 90, 60))
        shutter = _mix((70, 130, 160), tint[7], 0.4)
        for x in (360, 540, 720):
            pen.rectangle((x, 400, x + 100, 500), fill=(60, 80, 100))
            pen.rectangle((x - 20, 400, x, 500), fill=shutter)
            pen.rectangle((x + 100, 400, x + 120, 500), fill=shutter)
    elif scene == "table":
        pen.rectangle((0, 420, width, height), fill=_mix((180, 120, 80), tint[6], 0.2))
        cloth = _mix((245, 245, 240), tint[7], 0.1)
        pen.polygon([(120, 470), (1080, 470), (1180, 800), (20, 800)], fill=cloth)
        for x in (330, 600, 870):
            pen.ellipse(
                (x - 110, 560, x + 110, 700), fill=(255, 255, 255), outline=(200, 200, 200), width=4
            )
            pen.ellipse((x - 60, 590, x + 60, 670), fill=_mix((210, 120, 60), tint[8], 0.3))
            pen.rectangle((x + 130, 500, x + 150, 600), fill=(220, 230, 240))
    elif scene == "market":
        pen.rectangle((0, 600, width, height), fill=(200, 190, 170))
        for i, x in enumerate(range(60, width - 100, 280)):
            stripe = _mix((200, 50, 50), tint[i % 10], 0.5)
            for k in range(6):
                pen.rectangle((x + k * 40, 300, x + k * 40 + 20, 380), fill=stripe)
                pen.rectangle((x + k * 40 + 20, 300, x + k * 40 + 40, 380), fill=(250, 250, 245))
            pen.rectangle((x + 10, 380, x + 230, 560), fill=(150, 100, 60))
            for k in range(5):
                pen.ellipse(
                    (x + 20 + k * 42, 400, x + 56 + k * 42, 436),
                    fill=_mix((230, 150, 40), tint[(i + k) % 10], 0.5),
                )
    else:  # building
        pen.rectangle((0, 620, width, height), fill=(170, 170, 165))
        facade = _mix((225, 215, 195), tint[6], 0.15)
        pen.rectangle((220, 240, 980, 640), fill=facade)
        for row in (300, 420):
            for x in range(280, 940, 140):
                pen.rectangle((x, row, x + 80, row + 80), fill=(70, 95, 120))
        pen.rectangle((540, 520, 660, 640), fill=(90, 70, 50))
        pen.rectangle((420, 250, 780, 290), fill=_mix((30, 90, 140), tint[8], 0.3))
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=72, method=6)
    return out.getvalue()


_PROVENANCE = re.compile(r"^provenance:", re.MULTILINE)


def with_image(front_matter_file: str, slug: str, scene: str) -> str:
    """The file's text with ``images:`` added before ``provenance:`` (unchanged if it has some)."""
    if re.search(r"^images:", front_matter_file, re.MULTILINE):
        return front_matter_file
    match = _PROVENANCE.search(front_matter_file)
    if match is None:
        raise ValueError(f"{slug}: no provenance line to put images before")
    credit = CREDIT.replace("'", "''")  # a YAML single-quoted string
    block = f"images:\n- {{src: images/{slug}.webp, alt: '{ALT[scene]}', credit: '{credit}'}}\n"
    return front_matter_file[: match.start()] + block + front_matter_file[match.start() :]


def translation_with_alt(text: str, lang: str, scene: str) -> str:
    """A translation file's text with the picture's ``alt`` in its language (unchanged if it has
    one). Front matter in block style gets an ``alt:`` line, in flow style an ``alt`` key."""
    head, sep, rest = text.partition("\n---\n")
    if not sep or re.search(r"(^|[{,]\s*)alt:", head, re.MULTILINE):
        return text
    alt = ALT_TRANSLATED[lang][scene]
    lines = head.split("\n")
    if len(lines) == 2 and lines[1].startswith("{") and lines[1].endswith("}"):
        lines[1] = f"{lines[1][:-1]}, alt: ['{alt}']}}"
    else:
        lines.append(f"alt: ['{alt}']")
    return "\n".join(lines) + sep + rest
