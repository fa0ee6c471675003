import {
  comparisonTable,
  evaluationChartSpec,
  formatMetric,
  lossChartSpec
} from '../charts';
import { csvHeader, guessColumn, isDataFile } from '../data-files';

describe('lossChartSpec', () => {
  it('plots loss by step', () => {
    const spec = lossChartSpec([
      { step: 1, loss: 1.7 },
      { step: 2, loss: 1.2, epoch: 0.1 }
    ]);
    expect((spec.data as { values: unknown[] }).values).toEqual([
      { step: 1, loss: 1.7 },
      { step: 2, loss: 1.2 }
    ]);
  });
});

describe('comparisonTable', () => {
  const rows = [
    { model: 'base', metric: 'accuracy', value: 0.33 },
    { model: 'tuned', metric: 'accuracy', value: 0.9 },
    { model: 'base', metric: 'accuracy', value: 0.3, perturbation: 'typos' },
    { model: 'tuned', metric: 'accuracy', value: 0.85, perturbation: 'typos' },
    { model: 'base', metric: 'refusal_rate', value: 0.2 },
    { model: 'tuned', metric: 'refusal_rate', value: 0.1 },
    { model: 'base', metric: 'f1', value: 0.5 }
  ];

  it('has one column per model and one row per metric and perturbation', () => {
    const table = comparisonTable(rows);
    expect(table.models).toEqual(['base', 'tuned']);
    expect(table.rows.map(r => [r.metric, r.perturbation])).toEqual([
      ['accuracy', null],
      ['accuracy', 'typos'],
      ['refusal_rate', null],
      ['f1', null]
    ]);
  });

  it('marks the best model (lower is better for rates of failure)', () => {
    const table = comparisonTable(rows);
    expect(table.rows[0].best).toBe(1);
    expect(table.rows[2].best).toBe(1);
    expect(table.rows[3].values).toEqual([0.5, null]);
    expect(table.rows[3].best).toBeNull();
  });

  it('charts every row', () => {
    const spec = evaluationChartSpec(rows);
    expect((spec.data as { values: unknown[] }).values).toHaveLength(
      rows.length
    );
    expect(formatMetric(0.91234)).toBe('0.912');
    expect(formatMetric(null)).toBe('—');
  });
});

describe('data files', () => {
  it('knows data files and reads a CSV header', () => {
    expect(isDataFile('a/b/train.CSV')).toBe(true);
    expect(isDataFile('x.parquet')).toBe(true);
    expect(isDataFile('notes.txt')).toBe(false);
    expect(csvHeader('"instruction", response\nhi,there\n')).toEqual([
      'instruction',
      'response'
    ]);
  });

  it('guesses columns from hints', () => {
    expect(guessColumn(['Prompt', 'Answer'], ['instruction', 'prompt'])).toBe(
      'Prompt'
    );
    expect(guessColumn(['a', 'b'], ['label'], 'b')).toBe('b');
  });
});
