"""Fine-tuning jobs: ``validating_files``, ``queued``, ``running``, then ``succeeded`` over retrieves, with events.

A job checks its training file when it leaves ``validating_files``: every line must be a JSON
object, else the job fails (``invalid_training_file``). A job that succeeds adds its model
(``ft:<model>:openai-lite:<suffix>:<n>``) to the models the server knows, a results file and a
checkpoint. Cancelling ends a job at once.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Dict, List, Optional

from ._common import (
    CREATED,
    APIError,
    Area,
    Job,
    Reply,
    Request,
    field,
    json_object,
    json_reply,
    list_page,
    lookup,
    route,
)

if TYPE_CHECKING:
    from ._server import FakeServer

_FINAL = ("succeeded", "failed", "cancelled")
_STEPS = 3  # training steps, each with a metrics event


class _Tuning:
    """A fine-tuning job: its progress, events (oldest first) and checkpoints."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.events: List[Dict[str, Any]] = []
        self.checkpoints: List[Dict[str, Any]] = []


class FineTuning(Area):
    def __init__(self, fake: FakeServer) -> None:
        super().__init__(fake)
        self._jobs: Dict[str, _Tuning] = {}

    @route("POST", r"/fine_tuning/jobs")
    def create_fine_tuning_job(self, request: Request) -> Reply:
        body = json_object(request)
        model = field(body, "model", str, "a string", required=True)
        self.fake._check_model(model)
        training_id = field(body, "training_file", str, "a string", required=True)
        validation_id = field(body, "validation_file", str, "a string")
        for param, file_id in (("training_file", training_id), ("validation_file", validation_id)):
            if file_id is not None:
                file = self.fake._files.find(file_id, param=param)[0]
                if file["purpose"] != "fine-tune":
                    raise APIError(
                        400,
                        f"File {file_id} has purpose {file['purpose']!r}: fine-tuning needs purpose 'fine-tune'.",
                        param=param,
                        code="invalid_value",
                    )
        hyperparameters = field(body, "hyperparameters", dict, "an object", default={})
        method = field(body, "method", dict, "an object", default={"type": "supervised"})
        suffix = field(body, "suffix", str, "a string", default="")
        job_id = self.fake._next_id("ftjob-fake-")
        obj: Dict[str, Any] = {
            "id": job_id,
            "object": "fine_tuning.job",
            "created_at": CREATED,
            "error": None,
            "fine_tuned_model": None,
            "finished_at": None,
            "hyperparameters": {
                "n_epochs": hyperparameters.get("n_epochs", "auto"),
                "batch_size": hyperparameters.get("batch_size", "auto"),
                "learning_rate_multiplier": hyperparameters.get("learning_rate_multiplier", "auto"),
            },
            "model": model,
            "organization_id": "org-fake",
            "result_files": [],
            "status": "validating_files",
            "trained_tokens": None,
            "training_file": training_id,
            "validation_file": validation_id,
            "integrations": body.get("integrations"),
            "seed": field(body, "seed", int, "an integer", default=42),
            "estimated_finish": None,
            "method": method,
            "metadata": field(body, "metadata", dict, "an object"),
        }
        tuning = _Tuning(Job(obj, []))
        self._jobs[job_id] = tuning
        self._event(tuning, f"Created fine-tuning job: {job_id}")
        self._event(tuning, f"Validating training file: {training_id}")
        name = f"ft:{model}:openai-lite:{suffix}:{job_id.rsplit('-', 1)[-1]}"
        self.restart(
            tuning.job,
            [lambda: self._validate(tuning), lambda: self._run(tuning), lambda: self._succeed(tuning, name)],
        )
        return json_reply(obj)

    def _event(
        self, tuning: _Tuning, message: str, kind: str = "message", data: Optional[Dict[str, Any]] = None
    ) -> None:
        tuning.events.append(
            {
                "object": "fine_tuning.job.event",
                "id": self.fake._next_id("ftevent-fake-"),
                "created_at": CREATED,
                "level": "info",
                "message": message,
                "type": kind,
                "data": data or {},
            }
        )

    def _validate(self, tuning: _Tuning) -> bool:
        obj = tuning.job.obj
        content = self.fake._files.find(obj["training_file"])[1]
        tokens = 0
        for number, text in enumerate(content.decode("utf-8", "replace").splitlines(), 1):
            try:
                example = json.loads(text) if text.strip() else {}
            except ValueError:
                example = None
            if not isinstance(example, dict):
                message = f"Invalid file format: line {number} of the training file is not a JSON object."
                obj.update(
                    status="failed",
                    finished_at=CREATED,
                    error={"code": "invalid_training_file", "message": message, "param": "training_file"},
                )
                self._event(tuning, message)
                return False
            tokens += len(text.split())
        obj.update(status="queued", trained_tokens=tokens)
        self._event(tuning, "Files validated, moving job to queued state")
        return True

    def _run(self, tuning: _Tuning) -> None:
        tuning.job.obj.update(status="running", estimated_finish=CREATED + 60)
        self._event(tuning, "Fine-tuning job started")
        for step in range(1, _STEPS + 1):
            loss = round(1.0 / (step + 1), 4)
            metrics = {"step": step, "train_loss": loss, "train_mean_token_accuracy": round(1 - loss, 4)}
            self._event(tuning, f"Step {step}/{_STEPS}: training loss={loss}", "metrics", metrics)

    def _succeed(self, tuning: _Tuning, name: str) -> None:
        obj = tuning.job.obj
        results = "step,train_loss\n" + "".join(f"{s},{round(1.0 / (s + 1), 4)}\n" for s in range(1, _STEPS + 1))
        result_file = self.fake._files.add("step_metrics.csv", "fine-tune-results", results.encode("utf-8"))
        self.fake._models.add(name, "user-fake")
        tuning.checkpoints.append(
            {
                "object": "fine_tuning.job.checkpoint",
                "id": self.fake._next_id("ftckpt_fake_"),
                "created_at": CREATED,
                "fine_tuned_model_checkpoint": f"{name}:ckpt-step-{_STEPS}",
                "step_number": _STEPS,
                "metrics": tuning.events[-1]["data"],
                "fine_tuning_job_id": obj["id"],
            }
        )
        obj.update(
            status="succeeded",
            fine_tuned_model=name,
            finished_at=CREATED,
            result_files=[result_file["id"]],
            estimated_finish=None,
        )
        self._event(tuning, f"New fine-tuned model created: {name}")
        self._event(tuning, "The job has successfully completed")

    def _find(self, job_id: str) -> _Tuning:
        return lookup(self._jobs, job_id, f"Could not find fine-tune job: {job_id}.", param="fine_tuning_job_id")

    @route("GET", r"/fine_tuning/jobs")
    def list_fine_tuning_jobs(self, request: Request) -> Reply:
        return list_page([t.job.obj for t in self._jobs.values()], request.query)

    @route("GET", r"/fine_tuning/jobs/([^/]+)")
    def retrieve_fine_tuning_job(self, request: Request, job_id: str) -> Reply:
        return json_reply(self._find(job_id).job.advance())

    @route("POST", r"/fine_tuning/jobs/([^/]+)/cancel")
    def cancel_fine_tuning_job(self, request: Request, job_id: str) -> Reply:
        tuning = self._find(job_id)
        obj = tuning.job.obj
        if obj["status"] in _FINAL:
            raise APIError(400, f"Cannot cancel a job with status '{obj['status']}'.")
        tuning.job.stop()
        obj.update(status="cancelled", finished_at=CREATED, estimated_finish=None)
        self._event(tuning, "Job cancelled")
        return json_reply(obj)

    @route("GET", r"/fine_tuning/jobs/([^/]+)/events")
    def list_fine_tuning_events(self, request: Request, job_id: str) -> Reply:
        return list_page(self._find(job_id).events, request.query)

    @route("GET", r"/fine_tuning/jobs/([^/]+)/checkpoints")
    def list_fine_tuning_job_checkpoints(self, request: Request, job_id: str) -> Reply:
        return list_page(self._find(job_id).checkpoints, request.query, limit=10)
