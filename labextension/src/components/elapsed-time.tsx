import React from 'react';

import type { IJob } from '../api/jobs';
import { formatDuration, isTicking, liveElapsedSeconds } from '../utils/format';
import { useNow } from './use-signal';

/**
 * The elapsed time of a job, ticking every second while it runs.
 *
 * @param receivedAt - `Date.now()` when `job` was received from the server.
 */
export function ElapsedTime(props: {
  job: IJob;
  receivedAt: number;
}): JSX.Element {
  const { job, receivedAt } = props;
  const ticking = isTicking(job);
  const now = useNow(ticking);
  const seconds = liveElapsedSeconds(
    job,
    receivedAt,
    ticking ? now : receivedAt
  );
  return (
    <span className="jp-studio-ElapsedTime" data-ticking={ticking}>
      {job.started_at || seconds > 0 ? formatDuration(seconds) : '—'}
    </span>
  );
}
