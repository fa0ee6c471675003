import React from 'react';

import { statusLabel } from '../utils/format';

/**
 * A coloured pill showing a job status.
 */
export function StatusBadge(props: {
  status: string;
  title?: string | null;
}): JSX.Element {
  const { status } = props;
  return (
    <span
      className={`jp-studio-StatusBadge jp-studio-StatusBadge-${status}`}
      data-status={status}
      title={props.title ?? statusLabel(status)}
    >
      <span className="jp-studio-StatusBadge-dot" aria-hidden="true" />
      {statusLabel(status)}
    </span>
  );
}
