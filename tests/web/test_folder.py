"""The app reads and writes pie files inside its folder only, atomically."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from piefolio.errors import SpecError
from piefolio.web.folder import PieFolder, digest

BAD_NAMES = [
    "../secret.toml",
    "..",
    "/etc/passwd",
    "/tmp/x.toml",
    "sub/x.toml",
    "sub\\x.toml",
    ".hidden.toml",
    "x.txt",
    "x.toml.txt",
    "",
    "x" * 200 + ".toml",
    "a..b.toml",
    "C:x.toml",
    "x\x00.toml",
]


@pytest.fixture
def pies(folder: Path) -> PieFolder:
    return PieFolder.at(folder)


@pytest.mark.parametrize("name", BAD_NAMES)
def test_a_name_that_is_not_a_plain_toml_file_here_is_refused(
    pies: PieFolder, name: str
) -> None:
    with pytest.raises(SpecError, match=r"expected a file name of this folder"):
        pies.path(name)
    with pytest.raises(SpecError):
        pies.create(name, "x")


@pytest.mark.parametrize(
    "path",
    [
        "/pies/..%2Fsecret.toml",
        "/pies/%2E%2E%2Fsecret.toml",
        "/pies/..%5Csecret.toml",
        "/pies/%2Fetc%2Fpasswd",
        "/pies/secret.toml%00.toml",
        "/pies/..%2F..%2Fsecret.toml/file",
    ],
)
def test_traversal_through_the_url_never_reads_outside(
    client: TestClient, folder: Path, path: str
) -> None:
    (folder.parent / "secret.toml").write_text("TOP SECRET", encoding="utf-8")
    answer = client.get(path)
    assert answer.status_code in (404, 422)
    assert "TOP SECRET" not in answer.text


def test_a_link_out_of_the_folder_is_neither_listed_nor_read(
    client: TestClient, folder: Path, pies: PieFolder
) -> None:
    outside = folder.parent / "outside.toml"
    outside.write_text("TOP SECRET", encoding="utf-8")
    (folder / "link.toml").symlink_to(outside)
    assert pies.names() == []
    with pytest.raises(SpecError, match="outside the folder"):
        pies.read("link.toml")
    answer = client.get("/pies/link.toml")
    assert answer.status_code == 422
    assert "TOP SECRET" not in answer.text
    assert "outside the folder" in answer.text
    # Nor written through: the target keeps its text.
    with pytest.raises(SpecError):
        pies.replace("link.toml", "x", seen=digest("TOP SECRET"))
    assert outside.read_text(encoding="utf-8") == "TOP SECRET"


def test_a_link_inside_the_folder_is_a_pie(folder: Path, pies: PieFolder) -> None:
    (folder / "real.toml").write_text("a", encoding="utf-8")
    (folder / "alias.toml").symlink_to(folder / "real.toml")
    assert pies.names() == ["alias.toml", "real.toml"]
    assert pies.read("alias.toml") == "a"


def test_create_never_overwrites_and_leaves_no_temporary_file(
    folder: Path, pies: PieFolder
) -> None:
    pies.create("a.toml", "first")
    with pytest.raises(SpecError, match="already exists"):
        pies.create("a.toml", "second")
    assert (folder / "a.toml").read_text(encoding="utf-8") == "first"
    assert sorted(p.name for p in folder.iterdir()) == ["a.toml"]


def test_replace_needs_the_text_the_editor_started_from(
    folder: Path, pies: PieFolder
) -> None:
    pies.create("a.toml", "v1")
    seen = digest("v1")
    # Another tab (or an editor) changes it meanwhile.
    (folder / "a.toml").write_text("v2 from elsewhere", encoding="utf-8")
    with pytest.raises(SpecError, match="changed on disk"):
        pies.replace("a.toml", "v3", seen=seen)
    assert (folder / "a.toml").read_text(encoding="utf-8") == "v2 from elsewhere"
    pies.replace("a.toml", "v3", seen=digest("v2 from elsewhere"))
    assert (folder / "a.toml").read_text(encoding="utf-8") == "v3"
    assert sorted(p.name for p in folder.iterdir()) == ["a.toml"]


def test_a_missing_or_huge_or_binary_file_is_one_message(
    folder: Path, pies: PieFolder
) -> None:
    with pytest.raises(SpecError, match="no such pie file"):
        pies.read("none.toml")
    (folder / "big.toml").write_bytes(b"#" * 1_000_001)
    with pytest.raises(SpecError, match="larger than"):
        pies.read("big.toml")
    (folder / "bin.toml").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(SpecError, match="not UTF-8"):
        pies.read("bin.toml")


def test_the_folder_must_exist(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="expected an existing folder"):
        PieFolder.at(tmp_path / "none")
