/*
 * State of the AutoML panel: the experiments, the open experiment with its
 * live leaderboard and the selected candidate's results. Polls while visible
 * (every 2 s while the open experiment runs).
 */
import {
  createExperiment,
  deployCandidate,
  getCandidate,
  getLeaderboard,
  IAutoMLExperiment,
  IAutoMLLeaderboard,
  ICandidateResults,
  ICreateAutoMLExperiment,
  IDeployedCandidate,
  listExperiments,
  registerCandidate,
  stopExperiment
} from '../../api/automl';
import type { IModelVersion } from '../../api/models';
import { PolledPanelModel } from '../../model/polled-panel-model';
import type { IStudioConnection } from '../../tokens';
import { LoadState } from '../../utils/load-state';

/** Lists the CSV and Parquet files the user may pick. */
export type DataFileLister = () => Promise<string[]>;

/** What the main area shows. */
export type AutoMLPage = 'list' | 'wizard' | 'experiment';

/** Values the wizard opens with (from a command's arguments). */
export interface IWizardPrefill {
  data?: string;
  target?: string;
  experimentName?: string;
  spaceId?: string;
  /** Name of the job still writing `data`: the wizard waits for the file. */
  dataJob?: string;
}

const ACTIVE = new Set(['Pending', 'InProgress', 'Stopping']);

export class AutoMLModel extends PolledPanelModel {
  constructor(options: AutoMLModel.IOptions) {
    super({
      connection: options.connection,
      name: 'jupyter-studio:automl',
      interval: options.interval ?? 6000,
      fastInterval: options.fastInterval ?? 2000
    });
    this.listDataFiles = options.listDataFiles;
  }

  readonly listDataFiles: DataFileLister;

  get page(): AutoMLPage {
    return this._page;
  }

  /** The experiments the user may see, newest first. */
  get experiments(): LoadState<IAutoMLExperiment[]> {
    return this._experiments;
  }

  get selectedName(): string | null {
    return this._selected;
  }

  /** The open experiment, when listed. */
  get selected(): IAutoMLExperiment | null {
    const items = LoadState.valueOf(this._experiments) ?? [];
    return items.find(e => e.experiment_name === this._selected) ?? null;
  }

  /** The open experiment's leaderboard (`null` before it was asked for). */
  get leaderboard(): LoadState<IAutoMLLeaderboard> | null {
    return this._leaderboard;
  }

  /** The candidate whose results are shown (`null`: the best one). */
  get candidateName(): string | null {
    return this._candidate;
  }

  get candidate(): LoadState<ICandidateResults> | null {
    return this._results;
  }

  /** Show the list of experiments. */
  showList(): void {
    this._page = 'list';
    this._selected = null;
    this.emit();
  }

  /** Show the wizard (a new experiment), optionally pre-filled (Data Wrangler's Export and train). */
  showWizard(prefill?: IWizardPrefill): void {
    this._prefill = prefill ?? null;
    this._wizardKey += 1;
    this._page = 'wizard';
    this.emit();
  }

  /** Changes each time the wizard is opened anew (its React key). */
  get wizardKey(): number {
    return this._wizardKey;
  }

  /** The pre-filled values for the wizard being opened (taken once). */
  takePrefill(): IWizardPrefill | null {
    const prefill = this._prefill;
    this._prefill = null;
    return prefill;
  }

  /** Open an experiment's page. */
  open(name: string): void {
    if (name !== this._selected) {
      this._selected = name;
      this._leaderboard = null;
      this._candidate = null;
      this._results = null;
    }
    this._page = 'experiment';
    this.emit();
    void this.refresh();
  }

  /** Show a candidate's results (`null`: the best). */
  selectCandidate(candidate: string | null): void {
    if (candidate !== this._candidate) {
      this._candidate = candidate;
      this._results = null;
      this.emit();
      void this._loadCandidate().then(() => this.emit());
    }
  }

