/*
 * Vega-Lite specifications of a candidate's charts (rendered by JupyterLab's
 * own Vega renderer through components/vega-chart).
 */
import type {
  IConfusionMatrix,
  IFeatureImportance,
  IResiduals
} from '../../api/automl';

type Spec = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
const WIDTH = 260;

/** A heat map of counts, actual classes down, predicted across. */
export function confusionMatrixSpec(cm: IConfusionMatrix): Spec {
  const values: Array<Record<string, unknown>> = [];
  cm.matrix.forEach((row, i) =>
    row.forEach((count, j) =>
      values.push({ actual: cm.labels[i], predicted: cm.labels[j], count })
    )
  );
  const half = Math.max(0, ...cm.matrix.flat()) / 2;
  return {
    $schema: SCHEMA,
    title: 'Confusion matrix',
    width: WIDTH,
    height: WIDTH,
    data: { values },
    encoding: {
      x: {
        field: 'predicted',
        type: 'nominal',
        sort: cm.labels,
        title: 'Predicted'
      },
      y: { field: 'actual', type: 'nominal', sort: cm.labels, title: 'Actual' }
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: { field: 'count', type: 'quantitative', legend: null }
        }
      },
      {
        mark: { type: 'text' },
        encoding: {
          text: { field: 'count', type: 'quantitative', format: ',.4~g' },
          color: {
            condition: { test: `datum.count > ${half}`, value: 'white' },
            value: 'black'
          }
        }
      }
    ]
  };
}

/** Predicted against actual values, with the line of perfect predictions. */
export function residualSpec(residuals: IResiduals): Spec {
  const values = residuals.actual
    .map((actual, i) => ({ actual, predicted: residuals.predicted[i] }))
    .filter(p => p.actual !== null && p.predicted !== null);
  const all = values.flatMap(p => [p.actual as number, p.predicted as number]);
  const low = all.length ? Math.min(...all) : 0;
  const high = all.length ? Math.max(...all) : 1;
  return {
    $schema: SCHEMA,
    title: 'Predicted vs actual',
    width: WIDTH,
    height: WIDTH,
    layer: [
      {
        data: { values },
        mark: { type: 'point', opacity: 0.5, size: 12 },
        encoding: {
          x: { field: 'actual', type: 'quantitative', title: 'Actual' },
          y: { field: 'predicted', type: 'quantitative', title: 'Predicted' }
        }
      },
      {
        data: { values: [{ v: low }, { v: high }] },
        mark: { type: 'line', color: 'gray', strokeDash: [4, 4] },
        encoding: {
          x: { field: 'v', type: 'quantitative' },
          y: { field: 'v', type: 'quantitative' }
        }
      }
    ]
  };
}

/** A curve of `[x, y]` points (ROC or precision-recall). */
export function curveSpec(
  points: ReadonlyArray<ReadonlyArray<number | null>>,
  title: string,
  xTitle: string,
  yTitle: string,
  diagonal = false
): Spec {
  const values = points
    .filter(p => p[0] !== null && p[1] !== null)
    .map((p, order) => ({ x: p[0], y: p[1], order }));
  const layers: Spec[] = [
    {
      data: { values },
      mark: { type: 'line', interpolate: 'step-after' },
      encoding: {
        x: {
          field: 'x',
          type: 'quantitative',
          title: xTitle,
          scale: { domain: [0, 1] }
        },
        y: {
          field: 'y',
          type: 'quantitative',
          title: yTitle,
          scale: { domain: [0, 1] }
        },
        order: { field: 'order', type: 'quantitative' }
      }
    }
  ];
  if (diagonal) {
    layers.push({
      data: {
        values: [
          { x: 0, y: 0 },
          { x: 1, y: 1 }
        ]
      },
      mark: { type: 'line', color: 'gray', strokeDash: [4, 4] },
      encoding: {
        x: { field: 'x', type: 'quantitative' },
        y: { field: 'y', type: 'quantitative' }
      }
    });
  }
  return { $schema: SCHEMA, title, width: WIDTH, height: WIDTH, layer: layers };
}

/** Horizontal bars, most important feature first (at most `limit`).
 *
 * The chart takes its card's width (`width: 'container'`) and one band per
 * feature, and long feature names are cut (the tooltip has them whole), so
 * it fits the card whatever the names and the number of features.
 */
export function importanceSpec(
  importance: readonly IFeatureImportance[],
  limit = 20
): Spec {
  const values = importance
    .filter(f => f.importance !== null)
    .slice(0, limit)
    .map(f => ({ feature: f.feature, importance: f.importance }));
  return {
    $schema: SCHEMA,
    title: 'Feature importance (permutation)',
    width: 'container',
    height: { step: 18 },
    autosize: { type: 'fit-x', contains: 'padding' },
    data: { values },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: {
        field: 'feature',
        type: 'nominal',
        sort: '-x',
        title: null,
        axis: { labelLimit: 120 }
      },
      x: {
        field: 'importance',
        type: 'quantitative',
        title: 'Loss increase when shuffled'
      }
    }
  };
}
