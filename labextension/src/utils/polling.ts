/*
 * The one polling helper of the Studio panels: a `Poll` that runs only while
 * someone can see its data.
 */
import { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';

/**
 * Calls `factory` every `interval` ms (backing off after failures) while at
 * least one viewer is visible and the browser tab is not hidden.
 *
 * Viewers are the widgets or models that show the data: each one reports
 * itself with `setVisible(viewer, true|false)`. The first visible viewer
 * starts the poll with an immediate tick; when the last one hides, the poll
 * stands by. `refresh()` runs the factory now, whatever the visibility, and
 * never overlaps another run: calls made during a run share one more run.
 */
export class Poller implements IDisposable {
  constructor(options: Poller.IOptions) {
    this._factory = options.factory;
    this._needsViewer = options.needsViewer ?? true;
    this._poll = new Poll({
      auto: false,
      factory: () => this.refresh(),
      frequency: {
        interval: options.interval,
        backoff: options.backoff ?? true,
        max: options.max ?? 30_000
      },
      name: options.name,
      standby: () =>
        (this._needsViewer && this._viewers.size === 0) || 'when-hidden'
    });
    if (typeof document !== 'undefined') {
      document.addEventListener('visibilitychange', this._onVisibilityChange);
    }
    if (!this._needsViewer && (options.autoStart ?? true)) {
      this._wake();
    }
  }

  /** The polling interval in ms. */
  get interval(): number {
    return this._poll.frequency.interval;
  }

  set interval(value: number) {
    if (value > 0 && value !== this.interval && !this.isDisposed) {
      this._poll.frequency = { ...this._poll.frequency, interval: value };
    }
  }

  /** Whether a viewer is visible (always true without `needsViewer`). */
  get isActive(): boolean {
    return !this._needsViewer || this._viewers.size > 0;
  }

  /** Whether `stop()` was called. */
  get isStopped(): boolean {
    return this._stopped;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Tell whether `viewer` currently shows the data. Polling runs while at
   * least one viewer is visible.
   */
  setVisible(viewer: unknown, visible: boolean): void {
    if (this._isDisposed) {
      return;
    }
    const wasActive = this.isActive;
    if (visible) {
      this._viewers.add(viewer);
    } else {
      this._viewers.delete(viewer);
    }
    if (visible && !wasActive) {
      this._wake();
    }
  }

  /**
   * Run the factory now (even with no visible viewer) and wait for it.
   *
   * @returns a promise that rejects with the factory's error.
   */
  refresh(): Promise<void> {
    if (this._isDisposed) {
      return Promise.resolve();
    }
    if (this._queued) {
      return this._queued;
    }
    const run = (): Promise<void> => {
      this._queued = null;
      const running = Promise.resolve()
        .then(() => this._factory())
        .then(() => undefined);
      this._running = running;
      const clear = () => {
        if (this._running === running) {
          this._running = null;
        }
      };
      running.then(clear, clear);
      return running;
    };
    if (this._running) {
      this._queued = this._running.then(run, run);
      return this._queued;
    }
    return run();
  }

  /** Stop polling for good (e.g. a log that will not grow any more). */
  stop(): void {
    this._stopped = true;
    if (!this._isDisposed) {
      void this._poll.stop();
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._viewers.clear();
    if (typeof document !== 'undefined') {
      document.removeEventListener(
        'visibilitychange',
        this._onVisibilityChange
      );
    }
    this._poll.dispose();
  }

  /** Start the poll (if needed) with an immediate tick. */
  private _wake(): void {
    if (this._stopped || this._isDisposed) {
      return;
    }
    void this._poll.start().then(() => {
      if (!this._isDisposed && !this._stopped) {
        return this._poll.refresh();
      }
    });
  }

  /** Coming back to the browser tab: tick now rather than at the next interval. */
  private _onVisibilityChange = (): void => {
    if (document.visibilityState === 'visible' && this.isActive) {
      this._wake();
    }
  };

  private _factory: () => Promise<unknown>;
  private _needsViewer: boolean;
  private _poll: Poll;
  private _viewers = new Set<unknown>();
  private _running: Promise<void> | null = null;
  private _queued: Promise<void> | null = null;
  private _stopped = false;
  private _isDisposed = false;
}

export namespace Poller {
  export interface IOptions {
    /** Name of the poll (for debugging), e.g. `jupyter-studio:jobs`. */
    name: string;
    /** One tick: load and store the data; reject to back off. */
    factory: () => Promise<unknown>;
    /** Interval between ticks in ms. */
    interval: number;
    /** Longest interval in ms when backing off after failures (default 30 s). */
    max?: number;
    /** Back off after failures (default true). */
    backoff?: boolean;
    /**
     * Poll only while a viewer is visible (default true). Without it the
     * poller runs whenever the browser tab is visible.
     */
    needsViewer?: boolean;
    /**
     * Without `needsViewer`: start polling at once (default true); when
     * false, only `refresh()` runs the factory.
     */
    autoStart?: boolean;
  }
}
