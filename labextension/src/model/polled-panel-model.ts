/*
 * What every polling panel model shares: the connection, a `changed` signal,
 * a poller that runs while a view can see the panel (faster while something
 * changes on its own), and disposal.
 */
import { ServerConnection } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import type { IVisibilityAwareModel } from '../components/visibility-widget';
import type { IStudioConnection } from '../tokens';
import { Poller } from '../utils/polling';

export abstract class PolledPanelModel implements IVisibilityAwareModel {
  constructor(options: PolledPanelModel.IOptions) {
    this.connection = options.connection;
    this._slow = options.interval;
    this._fast = options.fastInterval ?? options.interval;
    this.poller = new Poller({
      name: options.name,
      factory: () => this.tick(),
      interval: this._slow
    });
  }

  readonly connection: IStudioConnection;

  get serverSettings(): ServerConnection.ISettings {
    return this.connection.serverSettings;
  }

  /** Emitted after any change of state. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  setVisible(visible: boolean): void {
    this.poller.setVisible(this, visible);
  }

  /** Poll now (errors are kept in the state, never thrown). */
  async refresh(): Promise<void> {
    await this.poller.refresh().catch(() => undefined);
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.poller.dispose();
    Signal.clearData(this);
  }

  /** One poll: read the server's state. */
  protected abstract tick(): Promise<void>;

  /** Poll at the fast interval (something is changing) or the slow one. */
  protected pollFast(fast: boolean): void {
    this.poller.interval = fast ? this._fast : this._slow;
  }

  protected emit(): void {
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  protected readonly poller: Poller;
  private readonly _fast: number;
  private readonly _slow: number;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
}

export namespace PolledPanelModel {
  export interface IOptions {
    connection: IStudioConnection;
    /** The poll's name (for debugging). */
    name: string;
    /** Polling interval in ms. */
    interval: number;
    /** Polling interval in ms while something changes (default: `interval`). */
    fastInterval?: number;
  }
}
