import { sortErrorDetail } from '../field-errors';

describe('sortErrorDetail', () => {
  const fields = ['name', 'space_id', 'max_runtime_seconds'];

  it('sorts parameter, form and other errors', () => {
    expect(
      sortErrorDetail(
        [
          { loc: ['parameters', 'script'], msg: 'Field required' },
          { loc: ['parameters', 'arguments', 3], msg: 'bad argument' },
          { loc: ['max_runtime_seconds'], msg: 'Input should be > 0' },
          { loc: ['body', 'name'], msg: 'too long' },
          { loc: ['kind'], msg: 'unknown kind' },
          { msg: 'something else' }
        ],
        fields
      )
    ).toEqual({
      parameters: {
        script: 'Field required',
        arguments: '3: bad argument'
      },
      fields: {
        max_runtime_seconds: 'Input should be > 0',
        name: 'too long'
      },
      other: ['kind: unknown kind', 'something else']
    });
  });

  it('keeps the first error of a field', () => {
    expect(
      sortErrorDetail(
        [
          { loc: ['parameters', 'who'], msg: 'first' },
          { loc: ['parameters', 'who'], msg: 'second' }
        ],
        fields
      ).parameters
    ).toEqual({ who: 'first' });
  });

  it('accepts no detail', () => {
    expect(sortErrorDetail(null, fields)).toEqual({
      parameters: {},
      fields: {},
      other: []
    });
  });
});
