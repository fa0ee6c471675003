import React from 'react';

/** MLflow's run status (`FINISHED`) for people (`Finished`). */
export function runStatusLabel(status: string): string {
  return status.charAt(0) + status.slice(1).toLowerCase();
}

/** A coloured pill showing a run's status. */
export function RunStatusBadge(props: { status: string }): JSX.Element {
  const { status } = props;
  return (
    <span
      className={`jp-studio-StatusBadge jp-studio-RunStatus-${status}`}
      data-status={status}
      title={status}
    >
      <span className="jp-studio-StatusBadge-dot" aria-hidden="true" />
      {runStatusLabel(status)}
    </span>
  );
}
