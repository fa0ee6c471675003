import type { IRun, IRunComparison } from '../../../api/experiments';
import {
  chartedMetrics,
  comparisonTable,
  metricChartSpec,
  selectionHint,
  uniqueLabels
} from '../comparison';

function run(id: string, name: string | null): IRun {
  return {
    run_id: id,
    run_name: name,
    experiment_id: '1',
    experiment_name: 'e',
    status: 'FINISHED',
    start_time: null,
    end_time: null,
    owner: null,
    space_id: null,
    job_id: null,
    source_name: null,
    params: {},
    metrics: {},
    tags: {},
    artifact_path: null
  };
}

const point = (step: number, value: number) => ({
  step,
  value,
  timestamp: '2024-01-01T00:00:00Z'
});

const comparison: IRunComparison = {
  run_ids: ['r2', 'r1'],
  // The server may list runs in another order than run_ids.
  runs: [run('r1', 'first'), run('r2', 'second')],
  params: [
    { key: 'lr', values: { r1: '0.1', r2: '0.2' }, differs: true },
    { key: 'model', values: { r1: 'gbm', r2: 'gbm' }, differs: false },
    { key: 'depth', values: { r1: '3' }, differs: true }
  ],
  metrics: [
    { key: 'rmse', values: { r1: 0.5, r2: 0.4 } },
    { key: 'acc', values: { r1: 0.9, r2: 0.9 } }
  ],
  histories: {
    rmse: { r1: [point(0, 1), point(1, 0.5)], r2: [point(0, 0.8)] },
    acc: { r1: [], r2: [] }
  }
};

describe('comparisonTable', () => {
  it('has one column per run in the order asked, params then metrics', () => {
    const table = comparisonTable(comparison);
    expect(table.labels).toEqual(['second', 'first']);
    expect(table.rows.map(r => `${r.section}:${r.key}`)).toEqual([
      'param:lr',
      'param:model',
      'param:depth',
      'metric:rmse',
      'metric:acc'
    ]);
    expect(table.rows[0]).toEqual({
      section: 'param',
      key: 'lr',
      values: ['0.2', '0.1'],
      differs: true
    });
    expect(table.rows[2].values).toEqual([null, '3']);
    expect(table.rows[3]).toMatchObject({ values: [0.4, 0.5], differs: true });
    expect(table.rows[4]).toMatchObject({ values: [0.9, 0.9], differs: false });
  });

  it('can keep only the params that differ', () => {
    const keys = comparisonTable(comparison, true).rows.map(r => r.key);
    expect(keys).toEqual(['lr', 'depth', 'rmse', 'acc']);
  });
});

describe('uniqueLabels', () => {
  it('tells apart runs with the same name', () => {
    expect(
      uniqueLabels([
        run('aaaaaaaa1', 'x'),
        run('bbbbbbbb2', 'x'),
        run('c', 'y')
      ])
    ).toEqual(['x (aaaaaa)', 'x (bbbbbb)', 'y']);
  });
});

describe('charts', () => {
  it('charts only metrics with a history', () => {
    expect(chartedMetrics(comparison)).toEqual(['rmse']);
  });

  it('builds a line per run over steps', () => {
    const spec = metricChartSpec(comparison, 'rmse') as any;
    expect(spec.$schema).toMatch(/vega-lite\/v5/);
    expect(spec.mark.type).toBe('line');
    expect(spec.encoding.x.field).toBe('step');
    expect(spec.encoding.color.field).toBe('run');
    expect(spec.data.values).toEqual([
      { run: 'second', step: 0, value: 0.8 },
      { run: 'first', step: 0, value: 1 },
      { run: 'first', step: 1, value: 0.5 }
    ]);
  });

  it('draws bars for a metric logged once per run', () => {
    const once: IRunComparison = {
      ...comparison,
      histories: { rmse: { r1: [point(0, 0.5)], r2: [point(0, 0.4)] } }
    };
    const spec = metricChartSpec(once, 'rmse') as any;
    expect(spec.mark.type).toBe('bar');
    expect(spec.encoding.x.field).toBe('run');
    expect(spec.encoding.x.sort).toEqual(['second', 'first']);
  });
});

describe('selectionHint', () => {
  it('says in visible text why Compare or a checkbox is disabled', () => {
    expect(selectionHint(0)).toBe('Select 2 to 5 runs to compare');
    expect(selectionHint(1)).toBe('1 selected: select 1 more to compare');
    expect(selectionHint(3)).toBe('3 selected');
    expect(selectionHint(5)).toBe('5 selected, the most that can be compared');
  });
});
