/*
 * The columns of the runs table, built from the runs themselves, and the
 * sorting of runs by any column.
 */
import type { IRun } from '../../api/experiments';

/** A column of the runs table. */
export interface IRunColumn {
  /** Stable id: `name`, `status`, `start_time`, `params.<key>`, `metrics.<key>`. */
  id: string;
  /** Header text. */
  label: string;
  kind: 'name' | 'status' | 'start_time' | 'param' | 'metric';
  /** The param or metric key. */
  key?: string;
}

/** The fixed columns, before params and metrics. */
export const FIXED_COLUMNS: IRunColumn[] = [
  { id: 'name', label: 'Run', kind: 'name' },
  { id: 'status', label: 'Status', kind: 'status' },
  { id: 'start_time', label: 'Started', kind: 'start_time' }
];

/** Every param and metric key present in `runs`, sorted. */
export function runKeys(runs: readonly IRun[]): {
  params: string[];
  metrics: string[];
} {
  const params = new Set<string>();
  const metrics = new Set<string>();
  for (const run of runs) {
    Object.keys(run.params ?? {}).forEach(k => params.add(k));
    Object.keys(run.metrics ?? {}).forEach(k => metrics.add(k));
  }
  const byName = (a: string, b: string) =>
    a.localeCompare(b, undefined, { numeric: true });
  return {
    params: [...params].sort(byName),
    metrics: [...metrics].sort(byName)
  };
}

/**
 * The columns of a runs table: fixed ones, then metrics, then params (what a
 * run scored is read first; an AutoML run has dozens of hyperparameters).
 */
export function runColumns(runs: readonly IRun[]): IRunColumn[] {
  const { params, metrics } = runKeys(runs);
  return [
    ...FIXED_COLUMNS,
    ...metrics.map((key): IRunColumn => ({
      id: `metrics.${key}`,
      label: key,
      kind: 'metric',
      key
    })),
    ...params.map((key): IRunColumn => ({
      id: `params.${key}`,
      label: key,
      kind: 'param',
      key
    }))
  ];
}

/** A run's name as shown (its id's start when it has none). */
export function runLabel(run: Pick<IRun, 'run_name' | 'run_id'>): string {
  return run.run_name || run.run_id.slice(0, 8);
}

/** The value of a run in a column (`undefined`: none). */
export function cellValue(
  run: IRun,
  column: IRunColumn
): string | number | undefined {
  switch (column.kind) {
    case 'name':
      return runLabel(run);
    case 'status':
      return run.status;
    case 'start_time':
      return run.start_time ? Date.parse(run.start_time) : undefined;
    case 'param':
      return run.params?.[column.key!];
    case 'metric':
      return run.metrics?.[column.key!];
  }
}

/** Sort order of the runs table. */
export interface IRunSort {
  /** A column id. */
  column: string;
  direction: 'asc' | 'desc';
}

/** Compare two cell values: numbers (and numeric strings) as numbers. */
export function compareValues(a: string | number, b: string | number): number {
  const na = typeof a === 'number' ? a : a.trim() === '' ? NaN : Number(a);
  const nb = typeof b === 'number' ? b : b.trim() === '' ? NaN : Number(b);
  if (!isNaN(na) && !isNaN(nb)) {
    return na - nb;
  }
  if (!isNaN(na)) {
    return -1;
  }
  if (!isNaN(nb)) {
    return 1;
  }
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

/**
 * Runs sorted by a column; runs without a value come last in both
 * directions, and ties keep their order.
 */
export function sortRuns(
  runs: readonly IRun[],
  columns: readonly IRunColumn[],
  sort: IRunSort | null
): IRun[] {
  const column = sort ? columns.find(c => c.id === sort.column) : undefined;
  if (!sort || !column) {
    return [...runs];
  }
  const sign = sort.direction === 'asc' ? 1 : -1;
  return runs
    .map((run, index) => ({ run, index, value: cellValue(run, column) }))
    .sort((a, b) => {
      if (a.value === undefined || b.value === undefined) {
        if (a.value === b.value) {
          return a.index - b.index;
        }
        return a.value === undefined ? 1 : -1;
      }
      return sign * compareValues(a.value, b.value) || a.index - b.index;
    })
    .map(item => item.run);
}

/** The next sort after a click on a column header. */
export function nextSort(current: IRunSort | null, column: string): IRunSort {
  if (current?.column === column) {
    return {
      column,
      direction: current.direction === 'asc' ? 'desc' : 'asc'
    };
  }
  // Newest first is what people want from times; smallest first otherwise.
  return { column, direction: column === 'start_time' ? 'desc' : 'asc' };
}
