/*
 * A list of jobs for one filter; the Studio model refreshes it.
 */
import { ServerConnection } from '@jupyterlab/services';

import { IJob, listJobs } from '../api/jobs';
import type { IJobFilter, IJobList, IJobPage } from '../tokens';
import { LoadState } from '../utils/load-state';

/** No filter: every job. */
export const NO_FILTER: IJobFilter = { status: '', kind: '', spaceId: '' };

/** Whether a filter selects every job. */
export function isEmptyFilter(filter: IJobFilter): boolean {
  return !filter.status && !filter.kind && !filter.spaceId;
}

/** A stable key of a filter (equal filters, equal keys). */
export function filterKey(filter: IJobFilter): string {
  return JSON.stringify([filter.status, filter.kind, filter.spaceId]);
}

export class JobList implements IJobList {
  constructor(
    filter: IJobFilter,
    private readonly _serverSettings: ServerConnection.ISettings
  ) {
    this.filter = { ...filter };
  }

  readonly filter: IJobFilter;

  get state(): LoadState<IJobPage> {
    return this._state;
  }

  /**
   * Load the newest `limit` jobs. A response older than another request's
   * is ignored.
   *
   * @throws the request's error (after recording it in `state`).
   */
  async refresh(limit: number): Promise<void> {
    const seq = ++this._seq;
    try {
      const response = await listJobs(
        {
          status: this.filter.status,
          kind: this.filter.kind,
          space_id: this.filter.spaceId || null,
          limit
        },
        this._serverSettings
      );
      if (seq === this._seq) {
        this._state = LoadState.ready({
          items: response.items,
          totalCount: response.total_count,
          receivedAt: Date.now()
        });
      }
    } catch (error) {
      if (seq === this._seq) {
        this._state = LoadState.failed(error, this._state);
      }
      throw error;
    }
  }

  /** Put a newer copy of a job in place; `true` when the list has it. */
  replace(job: IJob): boolean {
    const page = LoadState.valueOf(this._state);
    const index = page?.items.findIndex(j => j.job_id === job.job_id) ?? -1;
    if (!page || index === -1) {
      return false;
    }
    const items = [...page.items];
    items[index] = job;
    const next = { ...page, items };
    this._state =
      this._state.status === 'error'
        ? { ...this._state, value: next }
        : LoadState.ready(next);
    return true;
  }

  private _state: LoadState<IJobPage> = LoadState.loading();
  private _seq = 0;
}
