"""Category names travel from a ``--categories`` file into the generated ``Weights`` entry exactly.

Property-based (hypothesis, derandomized): any Unicode survives, lines are split on ``\\n`` only,
and the generated source keeps every printable character as written, escaping only quotes,
backslashes and what is not printable (with Python's own escapes). The end-to-end run through
``weighthub new plugin``, pip and a load is in ``test_authoring.py`` (its ``PETS``).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from weighthub import Weights
from weighthub._cli._describe import Description, read_categories
from weighthub.transforms import preset

ROOT = Path(__file__).resolve().parents[2]

PROPERTY = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Any code point, lone surrogates included (a JSON file can hold them as \ud800 escapes).
any_name = st.text(st.characters(blacklist_categories=()), max_size=16)
# A line of a one-per-line file: anything but the line break, not blank, no trailing \r (the \r of
# a \r\n file is dropped). The first name must not look like JSON or like a byte-order mark.
line_name = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"), min_size=1, max_size=16
).filter(lambda name: name.strip() and not name.endswith("\r"))
line_names = st.lists(line_name, min_size=1, max_size=8).filter(
    lambda names: not names[0].lstrip().startswith("[") and not names[0].startswith("\ufeff")
)


def _read(text: str, *, newline: str = "\n") -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "categories.txt"
        path.write_text(text, encoding="utf-8", newline=newline)
        return read_categories(str(path))


@PROPERTY
@given(line_names, st.sampled_from(["\n", "\r\n"]))
def test_one_name_per_line_round_trips_exactly(names, newline):
    assert _read("\n".join(names) + "\n", newline=newline) == names


@PROPERTY
@given(st.lists(any_name, min_size=1, max_size=8))
def test_a_json_list_round_trips_exactly(names):
    assert _read(json.dumps(names)) == names


def test_separators_other_than_the_line_feed_stay_inside_a_name():
    names = ["a\u2028b", "c\u2029d", "e\x85f", "g\x0bh\x0ci", "j\x1ck", "l\rm"]
    assert _read("\n".join(names) + "\n") == names
    assert _read("\ufeffcat\r\ndog\r\n\r\n  \r\nemoji \U0001f600 cat\r\n") == [
        "cat",
        "dog",
        "emoji \U0001f600 cat",
    ]


class _Entry:
    name = "resnet18"
    task = "image_classification"


def _entry_source(categories: list[str], dataset: str) -> str:
    description = Description(
        entry=_Entry(),  # type: ignore[arg-type]
        path=Path("pets.pth"),
        url="pkg://acme_pets/weights/pets.pth",
        sha256="0" * 64,
        file_size=1,
        categories=categories,
        model_kwargs={},
        num_params=1,
        ops=0.5,
        min_size=(1, 1),
        transforms=preset("ImageClassification", crop_size=224),
        dataset=dataset,
    )
    return description.python(indent=4)


def _module(source: str) -> str:
    return (
        "from weighthub import Weights\nfrom weighthub.transforms import preset\n\n\n"
        f"class AcmePets_ResNet18_Weights:\n    CUSTOM_V1 = {source}\n"
    )


def _kept_runs(text: str) -> list[str]:
    """The runs of characters the generated source must hold as written."""
    return [run for run in re.split(r"[\"'\\]", text) for run in _printable_runs(run) if run]


def _printable_runs(text: str) -> list[str]:
    runs, current = [], ""
    for char in text:
        if char.isprintable():
            current += char
        else:
            runs.append(current)
            current = ""
    return [*runs, current]


def test_generated_entries_round_trip_and_pass_ruff_format(tmp_path):
    sources: list[str] = []

    @PROPERTY
    @given(st.lists(any_name, min_size=1, max_size=12), any_name)
    def round_trip(categories, dataset):
        source = _entry_source(categories, dataset)
        namespace: dict = {"Weights": Weights, "preset": preset}
        exec(compile(_module(source), "<entry>", "exec"), namespace)
        member = namespace["AcmePets_ResNet18_Weights"].CUSTOM_V1
        assert member.meta["categories"] == categories
        assert list(member.meta["_metrics"]) == [dataset]
        for name in [*categories, dataset]:
            for run in _kept_runs(name):
                assert run in source, (run, source)
        sources.append(source)

    round_trip()
    # Every width around the line length, with wide (CJK, emoji) and combining characters.
    for char in ("\u732b", "\U0001f600", "e\u0301", "a"):
        for count in range(20, 90):
            sources.append(_entry_source(["cat", char * count], "custom"))
            sources.append(_entry_source(["cat"], char * count))
    # Written as ruff format writes it (quotes, one line or one name per line), all at once.
    for index, source in enumerate(sources):
        (tmp_path / f"entry_{index}.py").write_text(_module(source), encoding="utf-8")
    check = ["format", "--check", "--diff", "--no-cache", "--config", str(ROOT / "pyproject.toml")]
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", *check, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ruff.returncode == 0, ruff.stdout[-3000:] + ruff.stderr[-3000:]
