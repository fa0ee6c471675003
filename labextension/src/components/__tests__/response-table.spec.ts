import {
  csvTable,
  formatCell,
  jsonTable,
  responseTable
} from '../response-table';

describe('jsonTable', () => {
  it('puts predictions beside class probabilities', () => {
    expect(
      jsonTable({
        predictions: [0, 2],
        probabilities: [
          { '0': 0.9, '1': 0.1, '2': 0 },
          { '0': 0, '1': 0.2, '2': 0.8 }
        ]
      })
    ).toEqual({
      columns: [
        'prediction',
        'probability_0',
        'probability_1',
        'probability_2'
      ],
      rows: [
        [0, 0.9, 0.1, 0],
        [2, 0, 0.2, 0.8]
      ]
    });
  });

  it('reads probabilities given as lists', () => {
    expect(
      jsonTable({ predictions: ['a'], probabilities: [[0.3, 0.7]] })
    ).toEqual({
      columns: ['prediction', 'probability_0', 'probability_1'],
      rows: [['a', 0.3, 0.7]]
    });
  });

  it('reads lists of records, of values, and column dicts', () => {
    expect(jsonTable([{ a: 1 }, { a: 2, b: 3 }])).toEqual({
      columns: ['a', 'b'],
      rows: [
        [1, undefined],
        [2, 3]
      ]
    });
    expect(jsonTable([1.5, 2.5])).toEqual({
      columns: ['prediction'],
      rows: [[1.5], [2.5]]
    });
    expect(jsonTable({ predictions: [[1, 2]] })).toEqual({
      columns: ['prediction_0', 'prediction_1'],
      rows: [[1, 2]]
    });
    expect(jsonTable({ predictions: { y: [1, 2] } })).toEqual({
      columns: ['y'],
      rows: [[1], [2]]
    });
  });

  it('gives up on other shapes', () => {
    expect(jsonTable({ message: 'nope' })).toBeNull();
    expect(jsonTable('text')).toBeNull();
  });
});

describe('csvTable and responseTable', () => {
  it('reads a CSV answer with its header', () => {
    expect(csvTable('prediction,probability_0\n1,0.25\n')).toEqual({
      columns: ['prediction', 'probability_0'],
      rows: [['1', '0.25']]
    });
    expect(csvTable('')).toBeNull();
  });

  it('picks the reader by content type', () => {
    expect(responseTable('application/json', '[1]')?.rows).toEqual([[1]]);
    expect(responseTable('text/csv', 'a\n1\n')?.columns).toEqual(['a']);
    expect(responseTable('application/json', '{bad')).toBeNull();
    expect(responseTable('text/plain', 'x')).toBeNull();
  });
});

describe('formatCell', () => {
  it('shortens long numbers only', () => {
    expect(formatCell(1.4395045350105303e-8)).toBe('1.4395e-8');
    expect(formatCell(0.981656829444016)).toBe('0.981657');
    expect(formatCell(3)).toBe('3');
    expect(formatCell('0.0800835527736498')).toBe('0.0800836');
    expect(formatCell('setosa')).toBe('setosa');
    expect(formatCell('12')).toBe('12');
    expect(formatCell(null)).toBe('');
    expect(formatCell({ a: 1 })).toBe('{"a":1}');
  });
});
