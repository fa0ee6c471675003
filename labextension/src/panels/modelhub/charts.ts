/*
 * Vega-Lite specs of the model hub: the live loss curve of a fine-tuning
 * and the metric comparison of an evaluation (when the server sends none).
 */
import type { IEvaluationRow, ILossPoint } from '../../api/modelhub';

/** The loss curve of a fine-tuning (steps on x). */
export function lossChartSpec(points: ILossPoint[]): Record<string, unknown> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 'container',
    height: 180,
    data: { values: points.map(p => ({ step: p.step, loss: p.loss })) },
    mark: { type: 'line', point: points.length <= 60, tooltip: true },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'Step' },
      y: {
        field: 'loss',
        type: 'quantitative',
        title: 'Training loss',
        scale: { zero: false }
      }
    }
  };
}

/** Bars of each metric by model, side by side (one column per metric). */
export function evaluationChartSpec(
  rows: IEvaluationRow[]
): Record<string, unknown> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: {
      values: rows.map(r => ({
        model: r.model,
        metric: r.perturbation ? `${r.metric} (${r.perturbation})` : r.metric,
        value: r.value
      }))
    },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      column: { field: 'metric', type: 'nominal', title: null },
      x: {
        field: 'model',
        type: 'nominal',
        title: null,
        axis: { labels: false }
      },
      y: { field: 'value', type: 'quantitative', title: null },
      color: { field: 'model', type: 'nominal', title: 'Model' }
    },
    width: 70,
    height: 160
  };
}

/** The evaluation table: one row per metric (and perturbation), one column per model. */
export interface IComparisonTable {
  models: string[];
  rows: Array<{
    metric: string;
    perturbation: string | null;
    values: Array<number | null>;
    best: number | null;
  }>;
}

/** Metrics where lower is better (the best cell is the smallest). */
const LOWER_IS_BETTER = /loss|error|toxicity|refusal|drop|delta|perplexity/i;

/** Pivot evaluation rows into a comparison table, marking the best model per row. */
export function comparisonTable(rows: IEvaluationRow[]): IComparisonTable {
  const models: string[] = [];
  const keys: string[] = [];
  const cells = new Map<string, Map<string, number>>();
  const labels = new Map<
    string,
    { metric: string; perturbation: string | null }
  >();
  for (const row of rows) {
    if (!models.includes(row.model)) {
      models.push(row.model);
    }
    const key = JSON.stringify([row.metric, row.perturbation ?? null]);
    if (!keys.includes(key)) {
      keys.push(key);
      labels.set(key, {
        metric: row.metric,
        perturbation: row.perturbation ?? null
      });
      cells.set(key, new Map());
    }
    cells.get(key)!.set(row.model, row.value);
  }
  return {
    models,
    rows: keys.map(key => {
      const label = labels.get(key)!;
      const values = models.map(m => cells.get(key)!.get(m) ?? null);
      const present = values.filter(
        (v): v is number => v !== null && Number.isFinite(v)
      );
      let best: number | null = null;
      if (present.length > 1 && new Set(present).size > 1) {
        const target = LOWER_IS_BETTER.test(label.metric)
          ? Math.min(...present)
          : Math.max(...present);
        best = values.indexOf(target);
      }
      return { ...label, values, best };
    })
  };
}

/** A metric value for the table: 3 significant decimals. */
export function formatMetric(value: number | null): string {
  if (value === null || !Number.isFinite(value)) {
    return '—';
  }
  return Math.abs(value) >= 100 ? value.toFixed(1) : value.toFixed(3);
}
