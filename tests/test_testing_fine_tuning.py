"""Tests of openai_lite/testing/_fine_tuning.py: fine-tuning jobs that progress, with events, on the FakeServer."""

from __future__ import annotations

from typing import Any

import pytest
from _fake import USER_HELLO, assert_error, post

import openai_lite
from openai_lite.testing import FakeServer

TRAINING = b'{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello there"}]}\n' * 3


def training_file(client: openai_lite.Client, content: bytes = TRAINING, purpose: Any = "fine-tune") -> str:
    return client.create_file(file=("train.jsonl", content), purpose=purpose).id


def test_a_job_succeeds_over_retrieves(fake_client: openai_lite.Client) -> None:
    job = fake_client.create_fine_tuning_job(
        model="gpt-4o-mini", training_file=training_file(fake_client), suffix="mine"
    )
    assert (job.id, job.object, job.status, job.fine_tuned_model) == (
        "ftjob-fake-1",
        "fine_tuning.job",
        "validating_files",
        None,
    )
    statuses = [fake_client.retrieve_fine_tuning_job(job.id).status for _ in range(4)]
    assert statuses == ["queued", "running", "succeeded", "succeeded"]
    done = fake_client.retrieve_fine_tuning_job(job.id)
    assert done.fine_tuned_model == "ft:gpt-4o-mini:openai-lite:mine:1"
    assert (done.finished_at, done.trained_tokens, done.error) == (1700000000, 30, None)
    (results,) = done.result_files
    assert fake_client.download_file(results).text().startswith("step,train_loss\n1,0.5\n")
    # The new model is known: it can be used and is listed.
    assert done.fine_tuned_model in [m.id for m in fake_client.list_models()]
    reply = fake_client.create_chat_completion(model=done.fine_tuned_model, messages=USER_HELLO)
    assert reply.choices[0].message.content == "You said: Hello there"


def test_events_and_checkpoints(fake_client: openai_lite.Client) -> None:
    job = fake_client.create_fine_tuning_job(model="gpt-4o-mini", training_file=training_file(fake_client))
    assert [e.message for e in fake_client.list_fine_tuning_events(job.id)] == [
        f"Validating training file: {job.training_file}",
        f"Created fine-tuning job: {job.id}",
    ]  # newest first
    assert list(fake_client.list_fine_tuning_job_checkpoints(job.id)) == []
    for _ in range(3):
        fake_client.retrieve_fine_tuning_job(job.id)
    events = list(fake_client.list_fine_tuning_events(job.id))
    assert events[0].message == "The job has successfully completed"
    metrics = [e for e in events if e.type == "metrics"]
    assert [e.data["step"] for e in metrics] == [3, 2, 1]
    assert all(e.object == "fine_tuning.job.event" and e.level == "info" for e in events)
    (checkpoint,) = fake_client.list_fine_tuning_job_checkpoints(job.id)
    assert (checkpoint.step_number, checkpoint.fine_tuning_job_id) == (3, job.id)
    assert checkpoint.fine_tuned_model_checkpoint == "ft:gpt-4o-mini:openai-lite::1:ckpt-step-3"
    page = fake_client.list_fine_tuning_events(job.id, limit=2)
    assert len(list(page)) == len(events)  # all pages


def test_an_invalid_training_file_fails_the_job(fake_client: openai_lite.Client) -> None:
    file_id = training_file(fake_client, TRAINING + b"not json\n")
    job = fake_client.create_fine_tuning_job(model="gpt-4o-mini", training_file=file_id)
    failed = fake_client.retrieve_fine_tuning_job(job.id)
    assert (failed.status, failed.fine_tuned_model) == ("failed", None)
    assert failed.error is not None
    assert (failed.error.code, failed.error.param) == ("invalid_training_file", "training_file")
    assert "line 4" in failed.error.message
    assert fake_client.retrieve_fine_tuning_job(job.id).status == "failed"


def test_cancel(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    job = fake_client.create_fine_tuning_job(model="gpt-4o-mini", training_file=training_file(fake_client))
    fake_client.retrieve_fine_tuning_job(job.id)
    cancelled = fake_client.cancel_fine_tuning_job(job.id)
    assert (cancelled.status, cancelled.finished_at) == ("cancelled", 1700000000)
    assert fake_client.retrieve_fine_tuning_job(job.id).status == "cancelled"
    assert next(iter(fake_client.list_fine_tuning_events(job.id))).message == "Job cancelled"
    assert_error(post(fake, f"/fine_tuning/jobs/{job.id}/cancel", {}), 400, None, None)


def test_create_errors(fake: FakeServer, fake_client: openai_lite.Client) -> None:
    good = {"model": "gpt-4o-mini", "training_file": training_file(fake_client)}
    assert_error(
        post(fake, "/fine_tuning/jobs", {"model": "gpt-4o-mini"}), 400, "training_file", "missing_required_parameter"
    )
    assert_error(post(fake, "/fine_tuning/jobs", {**good, "model": "gpt-9"}), 404, None, "model_not_found")
    assert_error(post(fake, "/fine_tuning/jobs", {**good, "training_file": "file-nope"}), 404, "training_file", None)
    batch_file = training_file(fake_client, purpose="batch")
    assert_error(
        post(fake, "/fine_tuning/jobs", {**good, "training_file": batch_file}), 400, "training_file", "invalid_value"
    )
    assert_error(
        post(fake, "/fine_tuning/jobs", {**good, "validation_file": batch_file}),
        400,
        "validation_file",
        "invalid_value",
    )
    assert_error(post(fake, "/fine_tuning/jobs/ftjob-nope/cancel", {}), 404, "fine_tuning_job_id", None)


def test_list_jobs(fake_client: openai_lite.Client) -> None:
    file_id = training_file(fake_client)
    ids = [fake_client.create_fine_tuning_job(model="gpt-4o-mini", training_file=file_id).id for _ in range(3)]
    assert [j.id for j in fake_client.list_paginated_fine_tuning_jobs()] == ids[::-1]


@pytest.mark.parametrize("hyperparameters", [None, {"n_epochs": 3, "batch_size": 8}])
def test_hyperparameters_are_echoed(fake_client: openai_lite.Client, hyperparameters: Any) -> None:
    job = fake_client.create_fine_tuning_job(
        model="gpt-4o-mini", training_file=training_file(fake_client), hyperparameters=hyperparameters
    )
    given = hyperparameters or {}
    assert job.hyperparameters is not None
    assert (job.hyperparameters.n_epochs, job.hyperparameters.batch_size) == (
        given.get("n_epochs", "auto"),
        given.get("batch_size", "auto"),
    )
