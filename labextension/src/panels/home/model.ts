/*
 * State of the Studio home side panel: recent jobs and spaces, polled while
 * the panel is visible, and (for domain administrators) the user profiles.
 */
import { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import { IJob, listJobs, stopJob } from '../../api/jobs';
import {
  createProfile,
  ICreateProfile,
  IProfile,
  IUpdateProfile,
  listProfiles,
  updateProfile
} from '../../api/profiles';
import { errorMessage } from '../../api/request';
import {
  addSpaceMember,
  createSpace,
  deleteSpace,
  ICreateSpace,
  ISpace,
  listSpaces,
  removeSpaceMember,
  updateSpace
} from '../../api/spaces';
import { IStudioConnection } from '../../tokens';

export class HomeModel implements IDisposable {
  constructor(options: HomeModel.IOptions) {
    this.connection = options.connection;
    this._jobLimit = options.jobLimit ?? 8;
    this._spacesEvery = options.spacesEvery ?? 3;
    this._profilesEvery = options.profilesEvery ?? 10_000;
    this._poll = new Poll({
      auto: false,
      factory: () => this._tick(),
      frequency: {
        interval: options.interval ?? 2000,
        backoff: true,
        max: 30_000
      },
      name: 'jupyter-studio:home',
      standby: () => !this._visible || 'when-hidden'
    });
    this.connection.activeSpaceChanged.connect(this._emit, this);
  }

  readonly connection: IStudioConnection;

  get username(): string {
    return this.connection.info?.user.username ?? '';
  }

  /** Whether the user is a domain administrator (from the handshake). */
  get isAdmin(): boolean {
    return this.connection.info?.user.is_admin ?? false;
  }

  /** The most recent jobs. */
  get jobs(): IJob[] {
    return this._jobs;
  }

  get jobsReceivedAt(): number {
    return this._jobsReceivedAt;
  }

  get jobsLoaded(): boolean {
    return this._jobsLoaded;
  }

  get jobsError(): string | null {
    return this._jobsError;
  }

  /** Spaces the user may see. */
  get spaces(): ISpace[] {
    return this._spaces;
  }

  get spacesLoaded(): boolean {
    return this._spacesLoaded;
  }

  get spacesError(): string | null {
    return this._spacesError;
  }

  /** The active space, if it is still visible to the user. */
  get activeSpace(): ISpace | null {
    const id = this.connection.activeSpaceId;
    return this._spaces.find(space => space.space_id === id) ?? null;
  }

  /** Every user profile of the domain, by username (administrators only). */
  get profiles(): IProfile[] {
    return this._profiles;
  }

  get profilesLoaded(): boolean {
    return this._profilesLoaded;
  }

  get profilesError(): string | null {
    return this._profilesError;
  }

  /** Whether the "Users" section is expanded (its list is then polled). */
  get usersExpanded(): boolean {
    return this._usersExpanded;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Change the polling interval and the number of jobs listed. */
  configure(options: { interval?: number; jobLimit?: number }): void {
    if (options.jobLimit) {
      this._jobLimit = options.jobLimit;
    }
    if (options.interval) {
      this._poll.frequency = {
        ...this._poll.frequency,
        interval: options.interval
      };
    }
    void this._poll.refresh();
  }

  setVisible(visible: boolean): void {
    this._visible = visible;
    if (visible) {
      // Reload the profiles whenever the panel is shown again.
      this._profilesAt = 0;
    }
    if (visible && !this._poll.isDisposed) {
      void this._poll.start().then(() => this._poll.refresh());
    }
  }

  /** Refresh jobs and spaces (and the profiles, for admins) now. */
  async refresh(): Promise<void> {
    const tasks = [this.refreshJobs(), this.refreshSpaces()];
    if (this._wantsProfiles) {
      tasks.push(this.refreshProfiles());
    }
    await Promise.all(tasks);
  }

  /** Expand or collapse the "Users" section; expanding reloads the list. */
  setUsersExpanded(expanded: boolean): void {
    if (expanded === this._usersExpanded) {
      return;
    }
    this._usersExpanded = expanded;
    this._emit();
    if (expanded && this.isAdmin) {
      void this.refreshProfiles().catch(() => undefined);
    }
  }

  async refreshJobs(): Promise<void> {
    try {
      const response = await listJobs(
        { limit: this._jobLimit },
        this.connection.serverSettings
      );
      this._jobs = response.items;
      this._jobsReceivedAt = Date.now();
      this._jobsLoaded = true;
      this._jobsError = null;
    } catch (error) {
      this._jobsError = errorMessage(error);
      this._emit();
      throw error;
    }
    this._emit();
  }

  async refreshSpaces(): Promise<void> {
    try {
      const response = await listSpaces(this.connection.serverSettings, {
        limit: 500
      });
      this._spaces = response.items;
      this._spacesLoaded = true;
      this._spacesError = null;
    } catch (error) {
      this._spacesError = errorMessage(error);
      this._emit();
      throw error;
    }
    this._emit();
  }

  async refreshProfiles(): Promise<void> {
    this._profilesAt = Date.now();
    try {
      const response = await listProfiles(this.connection.serverSettings);
      this._profiles = [...response.items].sort((a, b) =>
        a.username.localeCompare(b.username)
      );
      this._profilesLoaded = true;
      this._profilesError = null;
    } catch (error) {
      this._profilesError = errorMessage(error);
      this._emit();
      throw error;
    }
    this._emit();
  }

  /** Create a user profile (admins), then reload the list. */
  async createProfile(body: ICreateProfile): Promise<IProfile> {
    const profile = await createProfile(body, this.connection.serverSettings);
    await this.refreshProfiles().catch(() => undefined);
    return profile;
  }

  /** Change a user profile (admins), then reload the list. */
  async updateProfile(
    username: string,
    body: IUpdateProfile
  ): Promise<IProfile> {
    const profile = await updateProfile(
      username,
      body,
      this.connection.serverSettings
    );
    this._profiles = this._profiles.map(p =>
      p.username === profile.username ? profile : p
    );
    this._emit();
    await this.refreshProfiles().catch(() => undefined);
    return profile;
  }

  async stopJob(jobId: string): Promise<IJob> {
    const job = await stopJob(jobId, this.connection.serverSettings);
    this._jobs = this._jobs.map(j => (j.job_id === job.job_id ? job : j));
    this._emit();
    void this.refreshJobs().catch(() => undefined);
    return job;
  }

  async createSpace(body: ICreateSpace): Promise<ISpace> {
    const space = await createSpace(body, this.connection.serverSettings);
    await this.refreshSpaces().catch(() => undefined);
    return space;
  }

  async renameSpace(spaceId: string, name: string): Promise<ISpace> {
    const space = await updateSpace(
      spaceId,
      { name },
      this.connection.serverSettings
    );
    this._replaceSpace(space);
    void this.refreshSpaces().catch(() => undefined);
    return space;
  }

  async deleteSpace(spaceId: string): Promise<void> {
    await deleteSpace(spaceId, this.connection.serverSettings);
    this._spaces = this._spaces.filter(s => s.space_id !== spaceId);
    if (this.connection.activeSpaceId === spaceId) {
      this.connection.setActiveSpace(null);
    }
    this._emit();
    void this.refreshSpaces().catch(() => undefined);
  }

  async addMember(spaceId: string, username: string): Promise<ISpace> {
    const space = await addSpaceMember(
      spaceId,
      username,
      this.connection.serverSettings
    );
    this._replaceSpace(space);
    return space;
  }

  async removeMember(spaceId: string, username: string): Promise<void> {
    await removeSpaceMember(spaceId, username, this.connection.serverSettings);
    this._spaces = this._spaces.map(s =>
      s.space_id === spaceId
        ? { ...s, members: s.members.filter(m => m !== username) }
        : s
    );
    this._emit();
    void this.refreshSpaces().catch(() => undefined);
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._poll.dispose();
    this.connection.activeSpaceChanged.disconnect(this._emit, this);
    Signal.clearData(this);
  }

  private _replaceSpace(space: ISpace): void {
    this._spaces = this._spaces.map(s =>
      s.space_id === space.space_id ? space : s
    );
    this._emit();
  }

  private async _tick(): Promise<void> {
    if (this._isDisposed) {
      return;
    }
    const tasks = [this.refreshJobs()];
    if (!this._spacesLoaded || this._ticks % this._spacesEvery === 0) {
      tasks.push(this.refreshSpaces());
    }
    if (
      this._wantsProfiles &&
      Date.now() - this._profilesAt >= this._profilesEvery
    ) {
      // Shown inline in the section; must not slow down the jobs polling.
      tasks.push(this.refreshProfiles().catch(() => undefined));
    }
    this._ticks++;
    await Promise.all(tasks);
  }

  /** Whether the profiles are shown, so worth loading. */
  private get _wantsProfiles(): boolean {
    return this.isAdmin && this._usersExpanded;
  }

  private _emit(): void {
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  private _poll: Poll;
  private _visible = false;
  private _ticks = 0;
  private _jobLimit: number;
  private _spacesEvery: number;
  private _jobs: IJob[] = [];
  private _jobsReceivedAt = Date.now();
  private _jobsLoaded = false;
  private _jobsError: string | null = null;
  private _spaces: ISpace[] = [];
  private _spacesLoaded = false;
  private _spacesError: string | null = null;
  private _profilesEvery: number;
  private _profiles: IProfile[] = [];
  private _profilesLoaded = false;
  private _profilesError: string | null = null;
  private _profilesAt = 0;
  private _usersExpanded = true;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
}

export namespace HomeModel {
  export interface IOptions {
    connection: IStudioConnection;
    /** Polling interval in ms (default 2000). */
    interval?: number;
    /** Number of recent jobs shown (default 8). */
    jobLimit?: number;
    /** Refresh spaces every N ticks (default 3). */
    spacesEvery?: number;
    /** Refresh the user profiles (admins) at most every N ms (default 10 s). */
    profilesEvery?: number;
  }
}
