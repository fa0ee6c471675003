/*
 * The side-by-side comparison of runs: the table's rows and the Vega-Lite
 * specs of the metric charts.
 */
import type { IRun, IRunComparison } from '../../api/experiments';
import { runLabel } from './run-columns';

/** The most runs that can be compared at once (and the fewest). */
export const MAX_COMPARED = 5;
export const MIN_COMPARED = 2;

/**
 * What the selection allows, as visible text (the Compare button and the
 * checkboxes are disabled for the reason it gives).
 */
export function selectionHint(count: number): string {
  if (count === 0) {
    return `Select ${MIN_COMPARED} to ${MAX_COMPARED} runs to compare`;
  }
  if (count < MIN_COMPARED) {
    const more = MIN_COMPARED - count;
    return `${count} selected: select ${more} more to compare`;
  }
  if (count >= MAX_COMPARED) {
    return `${count} selected, the most that can be compared`;
  }
  return `${count} selected`;
}

/** One row of the comparison table. */
export interface IComparisonRow {
  /** `param` or `metric`. */
  section: 'param' | 'metric';
  key: string;
  /** One value per compared run, in column order (`null`: not logged). */
  values: (string | number | null)[];
  /** Whether the runs' values differ. */
  differs: boolean;
}

/** The comparison table: one column per run, params then metrics. */
export interface IComparisonTable {
  runs: IRun[];
  /** Column headers (run names, made unique). */
  labels: string[];
  rows: IComparisonRow[];
}

/** Run names, made unique with their id when two runs share one. */
export function uniqueLabels(runs: readonly IRun[]): string[] {
  const labels = runs.map(runLabel);
  return labels.map((label, i) =>
    labels.indexOf(label) !== labels.lastIndexOf(label)
      ? `${label} (${runs[i].run_id.slice(0, 6)})`
      : label
  );
}

/**
 * Build the comparison table in the order of `comparison.run_ids`.
 *
 * @param onlyDiffering - keep only the params whose values differ.
 */
export function comparisonTable(
  comparison: IRunComparison,
  onlyDiffering = false
): IComparisonTable {
  const byId = new Map(comparison.runs.map(run => [run.run_id, run]));
  const runs = comparison.run_ids
    .map(id => byId.get(id))
    .filter((run): run is IRun => run !== undefined);
  const ids = runs.map(run => run.run_id);
  const rows: IComparisonRow[] = [];
  for (const param of comparison.params) {
    if (onlyDiffering && !param.differs) {
      continue;
    }
    rows.push({
      section: 'param',
      key: param.key,
      values: ids.map(id => param.values[id] ?? null),
      differs: param.differs
    });
  }
  for (const metric of comparison.metrics) {
    const values = ids.map(id => metric.values[id] ?? null);
    rows.push({
      section: 'metric',
      key: metric.key,
      values,
      differs: new Set(values.map(v => String(v))).size > 1
    });
  }
  return { runs, labels: uniqueLabels(runs), rows };
}

/** The Vega-Lite mime type JupyterLab renders. */
export { VEGALITE_MIME } from '../../utils/mime';

/** Metric keys that have a history, in the order of the comparison's metrics. */
export function chartedMetrics(comparison: IRunComparison): string[] {
  const keys = comparison.metrics.map(m => m.key);
  for (const key of Object.keys(comparison.histories ?? {})) {
    if (!keys.includes(key)) {
      keys.push(key);
    }
  }
  return keys.filter(key =>
    Object.values(comparison.histories?.[key] ?? {}).some(p => p.length > 0)
  );
}

/**
 * A Vega-Lite chart of one metric: a line per run over steps, or bars when
 * no run logged it at more than one step.
 */
export function metricChartSpec(
  comparison: IRunComparison,
  key: string
): Record<string, unknown> {
  const table = comparisonTable(comparison);
  const histories = comparison.histories?.[key] ?? {};
  const values: { run: string; step: number; value: number }[] = [];
  table.runs.forEach((run, i) => {
    for (const point of histories[run.run_id] ?? []) {
      values.push({
        run: table.labels[i],
        step: point.step,
        value: point.value
      });
    }
  });
  const color = {
    field: 'run',
    type: 'nominal',
    title: 'run',
    sort: table.labels
  };
  const overSteps = table.runs.some(
    run => (histories[run.run_id] ?? []).length > 1
  );
  const base = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: key,
    width: 'container',
    height: 180,
    data: { values }
  };
  if (!overSteps) {
    return {
      ...base,
      mark: { type: 'bar', tooltip: true },
      encoding: {
        x: { field: 'run', type: 'nominal', title: null, sort: table.labels },
        y: { field: 'value', type: 'quantitative', title: key },
        color
      }
    };
  }
  return {
    ...base,
    mark: { type: 'line', point: true, tooltip: true },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step' },
      y: {
        field: 'value',
        type: 'quantitative',
        title: key,
        scale: { zero: false }
      },
      color
    }
  };
}
