/*
 * A model that tails a job's log through `GET jobs/{id}/logs?offset=`.
 */
import { ServerConnection } from '@jupyterlab/services';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { getJobLogs, ILogChunk } from '../api/jobs';
import { errorMessage } from '../api/request';
import { appendLog } from '../utils/format';
import { Poller } from '../utils/polling';

/** Reads one chunk of log starting at `offset`. */
export type LogFetcher = (offset: number) => Promise<ILogChunk>;

/**
 * Tails a log: appends every new chunk, and stops polling once the server
 * says the log is `complete` (the job finished and everything was read).
 */
export class LogTailModel implements IDisposable {
  constructor(options: LogTailModel.IOptions) {
    this._fetch = options.fetch;
    this._maxChars = options.maxChars ?? 2_000_000;
    this._poller = new Poller({
      name: 'jupyter-studio:log-tail',
      factory: () => this._tick(),
      interval: options.interval ?? 1000,
      max: 15_000
    });
    if (options.autoStart ?? true) {
      this.setVisible(options.visible ?? true);
    }
  }

  /** Create a tail for the log of one job. */
  static forJob(
    jobId: string,
    serverSettings: ServerConnection.ISettings,
    options: Partial<LogTailModel.IOptions> = {}
  ): LogTailModel {
    return new LogTailModel({
      ...options,
      fetch: offset => getJobLogs(jobId, offset, serverSettings)
    });
  }

  /** The text read so far (possibly without its oldest part). */
  get content(): string {
    return this._content;
  }

  /** Whether the oldest part of the log was dropped to bound memory. */
  get truncated(): boolean {
    return this._truncated;
  }

  /** Whether the whole log has been read and will not grow any more. */
  get complete(): boolean {
    return this._complete;
  }

  /** Whether at least one chunk was received. */
  get loaded(): boolean {
    return this._loaded;
  }

  /** The last error message, cleared by the next successful read. */
  get error(): string | null {
    return this._error;
  }

  /** The byte offset the next read starts from. */
  get offset(): number {
    return this._offset;
  }

  /** Emitted after every change of state. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Tell whether the log can be seen: it is read only while it can (and
   * the browser tab is visible).
   */
  setVisible(visible: boolean): void {
    this._poller.setVisible(this, visible);
  }

  /** Read new content now instead of waiting for the next tick. */
  async refresh(): Promise<void> {
    if (this._complete || this._isDisposed) {
      return;
    }
    await this._poller.refresh();
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._poller.dispose();
    Signal.clearData(this);
  }

  /** One poll tick: read until caught up (bounded), then maybe stop. */
  private async _tick(): Promise<void> {
    if (this._isDisposed || this._complete) {
      return;
    }
    let chunk: ILogChunk;
    try {
      // Read several chunks in one tick when far behind, but bounded so a
      // huge log cannot block the UI.
      for (let i = 0; i < 20; i++) {
        chunk = await this._fetch(this._offset);
        if (this._isDisposed) {
          return;
        }
        this._loaded = true;
        this._error = null;
        if (chunk.content) {
          const next = appendLog(this._content, chunk.content, this._maxChars);
          this._content = next.text;
          this._truncated = this._truncated || next.truncated;
        }
        this._offset = Math.max(this._offset, chunk.next_offset);
        this._complete = chunk.complete;
        if (
          chunk.complete ||
          chunk.next_offset >= chunk.size ||
          !chunk.content
        ) {
          break;
        }
      }
    } catch (error) {
      if (this._isDisposed) {
        return;
      }
      this._error = errorMessage(error);
      this._changed.emit();
      throw error; // lets the poll back off
    }
    this._changed.emit();
    if (this._complete) {
      // Nothing more will come: stop polling for good.
      this._poller.stop();
    }
  }

  private _fetch: LogFetcher;
  private _maxChars: number;
  private _poller: Poller;
  private _content = '';
  private _offset = 0;
  private _truncated = false;
  private _complete = false;
  private _loaded = false;
  private _error: string | null = null;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
}

export namespace LogTailModel {
  export interface IOptions {
    /** Reads one chunk of log from an offset. */
    fetch: LogFetcher;
    /** Polling interval in ms (default 1000). */
    interval?: number;
    /** Most characters kept in memory (default 2,000,000). */
    maxChars?: number;
    /** Start polling right away (default true); otherwise only `refresh()` reads. */
    autoStart?: boolean;
    /** Whether the log can be seen at the start (default true); see `setVisible`. */
    visible?: boolean;
  }
}
