"""Speed and memory of the job engine. Run: python benchmarks/run.py

Prints one table. Numbers depend on the machine; compare runs on the same machine.
"""

from __future__ import annotations

import resource
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jupyter_studio.core.jobs.schemas import JobStatus, ListJobsQuery  # noqa: E402
from jupyter_studio.core.jobs.tables import JobRow  # noqa: E402
from jupyter_studio.core.studio import Studio  # noqa: E402


def timed(func, repeat: int = 1) -> list[float]:  # noqa: ANN001
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "noop.py").write_text("print('ok')\n")
        (root / "chatty.py").write_text(
            "import sys\nfor i in range(200000):\n    print('line', i, 'x' * 60)\n"
        )
        with Studio(
            contents_root=str(root), poll_interval=0.05, max_workers=4, default_user="bench"
        ) as studio:
            studio.start()

            def one_job() -> None:
                job = studio.submit_job("processing", {"script": "noop.py"})
                assert studio.wait(job.job_id, timeout=60, poll=0.02).status == JobStatus.COMPLETED

            latency = timed(one_job, repeat=5)
            rows.append(
                (
                    "submit -> Completed, trivial script",
                    f"{statistics.median(latency) * 1000:.0f} ms",
                    "median of 5",
                )
            )

            def twenty_jobs() -> None:
                ids = [
                    studio.submit_job("processing", {"script": "noop.py"}).job_id for _ in range(20)
                ]
                for job_id in ids:
                    studio.wait(job_id, timeout=120, poll=0.05)

            total = timed(twenty_jobs)[0]
            rows.append(
                ("20 trivial jobs, 4 workers", f"{20 / total:.1f} jobs/s", f"{total:.1f} s total")
            )

            chatty = studio.submit_job("processing", {"script": "chatty.py"})
            studio.wait(chatty.job_id, timeout=120)
            caller = studio.caller()
            size = studio.jobs.logs(caller, chatty.job_id, limit=1).size

            def read_log() -> None:
                offset = 0
                while True:
                    chunk = studio.jobs.logs(
                        caller, chatty.job_id, offset=offset, limit=1024 * 1024
                    )
                    offset = chunk.next_offset
                    if chunk.complete:
                        break

            seconds = timed(read_log)[0]
            rows.append(
                (
                    "tail a job log in 1 MiB chunks",
                    f"{size / seconds / 1e6:.0f} MB/s",
                    f"{size / 1e6:.1f} MB log",
                )
            )

            with studio.store.session() as session:
                for i in range(5000):
                    session.add(
                        JobRow(
                            job_id=uuid.uuid4().hex,
                            name=f"j{i}",
                            kind="processing",
                            owner="bench",
                            parameters={},
                            status="Completed",
                            progress=1.0,
                            progress_message="",
                            job_dir=str(root / "x"),
                            spec={},
                        )
                    )
            listing = timed(lambda: studio.jobs.list(caller, ListJobsQuery(limit=50)), repeat=20)
            rows.append(
                (
                    "list jobs, page of 50 out of 5000+",
                    f"{statistics.median(listing) * 1000:.1f} ms",
                    "median of 20",
                )
            )
            filtered = timed(
                lambda: studio.jobs.list(caller, ListJobsQuery(status=[JobStatus.FAILED])),
                repeat=20,
            )
            rows.append(
                (
                    "list jobs filtered by status",
                    f"{statistics.median(filtered) * 1000:.1f} ms",
                    "median of 20",
                )
            )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows.append(
            ("peak RSS of the engine process", f"{peak:.0f} MiB", "workers are separate processes")
        )

    width = [max(len(r[i]) for r in rows + [("measure", "value", "note")]) for i in range(3)]
    print(f"{'measure':<{width[0]}}  {'value':>{width[1]}}  note")
    print("-" * (sum(width) + 4))
    for name, value, note in rows:
        print(f"{name:<{width[0]}}  {value:>{width[1]}}  {note}")


if __name__ == "__main__":
    main()
