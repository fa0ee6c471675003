import {
  confusionMatrixSpec,
  curveSpec,
  importanceSpec,
  residualSpec
} from '../charts';

describe('AutoML charts', () => {
  it('lays out a confusion matrix cell per pair', () => {
    const spec = confusionMatrixSpec({
      labels: ['no', 'yes'],
      matrix: [
        [5, 1],
        [2, 7]
      ]
    });
    const values = (spec.data as { values: unknown[] }).values;
    expect(values).toHaveLength(4);
    expect(values[1]).toEqual({ actual: 'no', predicted: 'yes', count: 1 });
  });

  it('drops null points and keeps curve order', () => {
    const spec = curveSpec(
      [
        [0, 0],
        [null, 1],
        [1, 1]
      ],
      'ROC',
      'FPR',
      'TPR',
      true
    );
    const layers = spec.layer as Array<{ data: { values: unknown[] } }>;
    expect(layers[0].data.values).toEqual([
      { x: 0, y: 0, order: 0 },
      { x: 1, y: 1, order: 1 }
    ]);
    expect(layers).toHaveLength(2);
  });

  it('plots residuals and importance', () => {
    const residual = residualSpec({
      actual: [1, 2, null],
      predicted: [1.5, 2, 3],
      mean: 0,
      std: 1
    });
    const layers = residual.layer as Array<{ data: { values: unknown[] } }>;
    expect(layers[0].data.values).toHaveLength(2);
    const bars = importanceSpec([
      { feature: 'a', importance: 0.2 },
      { feature: 'b', importance: null }
    ]);
    expect((bars.data as { values: unknown[] }).values).toEqual([
      { feature: 'a', importance: 0.2 }
    ]);
  });

  it('fits the importance chart to its card, one band per feature', () => {
    const features = Array.from({ length: 12 }, (_, i) => ({
      feature: `a_rather_long_feature_name_number_${i}`,
      importance: 1 / (i + 1)
    }));
    const spec = importanceSpec(features);
    expect(spec.width).toBe('container');
    expect(spec.height).toEqual({ step: 18 });
    expect(spec.autosize).toEqual({ type: 'fit-x', contains: 'padding' });
    const y = (spec.encoding as Record<string, Record<string, unknown>>).y;
    expect((y.axis as { labelLimit: number }).labelLimit).toBeLessThanOrEqual(
      160
    );
    expect((spec.data as { values: unknown[] }).values).toHaveLength(12);
  });
});
