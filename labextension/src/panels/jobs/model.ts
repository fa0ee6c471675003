/*
 * State of the Jobs panel: its filters, the selected job with its artifacts
 * and log, and the pending "new job" request. The jobs, spaces and kinds
 * come from the shared Studio model.
 */
import { ServerConnection } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import {
  getJob,
  IArtifact,
  ICreateJob,
  IJob,
  IJobKind,
  isTerminal,
  listArtifacts
} from '../../api/jobs';
import type { ISpace } from '../../api/spaces';
import { LogTailModel } from '../../components/log-tail';
import type { IVisibilityAwareModel } from '../../components/visibility-widget';
import type {
  IJobFilter,
  IJobList,
  IJobPage,
  IStudioModel
} from '../../tokens';
import { LoadState } from '../../utils/load-state';

export class JobsModel implements IVisibilityAwareModel {
  constructor(options: JobsModel.IOptions) {
    this.studio = options.studio;
    this._list = this.studio.jobs;
    this.studio.changed.connect(this._emit, this);
    this.studio.refreshed.connect(this._onRefreshed, this);
  }

  /** The shared Studio model. */
  readonly studio: IStudioModel;

  get serverSettings(): ServerConnection.ISettings {
    return this.studio.connection.serverSettings;
  }

  /**
   * Every job kind: from the server, or only their names (from the
   * handshake) until the kinds are loaded.
   */
  get jobKinds(): IJobKind[] {
    const kinds = LoadState.valueOf(this.studio.kinds);
    if (kinds) {
      return kinds;
    }
    return (this.studio.connection.info?.job_kinds ?? []).map(name => ({
      name,
      title: name,
      description: '',
      parameters_schema: {}
    }));
  }

  /** The jobs matching the filters, newest first, or why they are missing. */
  get jobs(): LoadState<IJobPage> {
    return this._list.state;
  }

  get filter(): IJobFilter {
    return this._list.filter;
  }

  /** Change some filters; the list of the new filters loads at once. */
  setFilter(change: Partial<IJobFilter>): void {
    const filter = { ...this._list.filter, ...change };
    if (
      filter.status === this.filter.status &&
      filter.kind === this.filter.kind &&
      filter.spaceId === this.filter.spaceId
    ) {
      return;
    }
    const previous = this._list;
    this._list = this.studio.watchJobs(filter);
    this.studio.unwatchJobs(previous);
    this._emit();
  }

  /** Spaces the user may see (for the space column, filter and form). */
  get spaces(): LoadState<ISpace[]> {
    return this.studio.spaces;
  }

  /** A visible space by id, or `null`. */
  spaceById(spaceId: string | null | undefined): ISpace | null {
    return this.studio.spaceById(spaceId);
  }

  /** Id of the selected job, or `null`. */
  get selectedId(): string | null {
    return this._selectedId;
  }

  /** The selected job, from the list or fetched on its own. */
  get selected(): IJob | null {
    const id = this._selectedId;
    if (!id) {
      return null;
    }
    const items = LoadState.valueOf(this._list.state)?.items ?? [];
    const inList = items.find(job => job.job_id === id);
    if (inList) {
      return inList;
    }
    return this._selectedJob?.job_id === id ? this._selectedJob : null;
  }

  /** `Date.now()` when the selected job was received. */
  get selectedReceivedAt(): number {
    const page = LoadState.valueOf(this._list.state);
    const inList = page?.items.some(job => job.job_id === this._selectedId);
    return page && inList ? page.receivedAt : this._selectedReceivedAt;
  }

  /** Artifacts of the selected job. */
  get artifacts(): LoadState<IArtifact[]> {
    return this._artifacts;
  }

  /** The log tail of the selected job. */
  get log(): LogTailModel | null {
    return this._log;
  }

