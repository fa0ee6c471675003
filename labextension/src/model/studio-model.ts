/*
 * The one model of jobs, spaces and job kinds shared by the Studio panels.
 */
import { ServerConnection } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import {
  createJob,
  ICreateJob,
  IJob,
  IJobKind,
  listJobKinds,
  retryJob,
  stopJob
} from '../api/jobs';
import {
  addSpaceMember,
  createSpace,
  deleteSpace,
  ICreateSpace,
  ISpace,
  listSpaces,
  removeSpaceMember,
  updateSpace
} from '../api/spaces';
import type {
  IJobFilter,
  IJobList,
  IStudioConnection,
  IStudioModel
} from '../tokens';
import { LoadState } from '../utils/load-state';
import { Poller } from '../utils/polling';
import { filterKey, isEmptyFilter, JobList, NO_FILTER } from './job-list';

/**
 * Polls `GET jobs` (one request per watched filter) and, less often,
 * `GET spaces`, while any panel that shows them is visible; loads the job
 * kinds once.
 */
export class StudioModel implements IStudioModel {
  constructor(options: StudioModel.IOptions) {
    this.connection = options.connection;
    this._spacesEvery = options.spacesEvery ?? 3;
    this._defaults = {
      interval: options.interval ?? 1500,
      limit: options.limit ?? 100
    };
    this._jobs = new JobList(NO_FILTER, this._serverSettings);
    this._poller = new Poller({
      name: 'jupyter-studio:jobs',
      factory: () => this._tick(),
      interval: this._defaults.interval
    });
    this.connection.activeSpaceChanged.connect(this._emit, this);
  }

  readonly connection: IStudioConnection;

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get refreshed(): ISignal<this, void> {
    return this._refreshed;
  }

  get jobs(): IJobList {
    return this._jobs;
  }

  get spaces(): LoadState<ISpace[]> {
    return this._spaces;
  }

  get kinds(): LoadState<IJobKind[]> {
    return this._kinds;
  }

  get activeSpace(): ISpace | null {
    return this.spaceById(this.connection.activeSpaceId);
  }

  get activeSpaceId(): string | null {
    const id = this.connection.activeSpaceId;
    if (!id) {
      return null;
    }
    return this._spaces.status === 'loading' || this.spaceById(id) ? id : null;
  }

