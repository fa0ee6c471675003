/*
 * State of the Model hub panel: the catalogue (search and filters), the
 * selected model page, the endpoints and spaces the forms offer, and the
 * fine-tuning and evaluation jobs followed live while the panel is visible.
 */
import { Contents } from '@jupyterlab/services';

import {
  IEndpoint,
  listEndpoints,
  TRANSIENT_ENDPOINT_STATUSES
} from '../../api/endpoints';
import { getJob, IJob, isTerminal, stopJob } from '../../api/jobs';
import {
  acceptModelHubLicense,
  deployModelHubModel,
  getEvaluation,
  getFinetuneLoss,
  getModelHubModel,
  IEvaluateRequest,
  IEvaluationResult,
  IFinetuneLoss,
  IFinetuneRequest,
  IModelHubDeploy,
  IModelHubModelCard,
  IModelHubModelDetail,
  listModelHubModels,
  startEvaluation,
  startFinetune
} from '../../api/modelhub';
import { listModelVersions } from '../../api/models';
import { ISpace, listSpaces } from '../../api/spaces';
import { PolledPanelModel } from '../../model/polled-panel-model';
import type { IStudioConnection } from '../../tokens';
import { LoadState } from '../../utils/load-state';
import {
  EMPTY_FILTER,
  ICatalogueFilter,
  matchesFilter,
  toModelsQuery
} from './catalogue';

/** The tabs of the panel. */
export type ModelHubTab =
  'catalogue' | 'playground' | 'finetune' | 'evaluate' | 'solutions';

/** A fine-tuning followed by the panel. */
export interface IFinetuneRun {
  job: IJob;
  /** What was sent (to resume with the same settings). */
  request: IFinetuneRequest;
  loss: LoadState<IFinetuneLoss>;
}

/** Models and task the Evaluate form is asked to start from. */
export interface IEvaluatePreset {
  models: string[];
  task: 'generation' | 'classification';
  /** Increases with each preset (the form applies each once). */
  seq: number;
}

/** Whether an evaluation needs no more following (ended, and its results read in full). */
export function evaluationSettled(run: IEvaluationRun): boolean {
  if (!isTerminal(run.job.status)) {
    return false;
  }
  if (run.job.status !== 'Completed') {
    return true;
  }
  const result = run.result;
  return (
    result !== null &&
    (result.status === 'error' ||
      (result.status === 'ready' && result.value.complete !== false))
  );
}

/** An evaluation followed by the panel. */
export interface IEvaluationRun {
  job: IJob;
  request: IEvaluateRequest;
  /** `null` until the job completes. */
  result: LoadState<IEvaluationResult> | null;
}

export class ModelHubModel extends PolledPanelModel {
  constructor(options: ModelHubModel.IOptions) {
    super({
      connection: options.connection,
      name: 'jupyter-studio:modelhub',
      interval: options.interval ?? 2000
    });
    this.contents = options.contents;
    this._debounceMs = options.debounceMs ?? 250;
  }

  /** JupyterLab's contents API (data files and their headers). */
  readonly contents: Contents.IManager;

  // ------------------------------------------------------------- tabs

  get tab(): ModelHubTab {
    return this._tab;
  }

  setTab(tab: ModelHubTab): void {
    if (tab !== this._tab) {
      this._tab = tab;
      if (tab === 'playground' || tab === 'evaluate') {
        void this.refreshEndpoints();
      }
      this.emit();
    }
  }

  // -------------------------------------------------------- catalogue

  get filter(): ICatalogueFilter {
    return this._filter;
  }

  /** The catalogue's cards for the current filter. */
  get cards(): LoadState<IModelHubModelCard[]> {
    return this._cards;
  }

  /** Every card seen without a filter (for the filters' choices and the forms). */
  get allCards(): IModelHubModelCard[] {
    return this._allCards;
  }

  /** The cards to show: the server's answer, narrowed at once by the filter. */
  get visibleCards(): IModelHubModelCard[] {
    return (LoadState.valueOf(this._cards) ?? []).filter(c =>
      matchesFilter(c, this._filter)
    );
  }

  /** Change the filter; the catalogue reloads shortly after the last change. */
  setFilter(change: Partial<ICatalogueFilter>): void {
    this._filter = { ...this._filter, ...change };
    this.emit();
    if (this._debounce !== null) {
      clearTimeout(this._debounce);
    }
    this._debounce = setTimeout(() => {
      this._debounce = null;
      void this.loadCatalogue();
    }, this._debounceMs);
  }

  /** Reload the catalogue for the current filter now. */
  async loadCatalogue(): Promise<void> {
    const seq = ++this._cardsSeq;
    const filter = this._filter;
    try {
      const response = await listModelHubModels(
        toModelsQuery(filter),
        this.serverSettings
      );
      if (seq !== this._cardsSeq || this.isDisposed) {
        return;
      }
      const items = response?.items ?? [];
      this._cards = LoadState.ready(items);
      if (JSON.stringify(toModelsQuery(filter)) === '{}') {
        this._allCards = items;
      } else if (!this._allCards.length) {
        void this._loadAllCards();
      }
    } catch (error) {
      if (seq !== this._cardsSeq) {
        return;
      }
      this._cards = LoadState.failed(error, this._cards);
    }
    this.emit();
  }

