/*
 * State of the Jobs panel: the filtered job list, the selection and its
 * details, kept fresh by a `Poll` while the panel is visible.
 */
import { ServerConnection } from '@jupyterlab/services';
import { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import {
  createJob,
  getJob,
  IArtifact,
  ICreateJob,
  IJob,
  isTerminal,
  JobStatus,
  listArtifacts,
  listJobs,
  stopJob,
  retryJob
} from '../../api/jobs';
import { errorMessage } from '../../api/request';
import { ISpace, listSpaces } from '../../api/spaces';
import { LogTailModel } from '../../components/log-tail';

export class JobsModel implements IDisposable {
  constructor(options: JobsModel.IOptions) {
    this.serverSettings = options.serverSettings;
    this.jobKinds = options.jobKinds ?? ['processing'];
    this._limit = options.limit ?? 100;
    this._getActiveSpaceId = options.activeSpaceId ?? (() => null);
    this._spacesEvery = options.spacesEvery ?? 5;
    this._poll = new Poll({
      auto: false,
      factory: () => this._tick(),
      frequency: {
        interval: options.interval ?? 1500,
        backoff: true,
        max: 30_000
      },
      name: 'jupyter-studio:jobs',
      standby: () => !this._visible || 'when-hidden'
    });
  }

  readonly serverSettings: ServerConnection.ISettings;
  /** Job kinds offered in the kind filter. */
  readonly jobKinds: string[];

  /** The jobs matching the filters, newest first. */
  get jobs(): IJob[] {
    return this._jobs;
  }

  /** Total number of matching jobs on the server. */
  get totalCount(): number {
    return this._total;
  }

  /** `Date.now()` when the list was received (for live elapsed times). */
  get receivedAt(): number {
    return this._receivedAt;
  }

  /** Whether the first list was received. */
  get loaded(): boolean {
    return this._loaded;
  }

  /** Last error while refreshing, or `null`. */
  get error(): string | null {
    return this._error;
  }

  get statusFilter(): JobStatus | '' {
    return this._statusFilter;
  }

  set statusFilter(value: JobStatus | '') {
    if (value !== this._statusFilter) {
      this._statusFilter = value;
      this._loaded = false;
      this._emit();
      void this.refresh();
    }
  }

  /** Only jobs of this space (`''` for all jobs). */
  get spaceFilter(): string {
    return this._spaceFilter;
  }

  set spaceFilter(value: string) {
    if (value !== this._spaceFilter) {
      this._spaceFilter = value;
      this._loaded = false;
      this._emit();
      void this.refresh();
    }
  }

  /** Spaces the user may see (for the space column, filter and form). */
  get spaces(): ISpace[] {
    return this._spaces;
  }

  /** Whether the spaces were received at least once. */
  get spacesLoaded(): boolean {
    return this._spacesLoaded;
  }

  /** Error while loading the spaces, or `null`. */
  get spacesError(): string | null {
    return this._spacesError;
  }

  /** A visible space by id, or `null`. */
  spaceById(spaceId: string | null | undefined): ISpace | null {
    return spaceId
      ? (this._spaces.find(space => space.space_id === spaceId) ?? null)
      : null;
  }

  /**
   * The active space chosen in the Studio home panel, or `null` when there is
   * none or it is no longer visible. Before the spaces are loaded the id is
   * trusted as is.
   */
  get activeSpaceId(): string | null {
    const id = this._getActiveSpaceId();
    if (!id) {
      return null;
    }
    return !this._spacesLoaded || this.spaceById(id) ? id : null;
  }

  get kindFilter(): string {
    return this._kindFilter;
  }

  set kindFilter(value: string) {
    if (value !== this._kindFilter) {
      this._kindFilter = value;
      this._loaded = false;
      this._emit();
      void this.refresh();
    }
  }

  /** Id of the selected job, or `null`. */
  get selectedId(): string | null {
    return this._selectedId;
  }

  /** The selected job, from the list or fetched on its own. */
  get selected(): IJob | null {
    if (!this._selectedId) {
      return null;
    }
    return (
      this._jobs.find(job => job.job_id === this._selectedId) ??
      (this._selectedJob?.job_id === this._selectedId
        ? this._selectedJob
        : null)
    );
  }

  /** `Date.now()` when the selected job was received. */
  get selectedReceivedAt(): number {
    const inList = this._jobs.some(job => job.job_id === this._selectedId);
    return inList ? this._receivedAt : this._selectedReceivedAt;
  }

  /** Artifacts of the selected job. */
  get artifacts(): IArtifact[] {
    return this._artifacts;
  }

  /** Error while loading the artifacts, or `null`. */
  get artifactsError(): string | null {
    return this._artifactsError;
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
    if (visible) {
      if (this._poll.isDisposed) {
        return;
      }
      void this._poll.start().then(() => this._poll.refresh());
    }
  }

  /** Refresh now. */
  async refresh(): Promise<void> {
    if (this._isDisposed) {
      return;
    }
    await this._tick().catch(() => undefined);
  }

  /** Select a job (or clear the selection). */
  select(jobId: string | null): void {
    if (jobId === this._selectedId) {
      return;
    }
    this._selectedId = jobId;
    this._selectedJob = null;
    this._artifacts = [];
    this._artifactsError = null;
    this._artifactsFor = null;
    this._log?.dispose();
    this._log = jobId
      ? LogTailModel.forJob(jobId, this.serverSettings, {
          standby: () => !this._visible || 'when-hidden'
        })
      : null;
    this._emit();
    if (jobId) {
      void this._refreshSelected(true);
    }
  }

  /** Refresh the list of spaces now (errors are kept in `spacesError`). */
  async refreshSpaces(): Promise<void> {
    if (this._isDisposed) {
      return;
    }
    try {
      const response = await listSpaces(this.serverSettings, { limit: 500 });
      if (this._isDisposed) {
        return;
      }
      this._spaces = response.items;
      this._spacesLoaded = true;
      this._spacesError = null;
    } catch (error) {
      if (this._isDisposed) {
        return;
      }
      this._spacesError = errorMessage(error);
    }
    this._emit();
  }

  /**
   * Ask to show the new-job form, optionally prefilled with a script and a
   * space (`undefined`: the active space). The request is kept until a view
   * takes it, so it also works before the panel is rendered for the first
   * time.
   */
  requestNewJob(script: string | null, spaceId?: string | null): void {
    const request = { script, spaceId };
    this._pendingNewJob = request;
    void this.refreshSpaces();
    this._newJobRequested.emit(request);
  }

  /** Take (and clear) the pending new-job request, if any. */
  takeNewJobRequest(): JobsModel.INewJobRequest | null {
    const pending = this._pendingNewJob;
    this._pendingNewJob = null;
    return pending;
  }

  /** Create a job, select it and refresh. */
  async create(body: ICreateJob): Promise<IJob> {
    const job = await createJob(body, this.serverSettings);
    this._selectedJob = job;
    this._selectedReceivedAt = Date.now();
    // Make sure the new job is visible whatever the filters were.
    this._statusFilter = '';
    this._kindFilter = '';
    this._spaceFilter = '';
    this.select(job.job_id);
    this._selectedJob = job;
    await this.refresh();
    return job;
  }

  /** Run an ended job again; the new job is selected. */
  async retry(jobId: string): Promise<IJob> {
    const job = await retryJob(jobId, this.serverSettings);
    this._statusFilter = '';
    this.select(job.job_id);
    this._selectedJob = job;
    this._selectedReceivedAt = Date.now();
    await this.refresh();
    return job;
  }

  /** Ask a job to stop. */
  async stop(jobId: string): Promise<IJob> {
    const job = await stopJob(jobId, this.serverSettings);
    this._replace(job);
    this._emit();
    void this.refresh();
    return job;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._poll.dispose();
    this._log?.dispose();
    this._log = null;
    Signal.clearData(this);
  }

  private _replace(job: IJob): void {
    const index = this._jobs.findIndex(j => j.job_id === job.job_id);
    if (index !== -1) {
      this._jobs = [...this._jobs];
      this._jobs[index] = job;
    }
    if (this._selectedJob?.job_id === job.job_id) {
      this._selectedJob = job;
    }
  }

  private async _tick(): Promise<void> {
    if (this._isDisposed) {
      return;
    }
    if (!this._spacesLoaded || this._ticks % this._spacesEvery === 0) {
      // Space names are only labels: a failure must not hide the jobs.
      void this.refreshSpaces();
    }
    this._ticks++;
    try {
      const response = await listJobs(
        {
          status: this._statusFilter,
          kind: this._kindFilter,
          space_id: this._spaceFilter || null,
          limit: this._limit
        },
        this.serverSettings
      );
      if (this._isDisposed) {
        return;
      }
      this._jobs = response.items;
      this._total = response.total_count;
      this._receivedAt = Date.now();
      this._loaded = true;
      this._error = null;
    } catch (error) {
      if (this._isDisposed) {
        return;
      }
      this._error = errorMessage(error);
      this._emit();
      throw error;
    }
    await this._refreshSelected(false);
    this._emit();
  }

  /** Refresh the selected job (when filtered out of the list) and its artifacts. */
  private async _refreshSelected(emit: boolean): Promise<void> {
    const jobId = this._selectedId;
    if (!jobId) {
      return;
    }
    try {
      let job = this._jobs.find(j => j.job_id === jobId) ?? null;
      if (!job) {
        job = await getJob(jobId, this.serverSettings);
        if (jobId !== this._selectedId) {
          return;
        }
        this._selectedJob = job;
        this._selectedReceivedAt = Date.now();
      }
      // Artifacts change while a job runs; once it is over, read them once more.
      const key = `${job.job_id}:${job.status}`;
      if (!isTerminal(job.status) || this._artifactsFor !== key) {
        const artifacts = await listArtifacts(jobId, this.serverSettings);
        if (jobId !== this._selectedId) {
          return;
        }
        this._artifacts = artifacts.items;
        this._artifactsError = null;
        this._artifactsFor = key;
      }
    } catch (error) {
      if (jobId === this._selectedId) {
        this._artifactsError = errorMessage(error);
      }
    }
    if (emit) {
      this._emit();
    }
  }

  private _emit(): void {
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  private _poll: Poll;
  private _limit: number;
  private _visible = false;
  private _jobs: IJob[] = [];
  private _total = 0;
  private _receivedAt = Date.now();
  private _loaded = false;
  private _error: string | null = null;
  private _statusFilter: JobStatus | '' = '';
  private _kindFilter = '';
  private _spaceFilter = '';
  private _spaces: ISpace[] = [];
  private _spacesLoaded = false;
  private _spacesError: string | null = null;
  private _spacesEvery: number;
  private _ticks = 0;
  private _getActiveSpaceId: () => string | null;
  private _selectedId: string | null = null;
  private _selectedJob: IJob | null = null;
  private _selectedReceivedAt = Date.now();
  private _artifacts: IArtifact[] = [];
  private _artifactsError: string | null = null;
  private _artifactsFor: string | null = null;
  private _log: LogTailModel | null = null;
  private _pendingNewJob: JobsModel.INewJobRequest | null = null;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
  private _newJobRequested = new Signal<this, JobsModel.INewJobRequest>(this);
}

export namespace JobsModel {
  export interface IOptions {
    serverSettings: ServerConnection.ISettings;
    jobKinds?: string[];
    /** Polling interval in ms (default 1500). */
    interval?: number;
    /** Most jobs listed (default 100). */
    limit?: number;
    /** The active space of the Studio home panel (default: none). */
    activeSpaceId?: () => string | null;
    /** Refresh the spaces every N polls (default 5). */
    spacesEvery?: number;
  }

  /** A request to show the new-job form. */
  export interface INewJobRequest {
    /** Prefill the script path (`null`: the file browser's selection). */
    script: string | null;
    /** Preselect this space (`null`: none, `undefined`: the active space). */
    spaceId?: string | null;
  }
}