  /** The number of jobs each list asks for. */
  get limit(): number {
    return this._setting('limit', Math.max);
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  spaceById(spaceId: string | null | undefined): ISpace | null {
    if (!spaceId) {
      return null;
    }
    const spaces = LoadState.valueOf(this._spaces) ?? [];
    return spaces.find(space => space.space_id === spaceId) ?? null;
  }

  kindByName(name: string): IJobKind | null {
    const kinds = LoadState.valueOf(this._kinds) ?? [];
    return kinds.find(kind => kind.name === name) ?? null;
  }

  watchJobs(filter: IJobFilter): IJobList {
    if (isEmptyFilter(filter)) {
      return this._jobs;
    }
    const key = filterKey(filter);
    let watched = this._watched.get(key);
    if (!watched) {
      watched = { list: new JobList(filter, this._serverSettings), count: 0 };
      this._watched.set(key, watched);
      void this._refreshList(watched.list).catch(() => undefined);
    }
    watched.count++;
    return watched.list;
  }

  unwatchJobs(list: IJobList): void {
    const key = filterKey(list.filter);
    const watched = this._watched.get(key);
    if (watched && watched.list === list && --watched.count <= 0) {
      this._watched.delete(key);
    }
  }

  setVisible(viewer: unknown, visible: boolean): void {
    this._poller.setVisible(viewer, visible);
  }

  configure(client: string, options: IStudioModel.IConfig): void {
    const previous = this._configs.get(client) ?? {};
    this._configs.set(client, { ...previous, ...options });
    this._poller.interval = this._setting('interval', Math.min);
  }

  async refresh(): Promise<void> {
    this._forceSpaces = true;
    await this._poller.refresh();
  }

  async refreshSpaces(): Promise<void> {
    try {
      const response = await listSpaces(this._serverSettings, { limit: 500 });
      this._spaces = LoadState.ready(response.items);
    } catch (error) {
      this._spaces = LoadState.failed(error, this._spaces);
      this._emit();
      throw error;
    }
    this._emit();
  }

  /** Load the job kinds (again). */
  async refreshKinds(): Promise<void> {
    try {
      this._kinds = LoadState.ready(await listJobKinds(this._serverSettings));
    } catch (error) {
      this._kinds = LoadState.failed(error, this._kinds);
      this._emit();
      throw error;
    }
    this._emit();
  }

  async createJob(body: ICreateJob): Promise<IJob> {
    const job = await createJob(body, this._serverSettings);
    void this.refresh().catch(() => undefined);
    return job;
  }

  async stopJob(jobId: string): Promise<IJob> {
    const job = await stopJob(jobId, this._serverSettings);
    this._replaceJob(job);
    void this.refresh().catch(() => undefined);
    return job;
  }

  async retryJob(jobId: string): Promise<IJob> {
    const job = await retryJob(jobId, this._serverSettings);
    void this.refresh().catch(() => undefined);
    return job;
  }

  async createSpace(body: ICreateSpace): Promise<ISpace> {
    const space = await createSpace(body, this._serverSettings);
    await this.refreshSpaces().catch(() => undefined);
    return space;
  }

  async renameSpace(spaceId: string, name: string): Promise<ISpace> {
    const space = await updateSpace(spaceId, { name }, this._serverSettings);
    this._updateSpaces(spaces =>
      spaces.map(s => (s.space_id === space.space_id ? space : s))
    );
    void this.refreshSpaces().catch(() => undefined);
    return space;
  }

  async deleteSpace(spaceId: string): Promise<void> {
    await deleteSpace(spaceId, this._serverSettings);
    this._updateSpaces(spaces => spaces.filter(s => s.space_id !== spaceId));
    if (this.connection.activeSpaceId === spaceId) {
      this.connection.setActiveSpace(null);
    }
    void this.refreshSpaces().catch(() => undefined);
  }

  async addMember(spaceId: string, username: string): Promise<ISpace> {
    const space = await addSpaceMember(spaceId, username, this._serverSettings);
    this._updateSpaces(spaces =>
      spaces.map(s => (s.space_id === space.space_id ? space : s))
    );
    return space;
  }

  async removeMember(spaceId: string, username: string): Promise<void> {
    await removeSpaceMember(spaceId, username, this._serverSettings);
    this._updateSpaces(spaces =>
      spaces.map(s =>
        s.space_id === spaceId
          ? { ...s, members: s.members.filter(m => m !== username) }
          : s
      )
    );
    void this.refreshSpaces().catch(() => undefined);
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._poller.dispose();
    this.connection.activeSpaceChanged.disconnect(this._emit, this);
    Signal.clearData(this);
  }

  private get _serverSettings(): ServerConnection.ISettings {
    return this.connection.serverSettings;
  }

  /** One poll tick: every watched job list; spaces every few ticks; kinds until loaded. */
  private async _tick(): Promise<void> {
    if (this._isDisposed) {
      return;
    }
    // Space names and kinds are labels: their failure must not hide the jobs.
    if (
      this._forceSpaces ||
      this._spaces.status !== 'ready' ||
      this._ticks % this._spacesEvery === 0
    ) {
      this._forceSpaces = false;
      void this.refreshSpaces().catch(() => undefined);
    }
    if (this._kinds.status !== 'ready') {
      void this.refreshKinds().catch(() => undefined);
    }
    this._ticks++;
    const lists = [this._jobs, ...[...this._watched.values()].map(w => w.list)];
    const results = await Promise.allSettled(
      lists.map(list => list.refresh(this.limit))
    );
    if (this._isDisposed) {
      return;
    }
    this._emit();
    const failure = results.find(
      (r): r is PromiseRejectedResult => r.status === 'rejected'
    );
    if (failure) {
      throw failure.reason; // lets the poll back off
    }
    this._refreshed.emit();
  }

  private async _refreshList(list: JobList): Promise<void> {
    try {
      await list.refresh(this.limit);
    } finally {
      this._emit();
    }
  }

  private _replaceJob(job: IJob): void {
    this._jobs.replace(job);
    for (const { list } of this._watched.values()) {
      list.replace(job);
    }
    this._emit();
  }

  private _updateSpaces(update: (spaces: ISpace[]) => ISpace[]): void {
    const spaces = LoadState.valueOf(this._spaces);
    if (spaces) {
      this._spaces = LoadState.ready(update(spaces));
      this._emit();
    }
  }

  /** A setting combined over every client (`Math.min` or `Math.max`). */
  private _setting(
    name: keyof IStudioModel.IConfig,
    pick: (...values: number[]) => number
  ): number {
    const values = [...this._configs.values()]
      .map(config => config[name])
      .filter((v): v is number => typeof v === 'number' && v > 0);
    return values.length ? pick(...values) : this._defaults[name];
  }

  private _emit(): void {
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  private _poller: Poller;
  private _jobs: JobList;
  private _watched = new Map<string, { list: JobList; count: number }>();
  private _spaces: LoadState<ISpace[]> = LoadState.loading();
  private _kinds: LoadState<IJobKind[]> = LoadState.loading();
  private _spacesEvery: number;
  private _forceSpaces = false;
  private _ticks = 0;
  private _configs = new Map<string, IStudioModel.IConfig>();
  private _defaults: Required<IStudioModel.IConfig>;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
  private _refreshed = new Signal<this, void>(this);
}

export namespace StudioModel {
  export interface IOptions {
    connection: IStudioConnection;
    /** Polling interval in ms when no client configures one (default 1500). */
    interval?: number;
    /** Most jobs listed when no client configures it (default 100). */
    limit?: number;
    /** Refresh the spaces every N polls (default 3). */
    spacesEvery?: number;
  }
}