  // -------------------------------------------------------- model page

  get selectedId(): string | null {
    return this._selectedId;
  }

  /** The selected model's page (`null` when none is selected). */
  get detail(): LoadState<IModelHubModelDetail> | null {
    return this._detail;
  }

  /** Show a model's page (`null` closes it). */
  select(id: string | null): void {
    if (id === this._selectedId) {
      return;
    }
    this._selectedId = id;
    this._detail = id ? LoadState.loading() : null;
    this.emit();
    if (id) {
      void this.loadDetail();
    }
  }

  /** Reload the selected model's page. */
  async loadDetail(): Promise<void> {
    const id = this._selectedId;
    if (!id) {
      return;
    }
    try {
      const detail = await getModelHubModel(id, this.serverSettings);
      if (id === this._selectedId) {
        this._detail = LoadState.ready(detail);
      }
    } catch (error) {
      if (id === this._selectedId && this._detail) {
        this._detail = LoadState.failed(error, this._detail);
      }
    }
    this.emit();
  }

  /** Accept a model's license, then reload its page and the catalogue. */
  async accept(id: string): Promise<void> {
    await acceptModelHubLicense(id, this.serverSettings);
    await Promise.all([this.loadDetail(), this.loadCatalogue()]);
  }

  /** Deploy a model to a new endpoint. */
  async deploy(id: string, body: IModelHubDeploy): Promise<IEndpoint> {
    const endpoint = await deployModelHubModel(id, body, this.serverSettings);
    void this.refreshEndpoints();
    return endpoint;
  }

  // ------------------------------------------------- endpoints, spaces

  /** The endpoints the user may see (for the playground and evaluation). */
  get endpoints(): LoadState<IEndpoint[]> {
    return this._endpoints;
  }

  async refreshEndpoints(): Promise<void> {
    try {
      this._endpoints = LoadState.ready(
        await listEndpoints(this.serverSettings)
      );
    } catch (error) {
      this._endpoints = LoadState.failed(error, this._endpoints);
    }
    this.emit();
  }

  /** The spaces the user may see. */
  get spaces(): LoadState<ISpace[]> {
    return this._spaces;
  }

  async refreshSpaces(): Promise<void> {
    try {
      const response = await listSpaces(this.serverSettings, { limit: 200 });
      this._spaces = LoadState.ready(response?.items ?? []);
    } catch (error) {
      this._spaces = LoadState.failed(error, this._spaces);
    }
    this.emit();
  }

  /** The active space of the home panel, if visible. */
  get activeSpaceId(): string | null {
    return this.connection.activeSpaceId;
  }

  // ------------------------------------------------------ fine-tuning

  get finetune(): IFinetuneRun | null {
    return this._finetune;
  }

  /** Start a fine-tuning job and follow it. */
  async startFinetune(request: IFinetuneRequest): Promise<IJob> {
    const job = await startFinetune(request, this.serverSettings);
    this._finetune = { job, request, loss: LoadState.loading() };
    this._finetuneFinal = false;
    this.emit();
    void this.poller.refresh().catch(() => undefined);
    return job;
  }

  /** Stop the followed fine-tuning (its last checkpoint is kept). */
  async stopFinetune(): Promise<void> {
    const run = this._finetune;
    if (!run) {
      return;
    }
    const job = await stopJob(run.job.job_id, this.serverSettings);
    if (this._finetune?.job.job_id === job.job_id) {
      this._finetune = { ...this._finetune, job };
    }
    this.emit();
    void this.poller.refresh().catch(() => undefined);
  }

  /** Resume the followed fine-tuning from its last checkpoint, as a new job. */
  async resumeFinetune(): Promise<IJob> {
    const run = this._finetune;
    if (!run) {
      throw new Error('No fine-tuning to resume.');
    }
    return this.startFinetune({
      ...run.request,
      resume_from_job: run.job.job_id
    });
  }

  /**
   * Open the Evaluate tab with the base model and the version the completed
   * fine-tuning registered (its newest version).
   */
  async compareWithBase(): Promise<void> {
    const run = this._finetune;
    if (!run || run.job.status !== 'Completed') {
      throw new Error('Compare needs a completed fine-tuning.');
    }
    const name = run.request.output_model_name || `${run.request.model_id}-ft`;
    const versions = await listModelVersions(
      name,
      run.request.space_id ?? run.job.space_id ?? null,
      this.serverSettings
    );
    if (!versions.length) {
      throw new Error(`No registered version of ${name} yet.`);
    }
    const version = Math.max(...versions.map(v => v.version));
    const card = this._allCards.find(c => c.id === run.request.model_id);
    const task =
      run.request.task ??
      (card && card.task !== 'text-generation'
        ? 'classification'
        : 'generation');
    this._evaluatePreset = {
      models: [run.request.model_id, `registry:${name}/${version}`],
      task,
      seq: (this._evaluatePreset?.seq ?? 0) + 1
    };
    this.setTab('evaluate');
    this.emit();
  }

