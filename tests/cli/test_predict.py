"""``weighthub predict``: real weights on a real photo, and tiny models of every task."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, distribution

import pytest
from PIL import Image

UNIFORM_RELATED = {
    "military uniform",
    "academic gown",
    "mortarboard",
    "suit",
    "bow tie",
    "Windsor tie",
}


@pytest.fixture
def lite0_installed():
    try:
        distribution("weighthub-efficientnet-lite")
    except PackageNotFoundError:
        pytest.skip("the example plugin weighthub-efficientnet-lite is not installed")


def test_classification_on_the_real_photo(cli, photo_file, lite0_installed):
    result = cli("predict", "--model", "efficientnet_lite0", photo_file)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == f"{photo_file}:"
    ranks = [line.split(maxsplit=2) for line in lines[1:]]
    assert [r[0] for r in ranks] == ["1", "2", "3", "4", "5"]
    labels = [r[2] for r in ranks]
    assert UNIFORM_RELATED & set(labels[:3]), labels
    scores = [float(r[1]) for r in ranks]
    assert scores == sorted(scores, reverse=True)
    assert 0 < scores[0] <= 1


def test_classification_json_batched_offline(cli, photo_file, tmp_path, lite0_installed):
    small = tmp_path / "small.png"
    Image.open(photo_file).resize((300, 256)).save(small)
    result = cli(
        "predict",
        "-m",
        "efficientnet_lite0",
        photo_file,
        str(small),
        "--topk",
        "3",
        "--json",
        env={"WEIGHTHUB_OFFLINE": "1"},  # pkg:// weights need no network
    )
    assert result.code == 0, result.err
    data = result.json()
    assert data["model"] == "efficientnet_lite0"
    assert data["weights"] == "EfficientNet_Lite0_Weights.IMAGENET1K_V1"
    assert data["task"] == "image_classification"
    assert [r["input"] for r in data["results"]] == [str(photo_file), str(small)]
    for r in data["results"]:
        assert [p["rank"] for p in r["predictions"]] == [1, 2, 3]
        assert UNIFORM_RELATED & {p["label"] for p in r["predictions"]}
    top = data["results"][0]["predictions"][0]
    assert top["label"] == "academic gown"
    assert top["index"] == 400
    assert 0.2 < top["score"] < 0.3


def test_unreadable_images_exit_1(cli, tmp_path, expect_error):
    broken = tmp_path / "broken.jpg"
    broken.write_text("this is not a JPEG")
    expect_error(
        cli("predict", "-m", "clitest_tinynet", str(broken)),
        code=1,
        contains=f"cannot read image {broken}: not an image",
    )
    truncated = tmp_path / "truncated.png"
    Image.new("RGB", (64, 64), "red").save(truncated)
    truncated.write_bytes(truncated.read_bytes()[:60])
    expect_error(
        cli("predict", "-m", "clitest_tinynet", str(truncated)),
        code=1,
        contains=f"cannot read image {truncated}",
    )
    expect_error(
        cli("predict", "-m", "clitest_tinynet", str(tmp_path / "nope.jpg")),
        code=1,
        contains="no such file",
    )
    expect_error(
        cli("predict", "-m", "clitest_tinynet", str(tmp_path)), code=1, contains="it is a folder"
    )


def test_a_batch_reports_each_unreadable_input_and_does_the_rest(cli, photo_file, tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_text("this is not a JPEG")
    missing = tmp_path / "nope.jpg"
    result = cli(
        "predict", "-m", "clitest_tinynet", str(broken), photo_file, str(missing), "--json"
    )
    assert result.code == 1, result.err
    assert "Traceback" not in result.err
    errors = [line for line in result.err.splitlines() if line.startswith("weighthub: error: ")]
    assert len(errors) == 3, result.err
    assert f"cannot read image {broken}" in errors[0]
    assert f"cannot read image {missing}: no such file" in errors[1]
    assert "2 of 3 inputs could not be read; the others are done" in errors[2]
    data = result.json()
    assert [r["input"] for r in data["results"]] == [str(photo_file)]
    assert [e["input"] for e in data["errors"]] == [str(broken), str(missing)]
    text = cli("predict", "-m", "clitest_tinynet", photo_file, str(missing))
    assert text.code == 1 and f"{photo_file}:" in text.out


def test_threshold_is_for_detection_and_topk_is_capped_aloud(cli, photo_file, expect_error):
    expect_error(
        cli("predict", "-m", "clitest_tinynet", photo_file, "--threshold", "0.9"),
        contains="--threshold filters detection boxes; 'clitest_tinynet' is image_classification, "
        "so use --topk",
    )
    expect_error(
        cli("predict", "-m", "clitest_tinyseg", photo_file, "--threshold", "0.9"),
        contains="--threshold filters detection boxes",
    )
    result = cli("predict", "-m", "clitest_tinynet", photo_file, "--topk", "5000", "--json")
    assert result.code == 0, result.err
    [r] = result.json()["results"]
    shown = len(r["predictions"])
    assert f"weighthub: warning: --topk 5000 is more than the {shown} categories" in result.err
    assert f"showing all {shown}" in result.err


def test_still_image_to_a_video_model(cli, photo_file, expect_error):
    expect_error(
        cli("predict", "-m", "clitest_tinyvideo", photo_file),
        code=1,
        contains="it is a still image and clitest_tinyvideo classifies videos",
    )


def test_predict_option_errors(cli, photo_file, expect_error):
    expect_error(
        cli("predict", "-m", "clitest_tinynet", photo_file, "--save", "x.png"),
        contains="--save draws",
    )
    expect_error(
        cli("predict", "-m", "clitest_noweights", photo_file), contains="has no pretrained weights"
    )
    expect_error(
        cli("predict", "-m", "clitest_tinynet", photo_file, "--topk", "0"), contains="--topk"
    )


def test_tiny_classifier_weights_choice(cli, photo_file):
    result = cli(
        "predict",
        "-m",
        "clitest_tinynet",
        "-w",
        "TinyNet_Weights.SYNTHETIC_V1",
        photo_file,
        "--json",
        "-k",
        "1",
    )
    assert result.code == 0, result.err
    assert result.json()["weights"] == "TinyNet_Weights.SYNTHETIC_V1"
    assert cli("predict", "-m", "clitest_tinynet", "-w", "SYNTHETIC_V1", photo_file).code == 0


def test_detection_draws_boxes(cli, photo_file, tmp_path):
    out = tmp_path / "boxes.png"
    result = cli("predict", "-m", "clitest_tinydet", photo_file, "--save", str(out), "--json")
    assert result.code == 0, result.err
    [r] = result.json()["results"]
    assert r["saved"] == str(out)
    assert r["detections"], "the biased detector finds 'person' boxes"
    for d in r["detections"]:
        assert d["label"] == "person"
        assert d["index"] == 1
        assert d["score"] >= 0.5
        x1, y1, x2, y2 = d["box"]
        assert 0 <= x1 < x2 <= 512 and 0 <= y1 < y2 <= 600
    original, drawn = Image.open(photo_file).convert("RGB"), Image.open(out).convert("RGB")
    assert drawn.size == original.size
    assert drawn.tobytes() != original.tobytes()

    text = cli("predict", "-m", "clitest_tinydet", photo_file, "--threshold", "1.01")
    assert text.code == 0, text.err
    assert "no detection with a score >= 1.01" in text.out


def test_detection_several_inputs_save_into_a_folder(cli, photo_file, tmp_path):
    second = tmp_path / "second.jpg"
    Image.open(photo_file).resize((200, 240)).save(second)
    out = tmp_path / "out"
    result = cli("predict", "-m", "clitest_tinydet", photo_file, str(second), "--save", str(out))
    assert result.code == 0, result.err
    assert sorted(p.name for p in out.iterdir()) == ["grace_hopper_pred.png", "second_pred.png"]
    assert Image.open(out / "second_pred.png").size == (200, 240)
    assert "person" in result.out


def test_segmentation_overlay(cli, photo_file, tmp_path):
    out = tmp_path / "overlay.png"
    result = cli("predict", "-m", "clitest_tinyseg", photo_file, "--save", str(out), "--json")
    assert result.code == 0, result.err
    [r] = result.json()["results"]
    assert r["classes"] == [{"label": "person", "index": 15, "fraction": 1.0}]
    drawn = Image.open(out)
    assert drawn.size == Image.open(photo_file).size
    assert drawn.convert("RGB").tobytes() != Image.open(photo_file).convert("RGB").tobytes()
    text = cli("predict", "-m", "clitest_tinyseg", photo_file)
    assert "100.00%  person" in text.out


def test_video_from_frames_and_gif(cli, tmp_path, expect_error):
    frames = tmp_path / "frames"
    frames.mkdir()
    for i in range(6):
        Image.new("RGB", (48, 40), (40 * i, 10, 200)).save(frames / f"{i:03d}.png")
    gif = tmp_path / "clip.gif"
    pictures = [Image.new("RGB", (48, 40), (10, 40 * i, 10)) for i in range(5)]
    pictures[0].save(gif, save_all=True, append_images=pictures[1:])
    result = cli(
        "predict",
        "-m",
        "clitest_tinyvideo",
        str(frames),
        str(gif),
        "--clip-len",
        "4",
        "-k",
        "2",
        "--json",
    )
    assert result.code == 0, result.err
    data = result.json()
    assert data["task"] == "video_classification"
    assert [r["input"] for r in data["results"]] == [str(frames), str(gif)]
    for r in data["results"]:
        assert r["frames"] == 4
        assert len(r["predictions"]) == 2
    expect_error(
        cli("predict", "-m", "clitest_tinyvideo", str(frames)),
        code=1,
        contains="fewer than --clip-len 16",
    )
    expect_error(
        cli("predict", "-m", "clitest_tinyvideo", str(frames), "--clip-len", "2"),
        contains="below the weights' min_temporal_size 4",
    )
    expect_error(
        cli("predict", "-m", "clitest_tinyvideo", str(tmp_path / "clip.mp4")),
        code=1,
        contains="no such file or folder",
    )


PETS_ENUM = "ExamplePetsWeights_ShuffleNet_V2_X0_5_Weights"


def test_weights_a_plugin_attaches_are_listed_and_accepted(
    cli, photo_file, pets_example_installed, expect_error
):
    # examples/plugin-weights-pets attaches PETS_3_V1 (3 categories) to shufflenet_v2_x0_5.
    wrong = cli("predict", "-m", "shufflenet_v2_x0_5", "-w", "PETS_4_V1", photo_file)
    expect_error(wrong, contains=f"attached by plugins, {PETS_ENUM}.PETS_3_V1.")
    assert "its weights are IMAGENET1K_V1, DEFAULT and" in wrong.err
    assert "Did you mean 'PETS_3_V1'?" in wrong.err
    for name in ("PETS_3_V1", f"{PETS_ENUM}.PETS_3_V1"):
        result = cli(
            "predict", "-m", "shufflenet_v2_x0_5", "-w", name, photo_file, "--json",
            env={"WEIGHTHUB_OFFLINE": "1"},  # a pkg:// checkpoint: no network
        )  # fmt: skip
        assert result.code == 0, result.err
        data = result.json()
        assert data["weights"] == f"{PETS_ENUM}.PETS_3_V1"
        [predictions] = [r["predictions"] for r in data["results"]]
        labels = {p["label"] for p in predictions}
        assert labels == {"Abyssinian", "Bengal", "Birman"}, "all 3, as --topk was not given"
        assert "weighthub: warning" not in result.err, "no --topk, so nothing to warn about"
    asked = cli(
        "predict", "-m", "shufflenet_v2_x0_5", "-w", "PETS_3_V1", photo_file, "--topk", "5",
        env={"WEIGHTHUB_OFFLINE": "1"},
    )  # fmt: skip
    assert asked.code == 0, asked.err
    assert f"--topk 5 is more than the 3 categories of {PETS_ENUM}.PETS_3_V1" in asked.err
    # The model's own weights are still the default, and a member name of its own enum wins.
    own = cli("predict", "-m", "shufflenet_v2_x0_5", "-w", "NOPE", photo_file)
    expect_error(own, contains="has no weights 'NOPE'")
