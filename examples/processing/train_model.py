"""Train a classifier on scikit-learn's bundled iris data and save the model.

Run it as a Studio processing job (Jobs panel, "Run as Studio job" in the file
browser, or `jupyter studio jobs run --follow examples/processing/train_model.py --trees 50`).
Files written to the working folder become the job's artifacts.
"""

import argparse
import json
import pickle
import time

from jupyter_studio.runtime import report_progress

parser = argparse.ArgumentParser()
parser.add_argument("--trees", type=int, default=100)
parser.add_argument("--folds", type=int, default=5)
args = parser.parse_args()

try:
    from sklearn.datasets import load_iris
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import cross_val_score
except ImportError:
    raise SystemExit("This example needs scikit-learn: pip install scikit-learn") from None

report_progress(0.05, "loading data")
X, y = load_iris(return_X_y=True)
scores = []
for fold in range(args.folds):
    model = RandomForestClassifier(n_estimators=args.trees, random_state=fold)
    scores.append(cross_val_score(model, X, y, cv=3).mean())
    report_progress(
        0.1 + 0.8 * (fold + 1) / args.folds, f"fold {fold + 1} of {args.folds}: {scores[-1]:.3f}"
    )
    print(f"fold {fold + 1}: accuracy {scores[-1]:.3f}", flush=True)
    time.sleep(0.2)

model = RandomForestClassifier(n_estimators=args.trees, random_state=0).fit(X, y)
with open("model.pkl", "wb") as handle:
    pickle.dump(model, handle)
with open("metrics.json", "w") as handle:
    json.dump(
        {"accuracy": sum(scores) / len(scores), "folds": args.folds, "trees": args.trees},
        handle,
        indent=2,
    )
report_progress(1.0, "model saved")
print("mean accuracy", round(sum(scores) / len(scores), 3))
