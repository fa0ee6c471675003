import { csvField, hasHeader, parseCsv, pickRows, toCsv } from '../csv';

describe('parseCsv', () => {
  it('reads fields, quotes, doubled quotes and CRLF', () => {
    expect(parseCsv('a,b\r\n1,"x, y"\n2,"say ""hi"""\n')).toEqual([
      ['a', 'b'],
      ['1', 'x, y'],
      ['2', 'say "hi"']
    ]);
  });

  it('keeps newlines inside quotes and skips blank lines', () => {
    expect(parseCsv('a\n"two\nlines"\n\n3')).toEqual([
      ['a'],
      ['two\nlines'],
      ['3']
    ]);
  });

  it('keeps empty fields', () => {
    expect(parseCsv('1,,3\n,,\n')).toEqual([
      ['1', '', '3'],
      ['', '', '']
    ]);
  });

  it('stops after maxRecords', () => {
    expect(parseCsv('1\n2\n3\n4\n', 2)).toEqual([['1'], ['2']]);
  });
});

describe('toCsv', () => {
  it('quotes only what needs quoting', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(
      toCsv([
        ['a', 'b'],
        ['1', 'x\ny']
      ])
    ).toBe('a,b\n1,"x\ny"\n');
  });

  it('round-trips with parseCsv', () => {
    const records = [
      ['name', 'note'],
      ['x', 'a, "b"\nc']
    ];
    expect(parseCsv(toCsv(records))).toEqual(records);
  });
});

describe('hasHeader', () => {
  it('sees a header that names the model columns', () => {
    expect(
      hasHeader(
        [
          ['a', 'b'],
          ['x', 'y']
        ],
        ['b']
      )
    ).toBe(true);
  });

  it('guesses from text above numbers', () => {
    expect(hasHeader(parseCsv('x,y\n1,2\n'))).toBe(true);
    expect(hasHeader(parseCsv('1,2\n3,4\n'))).toBe(false);
    expect(hasHeader(parseCsv('red,2\nblue,4\n'))).toBe(false);
  });
});

describe('pickRows', () => {
  const file =
    'sepal_length,sepal_width,target\n5.1,3.5,0\n6.7,3.0,2\n5.9,3.0,1\n';

  it('takes the header and the first N rows', () => {
    const picked = pickRows(file, 2);
    expect(picked.csv).toBe(
      'sepal_length,sepal_width,target\n5.1,3.5,0\n6.7,3.0,2\n'
    );
    expect(picked.rows).toBe(2);
    expect(picked.more).toBe(true);
  });

  it('keeps only the model columns, in the model order', () => {
    const picked = pickRows(file, 5, ['sepal_width', 'sepal_length']);
    expect(picked.csv).toBe(
      'sepal_width,sepal_length\n3.5,5.1\n3.0,6.7\n3.0,5.9\n'
    );
    expect(picked.rows).toBe(3);
    expect(picked.more).toBe(false);
    expect(picked.dropped).toEqual(['target']);
    expect(picked.missing).toEqual([]);
  });

  it('reports model columns the file lacks', () => {
    const picked = pickRows(file, 1, ['sepal_length', 'petal_width']);
    expect(picked.csv).toBe('sepal_length\n5.1\n');
    expect(picked.missing).toEqual(['petal_width']);
  });

  it('takes rows of a file without a header as they are', () => {
    const picked = pickRows('1,2\n3,4\n5,6\n', 2, ['a', 'b']);
    expect(picked.csv).toBe('1,2\n3,4\n');
    expect(picked.more).toBe(true);
  });

  it('takes nothing for zero rows', () => {
    expect(pickRows(file, 0).rows).toBe(0);
  });
});
