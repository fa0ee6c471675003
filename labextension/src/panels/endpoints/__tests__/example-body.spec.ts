import { exampleBody } from '../example-body';
import { formatMs } from '../../../components/response-table';

const columns = [
  { name: 'age', type: 'long' },
  { name: 'city', type: 'string' },
  { name: 'score', type: 'double' }
];

describe('exampleBody', () => {
  it('writes a CSV header and a row of placeholders', () => {
    expect(exampleBody(columns, 'text/csv')).toBe('age,city,score\n0,,0\n');
  });

  it('writes JSON in the columns/data form', () => {
    expect(JSON.parse(exampleBody(columns, 'application/json'))).toEqual({
      columns: ['age', 'city', 'score'],
      data: [[0, '', 0]]
    });
  });
});

describe('formatMs', () => {
  it('shows two decimals under 10 ms, one above', () => {
    expect(formatMs(1.234)).toBe('1.23 ms');
    expect(formatMs(12.345)).toBe('12.3 ms');
    expect(formatMs(null)).toBe('—');
    expect(formatMs(undefined)).toBe('—');
  });
});
