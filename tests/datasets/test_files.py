"""The files in datasets/ are exactly what their seeds generate (``python -m kit.datasets``)."""

from __future__ import annotations

from pathlib import Path

from kit.datasets.catalogue import write_all

ROOT = Path(__file__).resolve().parents[2]


def test_every_shipped_file_regenerates_identically(tmp_path) -> None:
    written = write_all(tmp_path)
    assert written
    for path in written:
        relative = path.relative_to(tmp_path)
        shipped = ROOT / "datasets" / relative
        assert shipped.exists(), f"{relative} is not shipped: run python -m kit.datasets"
        assert path.read_bytes() == shipped.read_bytes(), f"{relative} differs from its seed"
    shipped_data = {
        p.relative_to(ROOT / "datasets")
        for p in (ROOT / "datasets").rglob("*")
        if p.is_file() and p.suffix in (".csv", ".json")
    }
    assert shipped_data == {p.relative_to(tmp_path) for p in written}


def test_the_data_dictionary_names_every_column() -> None:
    readme = (ROOT / "datasets" / "README.md").read_text(encoding="utf-8")
    assert "synthetic: no patient data" in readme.lower()
    for csv in (ROOT / "datasets" / "demo").glob("*.csv"):
        header = csv.read_text(encoding="utf-8").splitlines()[0].split(",")
        assert f"`{csv.name}`" in readme, csv.name
        for column in header:
            assert f"`{column}`" in readme, f"{csv.name}: {column}"
