"""Sample pictures: generated, deterministic, small; at least half of the sample places have one,
each with its alt text and a credit saying where it comes from."""

from __future__ import annotations

import io
import re

from PIL import Image

# isort: off
from p2f_kiosk.sample_photos import CREDIT, draw, scene_of, translation_with_alt, with_image

# isort: on
from p2f_model.load import load_corpus
from tests.conftest import PLACE, PLACE_EN, ROOT


def test_drawing_is_deterministic_small_and_screen_sized() -> None:
    for slug, category, sub in [("plage-x", "activites", "plage"), ("hotel-x", "hebergement", "hotel"),
                                ("cafe-x", "restauration", "cafe"), ("marche-x", "shopping", "marche"),
                                ("musee-x", "patrimoine-nature", "musee")]:  # fmt: skip
        data = draw(slug, category, sub)
        assert data == draw(slug, category, sub)
        assert len(data) < 60_000
        with Image.open(io.BytesIO(data)) as image:
            assert (image.format, image.size) == ("WEBP", (1200, 800))
    assert draw("a", "activites", "plage") != draw("b", "activites", "plage")


def test_front_matter_gets_the_picture_with_alt_and_credit() -> None:
    place = PLACE.replace("images:\n  - {src: images/veto.png, alt: Façade de la clinique}\n", "")
    edited = with_image(place, "veto-pinede", "building")
    assert "images:\n- {src: images/veto-pinede.webp, alt: 'Illustration : façade" in edited
    assert edited.index("images:") < edited.index("provenance:")
    assert with_image(edited, "veto-pinede", "building") == edited  # once
    english = translation_with_alt(PLACE_EN.replace("alt: [Front of the clinic]\n", ""), "en",
                                   "building")  # fmt: skip
    assert "alt: ['Illustration: building front with a sign']" in english
    flow = "---\n{title: Café, summary: 'Un café.'}\n---\nTexte.\n"
    assert translation_with_alt(flow, "de", "table") == (
        "---\n{title: Café, summary: 'Un café.', alt: ['Illustration: gedeckter Tisch mit "
        "Tellern und Gläsern']}\n---\nTexte.\n"
    )
    assert scene_of("activites", "plage") == "beach" and scene_of("services", "poste") == "building"


def test_at_least_half_of_the_sample_places_have_a_picture_and_say_where_it_comes_from() -> None:
    corpus = load_corpus(ROOT / "content", relative_to=ROOT)
    assert not corpus.problems
    places = [item for item in corpus.items.values() if item.kind == "place"]
    pictured = [p for p in places if p.data.images]
    assert len(pictured) * 2 >= len(places), f"{len(pictured)} of {len(places)}"
    for place in pictured:
        for image in place.data.images:
            assert image.alt
            if re.fullmatch(rf"images/{place.slug}\.webp", image.src):
                assert image.credit == CREDIT
                assert (ROOT / "content" / image.src).stat().st_size < 60_000