  /** What the Evaluate form should start from (`null`: nothing asked). */
  get evaluatePreset(): IEvaluatePreset | null {
    return this._evaluatePreset;
  }

  // ------------------------------------------------------- evaluation

  get evaluation(): IEvaluationRun | null {
    return this._evaluation;
  }

  /** Start an evaluation job and follow it. */
  async startEvaluation(request: IEvaluateRequest): Promise<IJob> {
    const job = await startEvaluation(request, this.serverSettings);
    this._evaluation = { job, request, result: null };
    this.emit();
    void this.poller.refresh().catch(() => undefined);
    return job;
  }

  // ---------------------------------------------------------- lifecycle

  setVisible(visible: boolean): void {
    if (visible && !this._started) {
      this._started = true;
      void this.loadCatalogue();
      void this.refreshSpaces();
    }
    super.setVisible(visible);
  }

  dispose(): void {
    if (this._debounce !== null) {
      clearTimeout(this._debounce);
      this._debounce = null;
    }
    super.dispose();
  }

  private async _loadAllCards(): Promise<void> {
    try {
      const response = await listModelHubModels({}, this.serverSettings);
      this._allCards = response?.items ?? [];
      this.emit();
    } catch {
      // The filters then offer the values of the shown cards only.
    }
  }

  /** Follow the running fine-tuning and evaluation. */
  protected async tick(): Promise<void> {
    const tasks: Promise<void>[] = [];
    const finetune = this._finetune;
    if (
      finetune &&
      !(
        isTerminal(finetune.job.status) &&
        finetune.loss.status === 'ready' &&
        this._finetuneFinal
      )
    ) {
      tasks.push(this._followFinetune(finetune));
    }
    const evaluation = this._evaluation;
    if (evaluation && !evaluationSettled(evaluation)) {
      tasks.push(this._followEvaluation(evaluation));
    }
    // Endpoints that are starting: refresh them while a tab lists them.
    const endpoints = LoadState.valueOf(this._endpoints) ?? [];
    if (
      (this._tab === 'playground' || this._tab === 'evaluate') &&
      endpoints.some(e => TRANSIENT_ENDPOINT_STATUSES.has(e.status))
    ) {
      tasks.push(this.refreshEndpoints());
    }
    await Promise.all(tasks);
  }

  private async _followFinetune(run: IFinetuneRun): Promise<void> {
    const id = run.job.job_id;
    let job = run.job;
    let loss = run.loss;
    try {
      job = await getJob(id, this.serverSettings);
    } catch {
      // Keep the last status.
    }
    try {
      loss = LoadState.ready(await getFinetuneLoss(id, this.serverSettings));
    } catch (error) {
      loss = LoadState.failed(error, loss);
    }
    if (this._finetune?.job.job_id !== id) {
      return;
    }
    // One more loss read after the job ended, then stop following.
    const ended = isTerminal(job.status);
    if (job.status === 'Completed' && !isTerminal(run.job.status)) {
      // The tuned version is now a catalogue entry (source: registry).
      void this._loadAllCards().then(() => this.loadCatalogue());
    }
    this._finetuneFinal = ended;
    this._finetune = { ...this._finetune, job, loss };
    this.emit();
  }

  private async _followEvaluation(run: IEvaluationRun): Promise<void> {
    const id = run.job.job_id;
    let job = run.job;
    try {
      job = await getJob(id, this.serverSettings);
    } catch {
      return;
    }
    let result = run.result;
    // The job rewrites its results after each model: show them as they come.
    if (job.status === 'InProgress' || job.status === 'Completed') {
      try {
        result = LoadState.ready(await getEvaluation(id, this.serverSettings));
      } catch (error) {
        if (job.status === 'Completed') {
          result = LoadState.failed(error, result ?? undefined);
        }
      }
    }
    if (this._evaluation?.job.job_id !== id) {
      return;
    }
    this._evaluation = { ...this._evaluation, job, result };
    this.emit();
  }

  private _tab: ModelHubTab = 'catalogue';
  private _filter: ICatalogueFilter = EMPTY_FILTER;
  private _cards: LoadState<IModelHubModelCard[]> = LoadState.loading();
  private _allCards: IModelHubModelCard[] = [];
  private _cardsSeq = 0;
  private _debounce: ReturnType<typeof setTimeout> | null = null;
  private _debounceMs: number;
  private _selectedId: string | null = null;
  private _detail: LoadState<IModelHubModelDetail> | null = null;
  private _endpoints: LoadState<IEndpoint[]> = LoadState.loading();
  private _spaces: LoadState<ISpace[]> = LoadState.loading();
  private _finetune: IFinetuneRun | null = null;
  private _finetuneFinal = false;
  private _evaluation: IEvaluationRun | null = null;
  private _evaluatePreset: IEvaluatePreset | null = null;
  private _started = false;
}

export namespace ModelHubModel {
  export interface IOptions {
    connection: IStudioConnection;
    contents: Contents.IManager;
    /** Polling interval of followed jobs in ms (default 2 s). */
    interval?: number;
    /** Delay before a filter change reloads the catalogue (default 250 ms). */
    debounceMs?: number;
  }
}
