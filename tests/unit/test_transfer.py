"""Transfer settings and listings that need no server."""

from dataclasses import replace

from ingest.registry import load_registry
from ingest.transfer import LocalSource, transfer_setting


def _district(**transfer):
    district = next(d for d in load_registry() if d.sis == "skyward_sms")
    return replace(district, transfer={"method": "local", **transfer})


def test_local_folder_lists_files_and_term_subfolders(tmp_path):
    (tmp_path / "2026_S2").mkdir()
    (tmp_path / "2027_S1").mkdir()
    for name in ("2026_S2/students.csv", "2027_S1/students.csv", "readme.txt"):
        (tmp_path / name).write_text("x")
    with LocalSource(_district(folder=str(tmp_path))) as source:
        names = [f.name for f in source.list_files()]
    assert names == ["2026_S2/students.csv", "2027_S1/students.csv", "readme.txt"]


def test_environment_overrides_the_registry(monkeypatch):
    district = _district(folder="registry-folder", port=22)
    assert transfer_setting(district, "folder") == "registry-folder"
    monkeypatch.setenv(f"DISTRICTS__{district.id.upper()}__TRANSFER__FOLDER", "from-env")
    assert transfer_setting(district, "folder") == "from-env"
    assert transfer_setting(district, "missing", "fallback") == "fallback"
