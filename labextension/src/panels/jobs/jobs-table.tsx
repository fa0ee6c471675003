import React from 'react';

import type { IJob, IJobKind } from '../../api/jobs';
import type { ISpace } from '../../api/spaces';
import { ElapsedTime } from '../../components/elapsed-time';
import { ProgressBar } from '../../components/progress-bar';
import { StatusBadge } from '../../components/status-badge';
import {
  displayProgress,
  formatTimestamp,
  progressLine
} from '../../utils/format';
import { spaceDisplayName } from '../../utils/spaces';

/**
 * The table of jobs; a click (or Enter) selects a row.
 */
export function JobsTable(props: {
  jobs: IJob[];
  /** Visible spaces, to name each job's space. */
  spaces: ISpace[];
  /** Job kinds, to show each job's kind by its title. */
  kinds: IJobKind[];
  receivedAt: number;
  selectedId: string | null;
  onSelect: (jobId: string) => void;
}): JSX.Element {
  const { jobs, spaces, kinds, receivedAt, selectedId, onSelect } = props;
  const kindTitle = (name: string) =>
    kinds.find(kind => kind.name === name)?.title || name;
  return (
    <table className="jp-studio-JobsTable" data-testid="studio-jobs-table">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Kind</th>
          <th scope="col">Space</th>
          <th scope="col">Status</th>
          <th scope="col">Owner</th>
          <th scope="col">Started</th>
          <th scope="col">Elapsed</th>
          <th scope="col" className="jp-studio-JobsTable-progressCol">
            Progress
          </th>
        </tr>
      </thead>
      <tbody>
        {jobs.map(job => {
          const selected = job.job_id === selectedId;
          return (
            <tr
              key={job.job_id}
              data-testid="studio-job-row"
              data-job-id={job.job_id}
              data-status={job.status}
              className={`jp-studio-JobsTable-row${selected ? ' jp-mod-selected' : ''}`}
              aria-selected={selected}
              tabIndex={0}
              onClick={() => onSelect(job.job_id)}
              onKeyDown={event => {
                if (event.key === 'Enter' || event.key === ' ') {
                  event.preventDefault();
                  onSelect(job.job_id);
                }
              }}
            >
              <td className="jp-studio-JobsTable-name" title={job.name}>
                {job.name}
              </td>
              <td title={job.kind} data-testid="studio-job-kind">
                {kindTitle(job.kind)}
              </td>
              <td
                className={`jp-studio-JobsTable-space${job.space_id ? '' : ' jp-studio-muted'}`}
                data-testid="studio-job-space"
                data-space-id={job.space_id ?? ''}
                title={job.space_id ?? undefined}
              >
                {spaceDisplayName(job.space_id, spaces)}
              </td>
              <td>
                <StatusBadge status={job.status} title={job.status_message} />
              </td>
              <td>{job.owner}</td>
              <td title={job.started_at ?? job.created_at}>
                {formatTimestamp(job.started_at ?? job.created_at)}
              </td>
              <td>
                <ElapsedTime job={job} receivedAt={receivedAt} />
              </td>
              <td className="jp-studio-JobsTable-progressCol">
                <ProgressBar
                  progress={displayProgress(job)}
                  message={progressLine(job).text}
                  error={progressLine(job).error}
                  status={job.status}
                />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
