"""Execution settings: addresses, validation messages, chunk ranges."""

import pytest

from marketalign import InputError
from marketalign.parallel import ExecutionConfig, available_cores, normalise_address, split_range


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("tcp://10.0.0.5:8786", "tcp://10.0.0.5:8786"),
        ("10.0.0.5:8786", "tcp://10.0.0.5:8786"),
        (" tls://scheduler.example.org:8786 ", "tls://scheduler.example.org:8786"),
        ("tcp://[::1]:8786", "tcp://[::1]:8786"),
    ],
)
def test_scheduler_addresses_are_normalised(given, expected):
    assert normalise_address(given) == expected


@pytest.mark.parametrize("bad", ["", "localhost", "tcp://host", "http://host:8786", "tcp://host:99999", "tcp://:1"])
def test_malformed_scheduler_addresses_are_refused(bad):
    with pytest.raises(InputError, match="tcp://HOST:PORT"):
        normalise_address(bad)


def test_defaults_run_locally_on_every_core():
    config = ExecutionConfig().validated()
    assert config.scheduler is None and config.workers == available_cores() and config.threads == 1


def test_workers_with_a_scheduler_is_an_error_not_a_silent_choice():
    with pytest.raises(InputError, match="dask worker"):
        ExecutionConfig(scheduler="tcp://127.0.0.1:8786", workers=2).validated()


@pytest.mark.parametrize("field", ["workers", "threads"])
@pytest.mark.parametrize("value", [0, -1, 1.5])
def test_counts_must_be_positive_whole_numbers(field, value):
    with pytest.raises(InputError, match=field):
        ExecutionConfig(**{field: value}).validated()


def test_checkpoint_must_be_a_folder(tmp_path):
    file = tmp_path / "a_file"
    file.write_text("x")
    with pytest.raises(InputError, match="is a file"):
        ExecutionConfig(checkpoint=file).validated()


def test_describe_says_where_chunks_run():
    assert "Dask scheduler tcp://h:1" in ExecutionConfig(scheduler="h:1").validated().describe()
    assert "3 local workers" in ExecutionConfig(workers=3).validated().describe()


@pytest.mark.parametrize(("count", "size"), [(0, 3), (1, 1), (10, 3), (10, 10), (10, 20)])
def test_split_range_covers_every_item_once_in_order(count, size):
    parts = split_range(count, size)
    assert [i for part in parts for i in part] == list(range(count))
    assert all(1 <= len(part) <= size for part in parts)
    assert all(len(part) == size for part in parts[:-1])


def test_split_range_refuses_empty_chunks():
    with pytest.raises(InputError):
        split_range(5, 0)