  async create(body: ICreateAutoMLExperiment): Promise<IAutoMLExperiment> {
    const made = await createExperiment(body, this.serverSettings);
    const items = LoadState.valueOf(this._experiments) ?? [];
    this._experiments = LoadState.ready([made, ...items]);
    this.open(made.experiment_name);
    return made;
  }

  async stop(name: string): Promise<void> {
    await stopExperiment(name, this.serverSettings);
    await this.refresh();
  }

  register(
    name: string,
    candidate: string,
    modelName: string
  ): Promise<IModelVersion> {
    return registerCandidate(
      name,
      { candidate, model_name: modelName },
      this.serverSettings
    );
  }

  deploy(
    name: string,
    candidate: string,
    endpointName: string
  ): Promise<IDeployedCandidate> {
    return deployCandidate(
      name,
      { candidate, endpoint_name: endpointName },
      this.serverSettings
    );
  }

  protected async tick(): Promise<void> {
    try {
      const items = await listExperiments(this.serverSettings);
      this._experiments = LoadState.ready(items);
    } catch (error) {
      this._experiments = LoadState.failed(error, this._experiments);
      this.emit();
      throw error;
    }
    const name = this._selected;
    if (name && this._page === 'experiment') {
      const previous = this._leaderboard;
      try {
        this._leaderboard = LoadState.ready(
          await getLeaderboard(name, this.serverSettings)
        );
      } catch (error) {
        this._leaderboard = LoadState.failed(error, previous ?? undefined);
      }
      const results = this._results
        ? LoadState.valueOf(this._results)
        : undefined;
      const stale =
        !results || !results.charts_ready || this._leaderboardChanged(previous);
      if (stale) {
        await this._loadCandidate();
      }
    }
    const running = this.selected && ACTIVE.has(this.selected.status);
    const anyRunning = (LoadState.valueOf(this._experiments) ?? []).some(e =>
      ACTIVE.has(e.status)
    );
    this.pollFast(Boolean(running || anyRunning));
    this.emit();
  }

  private _leaderboardChanged(
    previous: LoadState<IAutoMLLeaderboard> | null
  ): boolean {
    const before = previous ? LoadState.valueOf(previous) : undefined;
    const now = this._leaderboard
      ? LoadState.valueOf(this._leaderboard)
      : undefined;
    return (before?.items.length ?? -1) !== (now?.items.length ?? -1);
  }

  private async _loadCandidate(): Promise<void> {
    const name = this._selected;
    if (!name) {
      return;
    }
    const board = this._leaderboard
      ? LoadState.valueOf(this._leaderboard)
      : undefined;
    const wanted = this._candidate;
    if (!board || !board.items.some(r => r.status === 'completed')) {
      return;
    }
    const previous = this._results;
    try {
      const results = await getCandidate(
        name,
        wanted ?? 'best',
        this.serverSettings
      );
      if (this._selected === name && this._candidate === wanted) {
        this._results = LoadState.ready(results);
      }
    } catch (error) {
      if (this._selected === name && this._candidate === wanted) {
        this._results = LoadState.failed(error, previous ?? undefined);
      }
    }
  }

  private _page: AutoMLPage = 'list';
  private _prefill: IWizardPrefill | null = null;
  private _wizardKey = 0;
  private _experiments: LoadState<IAutoMLExperiment[]> = LoadState.loading();
  private _selected: string | null = null;
  private _leaderboard: LoadState<IAutoMLLeaderboard> | null = null;
  private _candidate: string | null = null;
  private _results: LoadState<ICandidateResults> | null = null;
}

export namespace AutoMLModel {
  export interface IOptions {
    connection: IStudioConnection;
    listDataFiles: DataFileLister;
    /** Polling interval in ms while nothing runs (default 6 s). */
    interval?: number;
    /** Polling interval in ms while an experiment runs (default 2 s). */
    fastInterval?: number;
  }
}
