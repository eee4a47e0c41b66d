import csv

import pytest

from forces.models import Force
from forces.services import ForceDataError, forces_load_from_csv

pytestmark = pytest.mark.django_db


def test_loads_every_organisation_and_is_idempotent():
    first = forces_load_from_csv()
    assert first.created == 93
    assert first.total == 93
    second = forces_load_from_csv()
    assert (second.created, second.updated, second.total) == (0, 0, 93)
    assert Force.objects.filter(kind=Force.Kind.POLICE).count() == 43
    assert Force.objects.filter(kind=Force.Kind.OTHER).count() == 4
    assert Force.objects.filter(kind=Force.Kind.FIRE, active_until__isnull=True).count() == 44


def test_merged_services_point_at_their_successor():
    forces_load_from_csv()
    merged = Force.objects.get(name="Isle of Wight Fire and Rescue Service")
    assert merged.successor.name == "Hampshire and Isle of Wight Fire and Rescue Service"
    assert str(merged.active_until) == "2021-03-31"


def test_engage_forces_are_marked():
    forces_load_from_csv()
    engaged = set(Force.objects.filter(monitoring_stage="engage").values_list("name", flat=True))
    assert "Cleveland Police" in engaged
    assert len(engaged) == 6


def test_a_bad_row_writes_nothing(tmp_path):
    path = tmp_path / "forces.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "kind", "region", "country", "active_until", "successor"])
        writer.writerow(["Good Police", "police", "North East", "England", "", ""])
        writer.writerow(["Bad Service", "fire", "North East", "England", "31/03/2021", ""])
    with pytest.raises(ForceDataError, match="line 3"):
        forces_load_from_csv(path=path)
    assert not Force.objects.filter(name="Good Police").exists()
