/*
 * State of the Endpoints panel: the endpoints, their traffic statistics and
 * the selected endpoint. Polls while visible (faster while an endpoint is
 * changing on its own).
 */
import {
  deleteEndpoint,
  IEndpoint,
  IEndpointStats,
  IInvocationRequest,
  IInvocationResult,
  invokeEndpoint,
  IUpdateEndpoint,
  listEndpoints,
  getEndpointStats,
  TRANSIENT_ENDPOINT_STATUSES,
  updateEndpoint
} from '../../api/endpoints';
import {
  getModelVersion,
  IModelVersion,
  listModelVersions
} from '../../api/models';
import { PolledPanelModel } from '../../model/polled-panel-model';
import type { IStudioConnection } from '../../tokens';
import { LoadState } from '../../utils/load-state';

/** Reads a text file of the file browser (through the contents API). */
export type FileReader = (path: string) => Promise<string>;

/** Statuses whose model server answers statistics. */
const SERVING = new Set(['InService', 'Updating']);

export class EndpointsModel extends PolledPanelModel {
  constructor(options: EndpointsModel.IOptions) {
    super({
      connection: options.connection,
      name: 'jupyter-studio:endpoints',
      interval: options.interval ?? 4000,
      fastInterval: options.fastInterval ?? 1500
    });
    this.readFile = options.readFile;
  }

  /** Reads a file of the file browser as text. */
  readonly readFile: FileReader;

  /** The endpoints the user may see. */
  get endpoints(): LoadState<IEndpoint[]> {
    return this._endpoints;
  }

  /** Statistics of an endpoint (`null` while none were asked for). */
  stats(name: string): LoadState<IEndpointStats> | null {
    return this._stats.get(name) ?? null;
  }

  /** Name of the selected endpoint, or `null`. */
  get selectedName(): string | null {
    return this._selected;
  }

  /** The selected endpoint, when listed. */
  get selected(): IEndpoint | null {
    const items = LoadState.valueOf(this._endpoints) ?? [];
    return items.find(e => e.endpoint_name === this._selected) ?? null;
  }

  select(name: string | null): void {
    if (name !== this._selected) {
      this._selected = name;
      this.emit();
    }
  }

  /** Switch an endpoint to another version (or instance count, capture). */
  async update(name: string, body: IUpdateEndpoint): Promise<IEndpoint> {
    const endpoint = await updateEndpoint(name, body, this.serverSettings);
    this._replace(endpoint);
    void this.refresh();
    return endpoint;
  }

  /** Delete an endpoint (its model server stops). */
  async delete(name: string): Promise<void> {
    await deleteEndpoint(name, this.serverSettings);
    const items = LoadState.valueOf(this._endpoints) ?? [];
    this._endpoints = LoadState.ready(
      items.filter(e => e.endpoint_name !== name)
    );
    this._stats.delete(name);
    if (this._selected === name) {
      this._selected = null;
    }
    this.emit();
    void this.refresh();
  }

  /** Send rows to an endpoint's model; refreshes its statistics after. */
  async invoke(
    name: string,
    request: IInvocationRequest
  ): Promise<IInvocationResult> {
    const result = await invokeEndpoint(name, request, this.serverSettings);
    void this._loadStats(name).then(() => this.emit());
    return result;
  }

  /** The versions of an endpoint's model, newest first. */
  versions(endpoint: IEndpoint): Promise<IModelVersion[]> {
    return listModelVersions(
      endpoint.model_name,
      endpoint.space_id,
      this.serverSettings
    );
  }

  /** The model version an endpoint serves (cached: versions do not change). */
  servedVersion(endpoint: IEndpoint): Promise<IModelVersion> {
    const key = JSON.stringify([
      endpoint.model_name,
      endpoint.model_version,
      endpoint.space_id
    ]);
    let version = this._versions.get(key);
    if (!version) {
      version = getModelVersion(
        endpoint.model_name,
        endpoint.model_version,
        endpoint.space_id,
        this.serverSettings
      );
      version.catch(() => this._versions.delete(key));
      this._versions.set(key, version);
    }
    return version;
  }

  protected async tick(): Promise<void> {
    try {
      const items = await listEndpoints(this.serverSettings);
      this._endpoints = LoadState.ready(items);
      const names = new Set(items.map(e => e.endpoint_name));
      for (const name of [...this._stats.keys()]) {
        if (!names.has(name)) {
          this._stats.delete(name);
        }
      }
      await Promise.all(
        items
          .filter(e => SERVING.has(e.status))
          .map(e => this._loadStats(e.endpoint_name))
      );
      this.pollFast(items.some(e => TRANSIENT_ENDPOINT_STATUSES.has(e.status)));
    } catch (error) {
      this._endpoints = LoadState.failed(error, this._endpoints);
      this.emit();
      throw error;
    }
    this.emit();
  }

  private async _loadStats(name: string): Promise<void> {
    const previous = this._stats.get(name);
    try {
      const stats = await getEndpointStats(name, this.serverSettings);
      this._stats.set(name, LoadState.ready(stats));
    } catch (error) {
      this._stats.set(name, LoadState.failed(error, previous));
    }
  }

  private _replace(endpoint: IEndpoint): void {
    const items = LoadState.valueOf(this._endpoints) ?? [];
    this._endpoints = LoadState.ready(
      items.map(e =>
        e.endpoint_name === endpoint.endpoint_name ? endpoint : e
      )
    );
    this.emit();
  }

  private _endpoints: LoadState<IEndpoint[]> = LoadState.loading();
  private _stats = new Map<string, LoadState<IEndpointStats>>();
  private _versions = new Map<string, Promise<IModelVersion>>();
  private _selected: string | null = null;
}

export namespace EndpointsModel {
  export interface IOptions {
    connection: IStudioConnection;
    readFile: FileReader;
    /** Polling interval in ms while endpoints are steady (default 4 s). */
    interval?: number;
    /** Polling interval in ms while one is changing (default 1.5 s). */
    fastInterval?: number;
  }
}
