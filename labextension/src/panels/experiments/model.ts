/*
 * State of the Experiments panel: experiments, the runs of the selected one
 * (or of all) with an MLflow filter, the sort, the selection and the run
 * comparison. Polls while visible.
 */
import {
  compareRuns,
  IExperiment,
  IRun,
  IRunComparison,
  listExperiments,
  listRuns
} from '../../api/experiments';
import { PolledPanelModel } from '../../model/polled-panel-model';
import type { IStudioConnection } from '../../tokens';
import { StudioAPIError } from '../../api/request';
import { LoadState } from '../../utils/load-state';
import { MAX_COMPARED, MIN_COMPARED } from './comparison';
import { IRunSort, nextSort } from './run-columns';

/** Runs asked for per page. */
const PAGE = 200;
/** The most runs kept loaded (and refreshed by polls). */
const MAX_LOADED = 1000;

/** The loaded runs of the current query. */
export interface IRunPage {
  items: IRun[];
  /** Token of the next page, or `null` when every run is loaded. */
  nextToken: string | null;
}

export class ExperimentsModel extends PolledPanelModel {
  constructor(options: ExperimentsModel.IOptions) {
    super({
      connection: options.connection,
      name: 'jupyter-studio:experiments',
      interval: options.interval ?? 5000
    });
  }

  get experiments(): LoadState<IExperiment[]> {
    return this._experiments;
  }

  /** The selected experiment's id, `''` for the runs of every experiment. */
  get experimentId(): string {
    return this._experimentId;
  }

  /** The MLflow filter the runs were asked with. */
  get filter(): string {
    return this._filter;
  }

  /** The runs of the current experiment and filter. */
  get runs(): LoadState<IRunPage> {
    return this._runs;
  }

  get sort(): IRunSort | null {
    return this._sort;
  }

  /** Ids of the selected runs, in the order they were picked. */
  get selectedIds(): readonly string[] {
    return this._selected;
  }

  /** Whether the selection can be compared (2 to 5 runs). */
  get canCompare(): boolean {
    return (
      this._selected.length >= MIN_COMPARED &&
      this._selected.length <= MAX_COMPARED
    );
  }

  /** The comparison being shown, or `null`. */
  get comparison(): LoadState<IRunComparison> | null {
    return this._comparison;
  }

  /** Show the runs of one experiment (`''`: of all). */
  selectExperiment(experimentId: string): void {
    if (experimentId === this._experimentId) {
      return;
    }
    this._experimentId = experimentId;
    this._reloadRuns();
  }

  /** Ask for the runs matching an MLflow filter (`''`: all). */
  setFilter(filter: string): void {
    const text = filter.trim();
    if (text === this._filter && this._runs.status !== 'error') {
      return;
    }
    this._filter = text;
    this._reloadRuns();
  }

  /** Sort by a column (a click on its header). */
  sortBy(column: string): void {
    this._sort = nextSort(this._sort, column);
    this.emit();
  }

  /** Select or unselect a run (at most five stay selected). */
  toggle(runId: string): void {
    if (this._selected.includes(runId)) {
      this._selected = this._selected.filter(id => id !== runId);
    } else if (this._selected.length < MAX_COMPARED) {
      this._selected = [...this._selected, runId];
    }
    this.emit();
  }

  clearSelection(): void {
    this._selected = [];
    this.emit();
  }

  /** Load the next page of runs. */
  async loadMore(): Promise<void> {
    const page = LoadState.valueOf(this._runs);
    if (!page?.nextToken) {
      return;
    }
    const seq = this._seq;
    try {
      const response = await listRuns(
        {
          experiment_id: this._experimentId || null,
          filter: this._filter || null,
          max_results: PAGE,
          page_token: page.nextToken
        },
        this.serverSettings
      );
      if (seq === this._seq) {
        this._runs = LoadState.ready({
          items: [...page.items, ...response.items],
          nextToken: response.next_token
        });
      }
    } catch (error) {
      if (seq === this._seq) {
        this._runs = LoadState.failed(error, this._runs);
      }
    }
    this.emit();
  }

  /** Compare the selected runs (or `runIds`). */
  async compare(runIds: readonly string[] = this._selected): Promise<void> {
    const ids = [...runIds];
    this._comparison = LoadState.loading();
    this._comparedIds = ids;
    this.emit();
    try {
      const comparison = await compareRuns(ids, this.serverSettings);
      if (this._comparedIds === ids) {
        this._comparison = LoadState.ready(comparison);
      }
    } catch (error) {
      if (this._comparedIds === ids) {
        this._comparison = LoadState.failed(error);
      }
    }
    this.emit();
  }

  /** Back from the comparison to the runs. */
  closeComparison(): void {
    this._comparison = null;
    this._comparedIds = null;
    this.emit();
  }

  /** A new query: forget the runs (a bad filter must not show old ones). */
  private _reloadRuns(): void {
    this._seq++;
    this._badQuery = false;
    this._runs = LoadState.loading();
    this.emit();
    void this._loadRuns(true).catch(() => undefined);
  }

  protected async tick(): Promise<void> {
    const experiments = (async () => {
      try {
        this._experiments = LoadState.ready(
          await listExperiments(this.serverSettings)
        );
      } catch (error) {
        this._experiments = LoadState.failed(error, this._experiments);
        throw error;
      }
    })();
    // A query the server refused (a bad filter) is not asked again by polls.
    const runs = this._badQuery ? Promise.resolve() : this._loadRuns(false);
    const results = await Promise.allSettled([experiments, runs]);
    this.emit();
    const failure = results.find(
      (r): r is PromiseRejectedResult => r.status === 'rejected'
    );
    if (failure) {
      throw failure.reason;
    }
  }

  /**
   * (Re)load the runs: as many as are loaded (at least a page), so a poll
   * keeps the pages already shown.
   */
  private async _loadRuns(fresh: boolean): Promise<void> {
    const seq = this._seq;
    const loaded = LoadState.valueOf(this._runs)?.items.length ?? 0;
    const count = Math.min(MAX_LOADED, Math.max(PAGE, loaded));
    try {
      const response = await listRuns(
        {
          experiment_id: this._experimentId || null,
          filter: this._filter || null,
          max_results: count
        },
        this.serverSettings
      );
      if (seq === this._seq) {
        this._runs = LoadState.ready({
          items: response.items,
          nextToken: response.next_token
        });
      }
    } catch (error) {
      if (seq === this._seq) {
        this._runs = fresh
          ? LoadState.failed(error)
          : LoadState.failed(error, this._runs);
        this._badQuery =
          error instanceof StudioAPIError && error.status === 400;
      }
      throw error;
    } finally {
      if (fresh) {
        this.emit();
      }
    }
  }

  private _experiments: LoadState<IExperiment[]> = LoadState.loading();
  private _experimentId = '';
  private _filter = '';
  private _runs: LoadState<IRunPage> = LoadState.loading();
  private _sort: IRunSort | null = { column: 'start_time', direction: 'desc' };
  private _selected: string[] = [];
  private _comparison: LoadState<IRunComparison> | null = null;
  private _comparedIds: string[] | null = null;
  private _seq = 0;
  private _badQuery = false;
}

export namespace ExperimentsModel {
  export interface IOptions {
    connection: IStudioConnection;
    /** Polling interval in ms (default 5 s). */
    interval?: number;
  }
}
