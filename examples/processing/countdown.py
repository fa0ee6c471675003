"""A dependency-free job to try Studio: reports progress, logs, and writes artifacts.

jupyter studio jobs run --follow examples/processing/countdown.py --steps 10
"""

import argparse
import json
import time

from jupyter_studio.runtime import output_dir, report_progress

parser = argparse.ArgumentParser()
parser.add_argument("--steps", type=int, default=10)
parser.add_argument("--delay", type=float, default=0.5, help="seconds per step")
args = parser.parse_args()

squares = []
for step in range(1, args.steps + 1):
    squares.append(step * step)
    print(f"step {step}/{args.steps}: {step}² = {step * step}", flush=True)
    report_progress(step / args.steps, f"step {step} of {args.steps}")
    time.sleep(args.delay)

summary = {"steps": args.steps, "sum_of_squares": sum(squares)}
(output_dir() / "summary.json").write_text(json.dumps(summary, indent=2))
print("wrote summary.json:", summary)
