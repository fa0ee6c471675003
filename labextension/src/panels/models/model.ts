/*
 * State of the Models panel: the models the user may see, the versions of
 * the selected model and the selected version. Polls while visible.
 */
import { ISignal, Signal } from '@lumino/signaling';
import type { IRegisterRequest } from '../../tokens';

import {
  createEndpoint,
  ICreateEndpoint,
  IEndpoint
} from '../../api/endpoints';
import {
  IModel,
  IModelVersion,
  IRegisterModel,
  listModels,
  listModelVersions,
  registerModel
} from '../../api/models';
import type { ISpace } from '../../api/spaces';
import { PolledPanelModel } from '../../model/polled-panel-model';
import type { IStudioModel } from '../../tokens';
import { LoadState } from '../../utils/load-state';

/** A model is known by its name and space (two spaces may reuse a name). */
export interface IModelRef {
  name: string;
  spaceId: string | null;
}

/** Values to prefill the Register dialog with (shared with other panels through tokens.ts). */
export type { IRegisterRequest };

export class ModelsModel extends PolledPanelModel {
  constructor(options: ModelsModel.IOptions) {
    super({
      connection: options.studio.connection,
      name: 'jupyter-studio:models',
      interval: options.interval ?? 10_000
    });
    this.studio = options.studio;
    this.studio.changed.connect(this.emit, this);
  }

  /** The shared Studio model (spaces). */
  readonly studio: IStudioModel;

  /** Emitted when another part of the UI asks for the Register dialog. */
  get registerRequested(): ISignal<this, IRegisterRequest> {
    return this._registerRequested;
  }

  /** The models the user may see, by name. */
  get models(): LoadState<IModel[]> {
    return this._models;
  }

  /** Spaces the user may see (names and the Register dialog). */
  get spaces(): ISpace[] {
    return LoadState.valueOf(this.studio.spaces) ?? [];
  }

  /** The selected model, or `null`. */
  get selected(): IModelRef | null {
    return this._selected;
  }

  /** The selected model's description, when listed. */
  get selectedModel(): IModel | null {
    const ref = this._selected;
    if (!ref) {
      return null;
    }
    const models = LoadState.valueOf(this._models) ?? [];
    return (
      models.find(m => m.name === ref.name && m.space_id === ref.spaceId) ??
      null
    );
  }

  /** Versions of the selected model, newest first. */
  get versions(): LoadState<IModelVersion[]> {
    return this._versions;
  }

  /** The selected version number (default: the newest). */
  get selectedVersion(): IModelVersion | null {
    const versions = LoadState.valueOf(this._versions) ?? [];
    if (!versions.length) {
      return null;
    }
    return (
      versions.find(v => v.version === this._version) ??
      (this._version === null ? versions[0] : null)
    );
  }

  setVisible(visible: boolean): void {
    if (visible && !this._spacesAsked) {
      this._spacesAsked = true;
      void this.studio.refreshSpaces().catch(() => undefined);
    }
    super.setVisible(visible);
  }

  /** Reload everything now. */
  async refresh(): Promise<void> {
    void this.studio.refreshSpaces().catch(() => undefined);
    await super.refresh();
  }

  /** Select a model (and optionally a version), or clear the selection. */
  select(ref: IModelRef | null, version: number | null = null): void {
    const same =
      ref?.name === this._selected?.name &&
      ref?.spaceId === this._selected?.spaceId;
    this._version = version;
    if (same) {
      this.emit();
      return;
    }
    this._selected = ref ? { ...ref } : null;
    this._versions = LoadState.loading();
    this.emit();
    if (ref) {
      void this._loadVersions().catch(() => undefined);
    }
  }

  /** Select a version of the selected model. */
  selectVersion(version: number): void {
    this._version = version;
    this.emit();
  }

  /**
   * Select a model by name once it is listed (e.g. from a command), with
   * its space when known.
   */
  async reveal(
    name: string,
    spaceId?: string | null,
    version?: number
  ): Promise<void> {
    await this.refresh();
    const models = LoadState.valueOf(this._models) ?? [];
    const model =
      models.find(
        m =>
          m.name === name && (spaceId === undefined || m.space_id === spaceId)
      ) ?? null;
    this.select(
      model
        ? { name: model.name, spaceId: model.space_id }
        : { name, spaceId: spaceId ?? null },
      version ?? null
    );
  }

  /** Register a model folder; the new version is selected. */
  async register(body: IRegisterModel): Promise<IModelVersion> {
    const version = await registerModel(body, this.serverSettings);
    await this.poller.refresh().catch(() => undefined);
    this._selected = null;
    this.select(
      { name: version.model_name, spaceId: version.space_id },
      version.version
    );
    return version;
  }

  /** Deploy a version to a new endpoint. */
  deploy(body: ICreateEndpoint): Promise<IEndpoint> {
    return createEndpoint(body, this.serverSettings);
  }

  /** Ask the view to show the Register dialog (kept until it is shown). */
  requestRegister(request: IRegisterRequest): void {
    this._pendingRegister = request;
    this._registerRequested.emit(request);
  }

  /** The pending Register request, taken by the view that shows it. */
  takeRegisterRequest(): IRegisterRequest | null {
    const request = this._pendingRegister;
    this._pendingRegister = null;
    return request;
  }

  dispose(): void {
    if (!this.isDisposed) {
      this.studio.changed.disconnect(this.emit, this);
    }
    super.dispose();
  }

  protected async tick(): Promise<void> {
    const seq = ++this._seq;
    try {
      const response = await listModels({ limit: 500 }, this.serverSettings);
      if (seq === this._seq) {
        this._models = LoadState.ready(response.items);
      }
    } catch (error) {
      if (seq === this._seq) {
        this._models = LoadState.failed(error, this._models);
        this.emit();
      }
      throw error;
    }
    this.emit();
    if (this._selected) {
      await this._loadVersions();
    }
  }

  private async _loadVersions(): Promise<void> {
    const ref = this._selected;
    if (!ref) {
      return;
    }
    const current = () =>
      this._selected?.name === ref.name &&
      this._selected?.spaceId === ref.spaceId;
    try {
      const versions = await listModelVersions(
        ref.name,
        ref.spaceId,
        this.serverSettings
      );
      if (current()) {
        this._versions = LoadState.ready(versions);
      }
    } catch (error) {
      if (current()) {
        this._versions = LoadState.failed(error, this._versions);
      }
    }
    this.emit();
  }

  private _models: LoadState<IModel[]> = LoadState.loading();
  private _selected: IModelRef | null = null;
  private _versions: LoadState<IModelVersion[]> = LoadState.loading();
  private _version: number | null = null;
  private _pendingRegister: IRegisterRequest | null = null;
  private _spacesAsked = false;
  private _seq = 0;
  private _registerRequested = new Signal<this, IRegisterRequest>(this);
}

export namespace ModelsModel {
  export interface IOptions {
    studio: IStudioModel;
    /** Polling interval in ms (default 10 s). */
    interval?: number;
  }
}
