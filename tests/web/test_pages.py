"""The pages and fragments: the pies, the store, one pie, its editor.

Every message the browser shows is the one the CLI prints for the same input:
the tests run both and compare.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from piefolio.cli import app as cli
from piefolio.template import render_template
from piefolio.web.folder import digest

HX = {"hx-request": "true"}


def cli_error(folder: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    """The one line ``piefolio ARGS`` prints after ``error:``, run in ``folder``."""
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(cli, list(args), env={"COLUMNS": "500"})
    assert result.exit_code == 2, result.output
    (line,) = [x for x in result.output.splitlines() if x.startswith("error: ")]
    return line.removeprefix("error: ")


def message(html: str) -> str:
    """The text of the one message paragraph of a fragment."""
    import html as escapes
    import re

    (found,) = re.findall(
        r'<p class="message error" role="alert">(.*?)</p>', html, re.S
    )
    return escapes.unescape(found)


def template(folder: Path, name: str = "My pie", file: str = "my-pie.toml") -> Path:
    path = folder / file
    path.write_text(render_template(name, file=file), encoding="utf-8")
    return path


# -------------------------------------------------------------------- the list


def test_the_index_lists_each_pie_by_name_and_a_broken_one_by_its_message(
    client: TestClient, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template(folder)
    (folder / "broken.toml").write_text("[pie\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not a pie", encoding="utf-8")
    page = client.get("/").text
    assert 'href="/pies/my-pie.toml"' in page and "My pie" in page
    assert 'href="/pies/broken.toml"' in page
    assert "notes.txt" not in page
    expected = cli_error(folder, monkeypatch, "show", "broken.toml")
    assert expected in page.replace("&#39;", "'").replace("&#34;", '"')


def test_the_data_page_shows_the_stores_coverage(client: TestClient) -> None:
    page = client.get("/data").text
    for ticker in ("SPY", "IWM", "XLE", "EURUSD=X"):
        assert ticker in page
    # The fixture's days: business days 2008-01-02 to 2026-11-27.
    assert "2008-01-02" in page and "2026-11-27" in page
    assert 'hx-get="/data/checks" hx-trigger="load"' in page


def test_the_data_checks_are_what_data_verify_prints(
    client: TestClient, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import html as escapes
    import re

    fragment = client.get("/data/checks", headers=HX)
    assert fragment.status_code == 200
    shown = escapes.unescape(re.sub(r"<[^>]+>", "", fragment.text))
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(cli, ["data", "verify"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    assert result.output.split() == shown.split()
    # Business days without a hole, positive closes, daily steps of about
    # 1.2 %: nothing to flag.
    assert shown.strip().startswith("No findings")


def test_the_account_page_without_a_history_says_how_to_import_one(
    client: TestClient,
) -> None:
    page = client.get("/account")
    assert page.status_code == 200
    assert "piefolio history import" in page.text


def test_static_files_are_the_bundled_htmx_and_its_license(client: TestClient) -> None:
    js = client.get("/static/htmx.min.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith(
        "text/javascript"
    )
    assert "htmx" in js.text[:2000]
    assert "Zero-Clause BSD" in client.get("/static/htmx.LICENSE").text
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/static/nope.js").status_code == 404


def test_pages_load_nothing_from_elsewhere(client: TestClient, folder: Path) -> None:
    template(folder)
    for path in ("/", "/data", "/jobs", "/account", "/pies/my-pie.toml"):
        page = client.get(path).text
        assert "http://" not in page and "https://" not in page, path
        assert "//cdn" not in page


# ---------------------------------------------------------------- a new pie


def test_a_new_pie_is_the_template_and_its_page_shows_what_show_prints(
    client: TestClient, folder: Path
) -> None:
    answer = client.post("/pies", data={"name": "My pie"}, headers=HX)
    assert answer.status_code == 204
    assert answer.headers["hx-redirect"] == "/pies/my-pie.toml"
    text = (folder / "my-pie.toml").read_text(encoding="utf-8")
    assert text == render_template("My pie", file="my-pie.toml")
    page = client.get("/pies/my-pie.toml").text
    # The template: Core 70 % holds SPY 60 % and IWM 40 %; XLE 30 %.
    # Effective weights by hand: 0.7 x 0.6 = 42 %, 0.7 x 0.4 = 28 %.
    assert "SPY</span>  60.0% → 42.00%" in page
    assert "IWM</span>  40.0% → 28.00%" in page
    assert "XLE</span>  30.0% → 30.00%" in page
    assert "Plan:</span> 1,000 EUR on" in page
    assert f'value="{digest(text)}"' in page


@pytest.mark.parametrize(
    "name", ["", "   ", "x" * 300, "bad\x00name"], ids=["empty", "blank", "long", "nul"]
)
def test_a_bad_name_for_a_new_pie_is_the_message_of_piefolio_new(
    client: TestClient, folder: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    answer = client.post("/pies", data={"name": name}, headers=HX)
    assert answer.status_code == 422
    assert message(answer.text) == cli_error(folder, monkeypatch, "new", name.strip())
    assert list(folder.iterdir()) == []


def test_a_new_pie_never_replaces_a_file(client: TestClient, folder: Path) -> None:
    (folder / "my-pie.toml").write_text("mine", encoding="utf-8")
    answer = client.post("/pies", data={"name": "My pie"}, headers=HX)
    assert answer.status_code == 422
    assert "already exists" in message(answer.text)
    assert (folder / "my-pie.toml").read_text(encoding="utf-8") == "mine"


def test_a_new_pie_under_a_bad_file_name_is_refused(
    client: TestClient, folder: Path
) -> None:
    answer = client.post("/pies", data={"name": "X", "file": "../x.toml"}, headers=HX)
    assert answer.status_code == 422
    assert "expected a file name of this folder" in message(answer.text)
    assert not (folder.parent / "x.toml").exists()


# ----------------------------------------------------------------- the editor

BAD_EDITS = [
    ("weights", ("weight = 0.7", "weight = 0.6")),
    ("toml", ('name = "Core"', 'name = "Core')),
    ("unknown key", ("initial = 1000", "initail = 1000")),
    ("absurd amount", ("initial = 1000", "initial = 1e30")),
    ("bad date", ("start = ", "start = 1066-10-14 #")),
    ("bad ticker", ('ticker = "XLE"', 'ticker = "X L E"')),
    ("negative fee", ("fx_pct = 0.15", "fx_pct = -1")),
]


@pytest.mark.parametrize(("case", "edit"), BAD_EDITS, ids=[c for c, _ in BAD_EDITS])
def test_checking_a_bad_edit_gives_the_message_of_piefolio_show(
    client: TestClient,
    folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    edit: tuple[str, str],
) -> None:
    text = template(folder).read_text(encoding="utf-8")
    assert edit[0] in text
    broken = text.replace(edit[0], edit[1], 1)
    answer = client.post("/pies/my-pie.toml/check", data={"text": broken}, headers=HX)
    assert answer.status_code == 422
    (folder / "broken.toml").write_text(broken, encoding="utf-8")
    expected = cli_error(folder, monkeypatch, "show", "broken.toml")
    assert message(answer.text) == expected.replace("broken.toml", "my-pie.toml")


def test_checking_a_good_edit_shows_the_new_tree(
    client: TestClient, folder: Path
) -> None:
    text = template(folder).read_text(encoding="utf-8")
    edited = text.replace("weight = 0.7", "weight = 0.5").replace(
        "weight = 0.3", "weight = 0.5"
    )
    answer = client.post("/pies/my-pie.toml/check", data={"text": edited}, headers=HX)
    assert answer.status_code == 200
    # 0.5 x 0.6 = 30 %, 0.5 x 0.4 = 20 % by hand.
    assert "SPY</span>  60.0% → 30.00%" in answer.text
    assert "XLE</span>  50.0% → 50.00%" in answer.text


def test_saving_replaces_the_file_and_hands_back_the_new_digest(
    client: TestClient, folder: Path
) -> None:
    path = template(folder)
    text = path.read_text(encoding="utf-8")
    edited = text.replace("initial = 1000", "initial = 2000")
    answer = client.post(
        "/pies/my-pie.toml/save",
        data={"text": edited, "seen": digest(text)},
        headers=HX,
    )
    assert answer.status_code == 200
    assert path.read_text(encoding="utf-8") == edited
    assert f'value="{digest(edited)}" hx-swap-oob="true"' in answer.text


def test_saving_a_broken_pie_writes_nothing(client: TestClient, folder: Path) -> None:
    path = template(folder)
    text = path.read_text(encoding="utf-8")
    broken = text.replace("weight = 0.7", "weight = 0.9")
    answer = client.post(
        "/pies/my-pie.toml/save",
        data={"text": broken, "seen": digest(text)},
        headers=HX,
    )
    assert answer.status_code == 422
    assert message(answer.text).startswith("not saved: my-pie.toml")
    assert path.read_text(encoding="utf-8") == text


def test_saving_over_a_change_made_elsewhere_writes_nothing(
    client: TestClient, folder: Path
) -> None:
    path = template(folder)
    text = path.read_text(encoding="utf-8")
    elsewhere = text.replace("initial = 1000", "initial = 1500")
    path.write_text(elsewhere, encoding="utf-8")
    answer = client.post(
        "/pies/my-pie.toml/save",
        data={"text": text.replace("1000", "3000"), "seen": digest(text)},
        headers=HX,
    )
    assert answer.status_code == 422
    assert "changed on disk" in message(answer.text)
    assert path.read_text(encoding="utf-8") == elsewhere


def test_save_as_writes_a_new_file_only(client: TestClient, folder: Path) -> None:
    text = template(folder).read_text(encoding="utf-8")
    answer = client.post(
        "/pies/my-pie.toml/save-as",
        data={"text": text, "file": "copy.toml"},
        headers=HX,
    )
    assert answer.headers["hx-redirect"] == "/pies/copy.toml"
    assert (folder / "copy.toml").read_text(encoding="utf-8") == text
    again = client.post(
        "/pies/my-pie.toml/save-as", data={"text": "x", "file": "copy.toml"}, headers=HX
    )
    assert again.status_code == 422
    assert (folder / "copy.toml").read_text(encoding="utf-8") == text


def test_the_pie_file_downloads_as_it_is(client: TestClient, folder: Path) -> None:
    text = template(folder).read_text(encoding="utf-8")
    answer = client.get("/pies/my-pie.toml/file")
    assert answer.text == text
    assert answer.headers["content-disposition"] == 'attachment; filename="my-pie.toml"'


def test_a_broken_pie_still_opens_in_the_editor_with_its_message(
    client: TestClient, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (folder / "broken.toml").write_text("[pie]\nname = 1\n", encoding="utf-8")
    page = client.get("/pies/broken.toml")
    assert page.status_code == 200
    assert message(page.text) == cli_error(folder, monkeypatch, "show", "broken.toml")
    assert "name = 1" in page.text


def test_a_missing_pie_is_a_message_not_a_500(client: TestClient) -> None:
    answer = client.get("/pies/none.toml")
    assert answer.status_code == 422
    assert "no such pie file" in answer.text
    assert "Traceback" not in answer.text


def test_user_text_is_shown_as_text_never_as_markup(
    client: TestClient, folder: Path
) -> None:
    evil = "<script>alert(1)</script>"
    answer = client.post("/pies", data={"name": evil, "file": "evil.toml"}, headers=HX)
    assert answer.status_code == 204
    for path in ("/", "/pies/evil.toml"):
        page = client.get(path).text
        assert evil not in page, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path
    text = (folder / "evil.toml").read_text(encoding="utf-8")
    check = client.post("/pies/evil.toml/check", data={"text": text}, headers=HX)
    assert evil not in check.text
    broken = client.post(
        "/pies/evil.toml/check", data={"text": text + f"\n{evil} = 1\n"}, headers=HX
    )
    assert broken.status_code == 422 and evil not in broken.text
