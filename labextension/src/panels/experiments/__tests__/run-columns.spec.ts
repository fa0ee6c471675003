import type { IRun } from '../../../api/experiments';
import {
  compareValues,
  nextSort,
  runColumns,
  runLabel,
  sortRuns
} from '../run-columns';

function run(id: string, extra: Partial<IRun> = {}): IRun {
  return {
    run_id: id,
    run_name: id,
    experiment_id: '1',
    experiment_name: 'e',
    status: 'FINISHED',
    start_time: null,
    end_time: null,
    owner: 'alice',
    space_id: null,
    job_id: null,
    source_name: null,
    params: {},
    metrics: {},
    tags: {},
    artifact_path: null,
    ...extra
  };
}

describe('runColumns', () => {
  it('adds one column per metric then param key present, sorted', () => {
    const columns = runColumns([
      run('a', { params: { lr: '0.1', depth: '3' }, metrics: { rmse: 1 } }),
      run('b', {
        params: { lr: '0.2', layers10: '1', layers2: '2' },
        metrics: { acc: 0.5 }
      })
    ]);
    expect(columns.map(c => c.id)).toEqual([
      'name',
      'status',
      'start_time',
      'metrics.acc',
      'metrics.rmse',
      'params.depth',
      'params.layers2',
      'params.layers10',
      'params.lr'
    ]);
    expect(columns[5]).toMatchObject({
      kind: 'param',
      key: 'depth',
      label: 'depth'
    });
  });

  it('has only the fixed columns without runs', () => {
    expect(runColumns([]).map(c => c.id)).toEqual([
      'name',
      'status',
      'start_time'
    ]);
  });
});

describe('sortRuns', () => {
  const runs = [
    run('a', {
      params: { lr: '0.1' },
      metrics: { rmse: 2 },
      start_time: '2024-01-01T00:00:02Z',
      status: 'FINISHED'
    }),
    run('b', {
      params: { lr: '0.05' },
      metrics: {},
      start_time: '2024-01-01T00:00:03Z',
      status: 'FAILED'
    }),
    run('c', {
      params: { lr: '1e-3' },
      metrics: { rmse: 10 },
      start_time: '2024-01-01T00:00:01Z',
      status: 'RUNNING'
    })
  ];
  const columns = runColumns(runs);
  const ids = (sorted: IRun[]) => sorted.map(r => r.run_id);

  it('sorts metrics as numbers and puts missing values last both ways', () => {
    expect(
      ids(sortRuns(runs, columns, { column: 'metrics.rmse', direction: 'asc' }))
    ).toEqual(['a', 'c', 'b']);
    expect(
      ids(
        sortRuns(runs, columns, { column: 'metrics.rmse', direction: 'desc' })
      )
    ).toEqual(['c', 'a', 'b']);
  });

  it('sorts numeric params as numbers, not text', () => {
    expect(
      ids(sortRuns(runs, columns, { column: 'params.lr', direction: 'asc' }))
    ).toEqual(['c', 'b', 'a']);
  });

  it('sorts by start time and by status', () => {
    expect(
      ids(sortRuns(runs, columns, { column: 'start_time', direction: 'desc' }))
    ).toEqual(['b', 'a', 'c']);
    expect(
      ids(sortRuns(runs, columns, { column: 'status', direction: 'asc' }))
    ).toEqual(['b', 'a', 'c']);
  });

  it('keeps the order without a sort or for an unknown column', () => {
    expect(ids(sortRuns(runs, columns, null))).toEqual(['a', 'b', 'c']);
    expect(
      ids(sortRuns(runs, columns, { column: 'metrics.nope', direction: 'asc' }))
    ).toEqual(['a', 'b', 'c']);
  });
});

describe('helpers', () => {
  it('compares numbers before text', () => {
    expect(compareValues('10', '9')).toBeGreaterThan(0);
    expect(compareValues('abc', '9')).toBeGreaterThan(0);
    expect(compareValues('a2', 'a10')).toBeLessThan(0);
  });

  it('toggles the direction on the same column', () => {
    expect(nextSort(null, 'metrics.x')).toEqual({
      column: 'metrics.x',
      direction: 'asc'
    });
    expect(
      nextSort({ column: 'metrics.x', direction: 'asc' }, 'metrics.x')
    ).toEqual({ column: 'metrics.x', direction: 'desc' });
    expect(nextSort(null, 'start_time').direction).toBe('desc');
  });

  it('names a run by its id when it has no name', () => {
    expect(runLabel({ run_name: null, run_id: '0123456789' })).toBe('01234567');
  });
});
