from pathlib import Path

import matplotlib.image as mpimg
import pytest

from redshoes.ballet.demo import demonstration, tempo_of
from redshoes.ballet.sheets import key_times, slug, write_contact_sheets
from redshoes.ballet.vocabulary import load_vocabulary
from redshoes.errors import OptionError


def test_a_sheet_a_step_named_after_it(tmp_path: Path):
    paths = write_contact_sheets(tmp_path / "sheets", names=["pas de bourrée", "grand jeté"])
    assert [p.name for p in paths] == ["pas-de-bourree.png", "grand-jete.png"]
    image = mpimg.imread(paths[1])
    assert image.shape[0] > 300 and image.shape[1] > 1000  # two rows (front, side) of several frames


def test_an_unknown_step_is_refused_by_name(tmp_path: Path):
    with pytest.raises(OptionError, match="unknown step"):
        write_contact_sheets(tmp_path, names=["pas de deux"])


def test_the_sheet_shows_each_key_pose_and_the_top_of_each_jump():
    jete = load_vocabulary().get("grand jeté")
    times, end = key_times(jete)
    c = demonstration(["grand jeté"])
    assert times[0] == 0.0 and abs(end - c.steps[0].end) < 1e-6
    assert len(times) >= 5 and all(b > a for a, b in zip(times, times[1:], strict=False))


def test_a_demonstration_is_at_the_steps_own_tempo_facing_its_direction():
    croise = load_vocabulary().get("croisé devant")
    c = demonstration(["préparation", "croisé devant", "port de bras"], foot="left")
    assert abs(c.steps[1].end - c.steps[1].start - croise.counts[0] * 60.0 / tempo_of(croise)) < 1e-9
    assert [s.facing for s in c.steps] == [-45.0, -45.0, -45.0]  # the préparation faces where she will go
    assert slug("échappé sur les pointes") == "echappe-sur-les-pointes"
