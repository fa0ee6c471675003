import React from 'react';

import { clampProgress, formatPercent } from '../utils/format';

/**
 * A thin progress bar with its percentage and an optional message.
 */
export function ProgressBar(props: {
  progress: number | null | undefined;
  message?: string | null;
  status?: string;
  /** Show the message in the error colour. */
  error?: boolean;
  compact?: boolean;
}): JSX.Element {
  const value = clampProgress(props.progress);
  const percent = formatPercent(value);
  const classes = ['jp-studio-ProgressBar'];
  if (props.status) {
    classes.push(`jp-studio-ProgressBar-${props.status}`);
  }
  if (props.compact) {
    classes.push('jp-studio-mod-compact');
  }
  return (
    <div className={classes.join(' ')} title={props.message || percent}>
      <div className="jp-studio-ProgressBar-row">
        <div
          className="jp-studio-ProgressBar-track"
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(value * 100)}
          aria-label="Progress"
        >
          <div
            className="jp-studio-ProgressBar-fill"
            style={{ width: `${value * 100}%` }}
          />
        </div>
        <span className="jp-studio-ProgressBar-percent">{percent}</span>
      </div>
      {props.message && !props.compact ? (
        <div
          className={`jp-studio-ProgressBar-message${props.error ? ' jp-mod-error' : ''}`}
        >
          {props.message}
        </div>
      ) : null}
    </div>
  );
}