  /** Emitted after any change of state. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Emitted when another part of the UI asks to show the new-job form. */
  get newJobRequested(): ISignal<this, JobsModel.INewJobRequest> {
    return this._newJobRequested;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Tell the model whether its panel is visible (polling pauses when not). */
  setVisible(visible: boolean): void {
    this._visible = visible;
    this.studio.setVisible(this, visible);
    this._log?.setVisible(visible);
  }

  /** Refresh now. */
  async refresh(): Promise<void> {
    await this.studio.refresh().catch(() => undefined);
  }

  /** Select a job (or clear the selection). */
  select(jobId: string | null): void {
    if (jobId === this._selectedId) {
      return;
    }
    this._selectedId = jobId;
    this._selectedJob = null;
    this._artifacts = LoadState.loading();
    this._artifactsFor = null;
    this._log?.dispose();
    this._log = jobId
      ? LogTailModel.forJob(jobId, this.serverSettings, {
          visible: this._visible
        })
      : null;
    this._emit();
    if (jobId) {
      void this._refreshSelected();
    }
  }

  /**
   * Ask to show the new-job form of a kind, optionally prefilled and in a
   * space (`undefined`: the active space). The request is kept until a view
   * takes it, so it also works before the panel is rendered for the first
   * time.
   */
  requestNewJob(request: JobsModel.INewJobRequest): void {
    this._pendingNewJob = request;
    void this.studio.refreshSpaces().catch(() => undefined);
    this._newJobRequested.emit(request);
  }

  /** Take (and clear) the pending new-job request, if any. */
  takeNewJobRequest(): JobsModel.INewJobRequest | null {
    const pending = this._pendingNewJob;
    this._pendingNewJob = null;
    return pending;
  }

  /**
   * Create a job and select it; every filter is cleared to show it.
   *
   * @param create - how to start it, when not through `POST /jobs` (a
   *   kind's own endpoint).
   */
  async create(
    body: ICreateJob,
    create?: (body: ICreateJob) => Promise<IJob>
  ): Promise<IJob> {
    let job: IJob;
    if (create) {
      job = await create(body);
      void this.refresh();
    } else {
      job = await this.studio.createJob(body);
    }
    this.setFilter({ status: '', kind: '', spaceId: '' });
    this._showNew(job);
    return job;
  }

  /** Run an ended job again; the new job is selected. */
  async retry(jobId: string): Promise<IJob> {
    const job = await this.studio.retryJob(jobId);
    this.setFilter({ status: '' });
    this._showNew(job);
    return job;
  }

  /** Ask a job to stop. */
  async stop(jobId: string): Promise<IJob> {
    const job = await this.studio.stopJob(jobId);
    if (this._selectedJob?.job_id === job.job_id) {
      this._selectedJob = job;
    }
    return job;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.studio.setVisible(this, false);
    this.studio.unwatchJobs(this._list);
    this.studio.changed.disconnect(this._emit, this);
    this.studio.refreshed.disconnect(this._onRefreshed, this);
    this._log?.dispose();
    this._log = null;
    Signal.clearData(this);
  }

  private _showNew(job: IJob): void {
    this.select(job.job_id);
    this._selectedJob = job;
    this._selectedReceivedAt = Date.now();
    this._emit();
  }

  private _onRefreshed(): void {
    if (this._selectedId) {
      void this._refreshSelected();
    }
  }

  /** Refresh the selected job (when not in the list) and its artifacts. */
  private async _refreshSelected(): Promise<void> {
    const jobId = this._selectedId;
    if (!jobId) {
      return;
    }
    try {
      let job = this.selected;
      const inList = LoadState.valueOf(this._list.state)?.items.some(
        j => j.job_id === jobId
      );
      if (!inList) {
        job = await getJob(jobId, this.serverSettings);
        if (jobId !== this._selectedId) {
          return;
        }
        this._selectedJob = job;
        this._selectedReceivedAt = Date.now();
      }
      if (!job) {
        return;
      }
      // Artifacts change while a job runs; once it is over, read them once more.
      const key = `${job.job_id}:${job.status}`;
      if (!isTerminal(job.status) || this._artifactsFor !== key) {
        const artifacts = await listArtifacts(jobId, this.serverSettings);
        if (jobId !== this._selectedId) {
          return;
        }
        this._artifacts = LoadState.ready(artifacts.items);
        this._artifactsFor = key;
      }
    } catch (error) {
      if (jobId !== this._selectedId) {
        return;
      }
      this._artifacts = LoadState.failed(error, this._artifacts);
    }
    this._emit();
  }

  private _emit(): void {
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  private _list: IJobList;
  private _visible = false;
  private _selectedId: string | null = null;
  private _selectedJob: IJob | null = null;
  private _selectedReceivedAt = Date.now();
  private _artifacts: LoadState<IArtifact[]> = LoadState.loading();
  private _artifactsFor: string | null = null;
  private _log: LogTailModel | null = null;
  private _pendingNewJob: JobsModel.INewJobRequest | null = null;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
  private _newJobRequested = new Signal<this, JobsModel.INewJobRequest>(this);
}

export namespace JobsModel {
  export interface IOptions {
    /** The shared Studio model. */
    studio: IStudioModel;
  }

  /** A request to show the new-job form. */
  export interface INewJobRequest {
    /** The job kind (default: `processing`, else the first kind). */
    kind?: string;
    /** One of the kind's registered variants (its "New job" menu entries). */
    variant?: string;
    /** Initial parameters (default: the kind form's own defaults). */
    parameters?: Record<string, unknown>;
    /** Preselect this space (`null`: none, `undefined`: the active space). */
    spaceId?: string | null;
  }
}
