import type { IModelHubModelCard } from '../../../api/modelhub';
import {
  cardOfEndpoint,
  choices,
  EMPTY_FILTER,
  endpointsOfTask,
  endpointTask,
  evaluationChoices,
  formatParameters,
  formatSize,
  modelHubModelName,
  inSizeBucket,
  matchesFilter,
  toModelsQuery
} from '../catalogue';

function card(overrides: Partial<IModelHubModelCard>): IModelHubModelCard {
  return {
    id: 'smollm2-135m-instruct',
    name: 'SmolLM2 135M Instruct',
    task: 'text-generation',
    tasks: ['text-generation'],
    framework: 'transformers',
    source: 'packaged',
    license: 'apache-2.0',
    gated: false,
    accepted: true,
    size_mb: 87,
    parameters: 135_000_000,
    description: 'A small chat model',
    tags: ['llm', 'chat'],
    ...overrides
  };
}

const gemma = card({
  id: 'gemma3-270m',
  name: 'Gemma 3 270M',
  license: 'gemma',
  gated: true,
  accepted: false,
  size_mb: 253,
  description: 'Gemma base model',
  tags: ['llm']
});
const minilm = card({
  id: 'all-minilm-l6-v2',
  name: 'all-MiniLM-L6-v2',
  task: 'text-embedding',
  tasks: ['text-embedding', 'text-classification'],
  framework: 'sentence-transformers',
  license: 'mit',
  size_mb: 90,
  description: 'Sentence embeddings',
  tags: ['embeddings']
});

describe('toModelsQuery', () => {
  it('sends only what is set', () => {
    expect(toModelsQuery(EMPTY_FILTER)).toEqual({});
    expect(
      toModelsQuery({
        ...EMPTY_FILTER,
        q: ' gemma ',
        task: 'text-generation',
        gated: 'true',
        size: 'medium',
        license: 'gemma'
      })
    ).toEqual({
      q: 'gemma',
      task: 'text-generation',
      gated: true,
      max_size_mb: 1024,
      license: 'gemma'
    });
    expect(
      toModelsQuery({ ...EMPTY_FILTER, gated: 'false', size: 'large' })
    ).toEqual({
      gated: false
    });
  });
});

describe('matchesFilter', () => {
  const all = [card({}), gemma, minilm];
  const pick = (filter: Partial<typeof EMPTY_FILTER>) =>
    all
      .filter(c => matchesFilter(c, { ...EMPTY_FILTER, ...filter }))
      .map(c => c.id);

  it('searches all words in name, description and tags', () => {
    expect(pick({ q: 'gemma' })).toEqual(['gemma3-270m']);
    expect(pick({ q: 'small CHAT' })).toEqual(['smollm2-135m-instruct']);
  });

  it('filters on any of a model\u2019s tasks', () => {
    expect(pick({ task: 'text-classification' })).toEqual(['all-minilm-l6-v2']);
  });

  it('filters on gate, license, framework and size', () => {
    expect(pick({ gated: 'true' })).toEqual(['gemma3-270m']);
    expect(pick({ gated: 'false' })).toHaveLength(2);
    expect(pick({ license: 'MIT' })).toEqual(['all-minilm-l6-v2']);
    expect(pick({ framework: 'sentence-transformers' })).toEqual([
      'all-minilm-l6-v2'
    ]);
    expect(pick({ size: 'medium' })).toEqual(['gemma3-270m']);
  });

  it('puts unknown sizes in no bucket', () => {
    expect(inSizeBucket(card({ size_mb: null }), 'small')).toBe(false);
    expect(inSizeBucket(card({ size_mb: null }), '')).toBe(true);
  });
});

describe('choices and formats', () => {
  it('lists distinct sorted values, keeping the chosen one', () => {
    expect(choices([card({}), gemma, minilm], 'license')).toEqual([
      'apache-2.0',
      'gemma',
      'mit'
    ]);
    expect(choices([], 'framework', 'onnx')).toEqual(['onnx']);
  });

  it('formats sizes and parameter counts', () => {
    expect(formatSize(87.4)).toBe('87 MB');
    expect(formatSize(2048)).toBe('2.0 GB');
    expect(formatSize(null)).toBe('—');
    expect(formatParameters(135_000_000)).toBe('135M');
    expect(formatParameters(null)).toBe('—');
  });
});

describe('cardOfEndpoint', () => {
  it('finds the model-hub model or the fine-tuned copy an endpoint serves', () => {
    const tuned = card({
      id: 'registry:reviews/2',
      source: 'registry',
      task: 'text-classification'
    });
    const cards = [card({}), minilm, tuned];
    expect(
      cardOfEndpoint(
        { model_name: 'hub-smollm2-135m-instruct', model_version: 1 },
        cards
      )?.id
    ).toBe('smollm2-135m-instruct');
    expect(
      cardOfEndpoint({ model_name: 'reviews', model_version: 2 }, cards)?.id
    ).toBe('registry:reviews/2');
    expect(
      cardOfEndpoint({ model_name: 'iris', model_version: 1 }, cards)
    ).toBeNull();
    expect(modelHubModelName('hf:org/Model_v2')).toBe('hub-hf-org-Model-v2');
  });
});

describe('endpoints of a task', () => {
  const endpoint = (
    name: string,
    model_name: string,
    status = 'InService',
    model_version = 1
  ) => ({ endpoint_name: name, model_name, model_version, status });
  const tuned = card({
    id: 'registry:reviews-clf/2',
    name: 'reviews-clf',
    task: 'text-classification',
    tasks: ['text-classification'],
    source: 'registry'
  });
  const folderModel = card({ id: 'team-llm', source: 'folder' });
  const cards = [card({}), gemma, minilm, tuned, folderModel];
  const endpoints = [
    endpoint('churn', 'churn-model'), // a tabular model: answers 406 to a prompt
    endpoint('smol', 'hub-smollm2-135m-instruct'),
    endpoint('minilm', 'hub-all-minilm-l6-v2'),
    endpoint('clf', 'reviews-clf', 'InService', 2),
    endpoint('smol-old', 'hub-smollm2-135m-instruct', 'Failed')
  ];

  it('lists only text-generation endpoints for the playground', () => {
    expect(
      endpointsOfTask(endpoints, cards, 'text-generation').map(
        e => e.endpoint_name
      )
    ).toEqual(['smol', 'smol-old']);
    expect(endpointTask(endpoint('churn', 'churn-model'), cards)).toBeNull();
  });

  it('offers Evaluate the models and serving endpoints of its task', () => {
    expect(
      evaluationChoices('generation', cards, endpoints).map(c => c.value)
    ).toEqual(['smollm2-135m-instruct', 'gemma3-270m', 'endpoint:smol']);
    expect(
      evaluationChoices('classification', cards, endpoints).map(c => c.value)
    ).toEqual(['all-minilm-l6-v2', 'registry:reviews-clf/2', 'endpoint:clf']);
  });
});
