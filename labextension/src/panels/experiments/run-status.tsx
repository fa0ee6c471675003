import React from 'react';

/** AutoML's own status of a candidate run that did not complete (tag `automl.status`). */
const AUTOML_STATUS_TAG = 'automl.status';
const AUTOML_REASON_TAG = 'automl.failure_reason';
const AUTOML_NOT_FAILED = new Set(['skipped', 'pruned', 'partial']);

/** MLflow's run status (`FINISHED`) for people (`Finished`). */
export function runStatusLabel(status: string): string {
  return status.charAt(0) + status.slice(1).toLowerCase();
}

/**
 * What a run's pill says: MLflow's status, except for an AutoML candidate that was
 * skipped, pruned or cut short, which MLflow can only call KILLED.
 */
export function runStatusText(
  status: string,
  tags: Record<string, string> = {}
): { label: string; title: string; reason?: string } {
  const automl = tags[AUTOML_STATUS_TAG];
  if (status === 'KILLED' && automl && AUTOML_NOT_FAILED.has(automl)) {
    const reason = tags[AUTOML_REASON_TAG];
    return {
      label: runStatusLabel(automl.toUpperCase()),
      title: reason ? `${automl}: ${reason}` : automl,
      reason
    };
  }
  return { label: runStatusLabel(status), title: status };
}

/** A coloured pill showing a run's status, and beside it why a candidate was skipped. */
export function RunStatusBadge(props: {
  status: string;
  tags?: Record<string, string>;
}): JSX.Element {
  const { status, tags } = props;
  const { label, title, reason } = runStatusText(status, tags);
  const pill = (
    <span
      className={`jp-studio-StatusBadge jp-studio-RunStatus-${status}`}
      data-status={status}
      title={title}
    >
      <span className="jp-studio-StatusBadge-dot" aria-hidden="true" />
      {label}
    </span>
  );
  if (!reason) {
    return pill;
  }
  // the reason is shown, not only a tooltip: people read it without hovering
  return (
    <>
      {pill}
      <div className="jp-studio-RunStatus-reason">{reason}</div>
    </>
  );
}
