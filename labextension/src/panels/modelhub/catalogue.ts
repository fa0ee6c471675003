/*
 * The catalogue's search and filters: the query sent to the server, and the
 * choices each filter offers (from the cards themselves).
 */
import type {
  FinetuneTask,
  ModelHubModelSource,
  ModelHubModelTask,
  IModelHubModelCard,
  IModelHubModelsQuery
} from '../../api/modelhub';

/** Size buckets of the size filter. */
export type SizeBucket = '' | 'small' | 'medium' | 'large';

/** Upper bound in MB of each size bucket (`large` has none). */
export const SIZE_BUCKETS: Record<
  Exclude<SizeBucket, ''>,
  { label: string; max: number | null; min: number }
> = {
  small: { label: 'Under 100 MB', min: 0, max: 100 },
  medium: { label: '100 MB to 1 GB', min: 100, max: 1024 },
  large: { label: 'Over 1 GB', min: 1024, max: null }
};

/** The catalogue filters as the form holds them (`''`: any). */
export interface ICatalogueFilter {
  q: string;
  task: ModelHubModelTask | '';
  framework: string;
  license: string;
  gated: '' | 'true' | 'false';
  source: ModelHubModelSource | '';
  size: SizeBucket;
}

export const EMPTY_FILTER: ICatalogueFilter = {
  q: '',
  task: '',
  framework: '',
  license: '',
  gated: '',
  source: '',
  size: ''
};

/** The server query of a filter (the size's upper bound as `max_size_mb`). */
export function toModelsQuery(filter: ICatalogueFilter): IModelHubModelsQuery {
  const query: IModelHubModelsQuery = {};
  const q = filter.q.trim();
  if (q) {
    query.q = q;
  }
  if (filter.task) {
    query.task = filter.task;
  }
  if (filter.framework) {
    query.framework = filter.framework;
  }
  if (filter.license) {
    query.license = filter.license;
  }
  if (filter.gated) {
    query.gated = filter.gated === 'true';
  }
  if (filter.source) {
    query.source = filter.source;
  }
  if (filter.size) {
    const max = SIZE_BUCKETS[filter.size].max;
    if (max !== null) {
      query.max_size_mb = max;
    }
  }
  return query;
}

/** Whether a card's size is in the bucket (cards of unknown size are in none). */
export function inSizeBucket(
  card: Pick<IModelHubModelCard, 'size_mb'>,
  size: SizeBucket
): boolean {
  if (!size) {
    return true;
  }
  if (card.size_mb === null || card.size_mb === undefined) {
    return false;
  }
  const { min, max } = SIZE_BUCKETS[size];
  return card.size_mb >= min && (max === null || card.size_mb < max);
}

function words(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}

/**
 * Whether a card passes the filter; the same rules as the server, used to
 * narrow the list at once while a new answer is on its way (and for the
 * size bucket's lower bound, which the server has no parameter for).
 */
export function matchesFilter(
  card: IModelHubModelCard,
  filter: ICatalogueFilter
): boolean {
  const haystack = [
    card.id,
    card.name,
    card.description,
    ...card.tags,
    card.task
  ]
    .join(' ')
    .toLowerCase();
  if (!words(filter.q).every(w => haystack.includes(w))) {
    return false;
  }
  if (
    filter.task &&
    card.task !== filter.task &&
    !card.tasks.includes(filter.task)
  ) {
    return false;
  }
  if (filter.framework && card.framework !== filter.framework) {
    return false;
  }
  if (
    filter.license &&
    card.license.toLowerCase() !== filter.license.toLowerCase()
  ) {
    return false;
  }
  if (filter.gated && card.gated !== (filter.gated === 'true')) {
    return false;
  }
  if (filter.source && card.source !== filter.source) {
    return false;
  }
  return inSizeBucket(card, filter.size);
}

/** The distinct values of a field over the cards, sorted, plus `keep` (a chosen value). */
export function choices(
  cards: IModelHubModelCard[],
  field: 'framework' | 'license',
  keep = ''
): string[] {
  const values = new Set(cards.map(c => c[field]).filter(Boolean));
  if (keep) {
    values.add(keep);
  }
  return [...values].sort((a, b) => a.localeCompare(b));
}

/** Tasks, in the order the filter lists them. */
export const TASKS: Array<{ value: ModelHubModelTask; label: string }> = [
  { value: 'text-generation', label: 'Text generation' },
  { value: 'text-classification', label: 'Text classification' },
  { value: 'text-embedding', label: 'Text embedding' }
];

