/*
 * State of the Studio home side panel: recent jobs and spaces from the
 * shared Studio model, and (for domain administrators) the user profiles.
 */
import { ISignal, Signal } from '@lumino/signaling';

import type { IJob } from '../../api/jobs';
import {
  createProfile,
  ICreateProfile,
  IProfile,
  IUpdateProfile,
  listProfiles,
  updateProfile
} from '../../api/profiles';
import type { ICreateSpace, ISpace } from '../../api/spaces';
import type { IVisibilityAwareModel } from '../../components/visibility-widget';
import type { IJobPage, IStudioConnection, IStudioModel } from '../../tokens';
import { LoadState } from '../../utils/load-state';
import { Poller } from '../../utils/polling';

export class HomeModel implements IVisibilityAwareModel {
  constructor(options: HomeModel.IOptions) {
    this.studio = options.studio;
    this._jobLimit = options.jobLimit ?? 8;
    this.studio.configure('home', {
      interval: options.interval,
      limit: this._jobLimit
    });
    this._profilesPoller = new Poller({
      name: 'jupyter-studio:profiles',
      factory: () => this.refreshProfiles(),
      interval: options.profilesEvery ?? 10_000
    });
    this.studio.changed.connect(this._emit, this);
  }

  /** The shared Studio model. */
  readonly studio: IStudioModel;

  get connection(): IStudioConnection {
    return this.studio.connection;
  }

  get username(): string {
    return this.connection.info?.user.username ?? '';
  }

  /** Whether the user is a domain administrator (from the handshake). */
  get isAdmin(): boolean {
    return this.connection.info?.user.is_admin ?? false;
  }

  /** The most recent jobs (at most `jobLimit` of them). */
  get jobs(): LoadState<IJobPage> {
    const state = this.studio.jobs.state;
    const page = LoadState.valueOf(state);
    if (!page || page.items.length <= this._jobLimit) {
      return state;
    }
    const recent = { ...page, items: page.items.slice(0, this._jobLimit) };
    return state.status === 'error'
      ? { ...state, value: recent }
      : LoadState.ready(recent);
  }

  /** Spaces the user may see. */
  get spaces(): LoadState<ISpace[]> {
    return this.studio.spaces;
  }

  /** The active space, if it is still visible to the user. */
  get activeSpace(): ISpace | null {
    return this.studio.activeSpace;
  }

  /** Every user profile of the domain, by username (administrators only). */
  get profiles(): LoadState<IProfile[]> {
    return this._profiles;
  }

  /** Whether the "User profiles" section is expanded (its list is then polled). */
  get profilesExpanded(): boolean {
    return this._profilesExpanded;
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
    this.studio.configure('home', {
      interval: options.interval,
      limit: options.jobLimit
    });
    this._emit();
  }

  setVisible(visible: boolean): void {
    this._visible = visible;
    this.studio.setVisible(this, visible);
    this._updateProfilesPolling();
  }

  /** Refresh jobs and spaces (and the profiles, for admins) now. */
  async refresh(): Promise<void> {
    const tasks = [this.studio.refresh()];
    if (this._wantsProfiles) {
      tasks.push(this.refreshProfiles());
    }
    await Promise.all(tasks);
  }

  /** Expand or collapse the "User profiles" section; expanding reloads it. */
  setProfilesExpanded(expanded: boolean): void {
    if (expanded === this._profilesExpanded) {
      return;
    }
    this._profilesExpanded = expanded;
    this._updateProfilesPolling();
    this._emit();
  }

  async refreshProfiles(): Promise<void> {
    try {
      const response = await listProfiles(this.connection.serverSettings);
      const sorted = [...response.items].sort((a, b) =>
        a.username.localeCompare(b.username)
      );
      this._profiles = LoadState.ready(sorted);
    } catch (error) {
      this._profiles = LoadState.failed(error, this._profiles);
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
    const profiles = LoadState.valueOf(this._profiles);
    if (profiles) {
      this._profiles = LoadState.ready(
        profiles.map(p => (p.username === profile.username ? profile : p))
      );
      this._emit();
    }
    await this.refreshProfiles().catch(() => undefined);
    return profile;
  }

  stopJob(jobId: string): Promise<IJob> {
    return this.studio.stopJob(jobId);
  }

  createSpace(body: ICreateSpace): Promise<ISpace> {
    return this.studio.createSpace(body);
  }

  renameSpace(spaceId: string, name: string): Promise<ISpace> {
    return this.studio.renameSpace(spaceId, name);
  }

  deleteSpace(spaceId: string): Promise<void> {
    return this.studio.deleteSpace(spaceId);
  }

  addMember(spaceId: string, username: string): Promise<ISpace> {
    return this.studio.addMember(spaceId, username);
  }

  removeMember(spaceId: string, username: string): Promise<void> {
    return this.studio.removeMember(spaceId, username);
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.studio.setVisible(this, false);
    this._profilesPoller.dispose();
    this.studio.changed.disconnect(this._emit, this);
    Signal.clearData(this);
  }

  /** Whether the profiles are shown, so worth loading. */
  private get _wantsProfiles(): boolean {
    return this.isAdmin && this._profilesExpanded;
  }

  /** Poll the profiles while they can be seen (each showing reloads them). */
  private _updateProfilesPolling(): void {
    this._profilesPoller.setVisible(this, this._visible && this._wantsProfiles);
  }

  private _emit(): void {
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  private _profilesPoller: Poller;
  private _visible = false;
  private _jobLimit: number;
  private _profiles: LoadState<IProfile[]> = LoadState.loading();
  private _profilesExpanded = true;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
}

export namespace HomeModel {
  export interface IOptions {
    /** The shared Studio model. */
    studio: IStudioModel;
    /** Polling interval in ms (default: the Studio model's). */
    interval?: number;
    /** Number of recent jobs shown (default 8). */
    jobLimit?: number;
    /** Refresh the user profiles (admins) every N ms (default 10 s). */
    profilesEvery?: number;
  }
}