/** Sources, in the order the filter lists them. */
export const SOURCES: Array<{ value: ModelHubModelSource; label: string }> = [
  { value: 'packaged', label: 'Packaged' },
  { value: 'registry', label: 'Registry (fine-tuned)' },
  { value: 'folder', label: 'Admin folder' },
  { value: 'huggingface', label: 'Hugging Face Hub' }
];

/** A task's label. */
export function taskLabel(task: string): string {
  return TASKS.find(t => t.value === task)?.label ?? task;
}

/** A size for a card: `253 MB`, `1.2 GB`, or `—`. */
export function formatSize(sizeMb: number | null | undefined): string {
  if (sizeMb === null || sizeMb === undefined) {
    return '—';
  }
  if (sizeMb >= 1024) {
    return `${(sizeMb / 1024).toFixed(1)} GB`;
  }
  return `${sizeMb >= 10 ? Math.round(sizeMb) : sizeMb.toFixed(1)} MB`;
}

/** A parameter count: `135M`, `1.1B`, or `—`. */
export function formatParameters(count: number | null | undefined): string {
  if (!count) {
    return '—';
  }
  if (count >= 1e9) {
    return `${(count / 1e9).toFixed(1)}B`;
  }
  if (count >= 1e6) {
    return `${Math.round(count / 1e6)}M`;
  }
  return `${Math.round(count / 1e3)}K`;
}

/** The registry name of a model-hub model's deploy wrapper (`hub-<id>`, as the server names it). */
export function modelHubModelName(modelId: string): string {
  const slug = modelId.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  return `hub-${slug}`.slice(0, 63).replace(/-+$/, '');
}

/**
 * The catalogue card an endpoint serves: a model-hub model's wrapper (`hub-<id>`)
 * or a fine-tuned copy (`registry:<name>/<version>`); `null` for others.
 */
export function cardOfEndpoint(
  endpoint: { model_name: string; model_version: number },
  cards: IModelHubModelCard[]
): IModelHubModelCard | null {
  return (
    cards.find(
      c =>
        c.source !== 'registry' &&
        modelHubModelName(c.id) === endpoint.model_name
    ) ??
    cards.find(
      c => c.id === `registry:${endpoint.model_name}/${endpoint.model_version}`
    ) ??
    null
  );
}

/** Endpoint statuses that answer invocations. */
export const SERVING_STATUSES = new Set(['InService', 'Updating']);

/** The model-hub task an endpoint serves (`null`: not a model-hub model, or cards not loaded yet). */
export function endpointTask(
  endpoint: { model_name: string; model_version: number },
  cards: IModelHubModelCard[]
): ModelHubModelTask | null {
  return cardOfEndpoint(endpoint, cards)?.task ?? null;
}

/** The endpoints serving a model-hub model of `task`, in their order. */
export function endpointsOfTask<
  T extends { model_name: string; model_version: number }
>(endpoints: T[], cards: IModelHubModelCard[], task: ModelHubModelTask): T[] {
  return endpoints.filter(e => endpointTask(e, cards) === task);
}

/** A model the Evaluate tab offers: a catalogue card or an endpoint. */
export interface IEvaluationChoice {
  /** `smollm2-135m-instruct`, `registry:<name>/<version>` or `endpoint:<name>`. */
  value: string;
  label: string;
}

/**
 * The models the Evaluate tab offers for a task: packaged models and
 * fine-tuned copies (the references an evaluation takes) of that task, and
 * the serving endpoints of that task (an endpoint is invoked without labels,
 * so classification lists fine-tuned classifiers only; zero-shot models are
 * evaluated by their catalogue id).
 */
export function evaluationChoices(
  task: FinetuneTask,
  cards: IModelHubModelCard[],
  endpoints: Array<{
    endpoint_name: string;
    model_name: string;
    model_version: number;
    status: string;
  }>
): IEvaluationChoice[] {
  const cardFits = (c: IModelHubModelCard) =>
    task === 'generation'
      ? c.task === 'text-generation'
      : c.task === 'text-embedding' || c.task === 'text-classification';
  const endpointFits = (t: ModelHubModelTask | null) =>
    task === 'generation'
      ? t === 'text-generation'
      : t === 'text-classification';
  return [
    ...cards
      .filter(
        c => (c.source === 'packaged' || c.source === 'registry') && cardFits(c)
      )
      .map(c => ({ value: c.id, label: `${c.name} (${c.source})` })),
    ...endpoints
      .filter(
        e =>
          SERVING_STATUSES.has(e.status) && endpointFits(endpointTask(e, cards))
      )
      .map(e => ({
        value: `endpoint:${e.endpoint_name}`,
        label: `Endpoint ${e.endpoint_name}`
      }))
  ];
}
