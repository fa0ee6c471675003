import {
  IColumnInfo,
  IStepField,
  conditionValue,
  humanize,
  initialStepValues,
  listText,
  parseStepField,
  stepFields,
  stepParameters
} from '../step-fields';

/*
 * The parameters schemas the server sends (`Transform.json_schema()` and
 * `FileSourceParams.model_json_schema()`), copied from its answers.
 */
const FILTER_ROWS: Record<string, any> = {
  $defs: {
    Condition: {
      additionalProperties: false,
      properties: {
        column: {
          minLength: 1,
          title: 'Column',
          type: 'string',
          'x-studio-widget': 'column'
        },
        operator: {
          default: '==',
          enum: [
            '==',
            '!=',
            '<',
            '<=',
            '>',
            '>=',
            'is_null',
            'is_not_null',
            'contains',
            'starts_with',
            'in',
            'not_in'
          ],
          title: 'Operator',
          type: 'string'
        },
        value: {
          anyOf: [
            { type: 'number' },
            { type: 'integer' },
            { type: 'string' },
            { type: 'boolean' },
            {
              items: {
                anyOf: [
                  { type: 'number' },
                  { type: 'integer' },
                  { type: 'string' },
                  { type: 'boolean' }
                ]
              },
              type: 'array'
            },
            { type: 'null' }
          ],
          default: null,
          title: 'Value'
        }
      },
      required: ['column'],
      title: 'Condition',
      type: 'object'
    }
  },
  additionalProperties: false,
  properties: {
    conditions: {
      description: 'Column, operator and value of each condition.',
      items: { $ref: '#/$defs/Condition' },
      minItems: 1,
      title: 'Conditions',
      type: 'array',
      'x-studio-widget': 'conditions'
    },
    combine: {
      default: 'all',
      description: 'Keep rows matching all/any.',
      enum: ['all', 'any'],
      title: 'Combine',
      type: 'string'
    },
    keep: {
      default: true,
      description: 'Keep the matching rows (or remove them).',
      title: 'Keep',
      type: 'boolean'
    }
  },
  required: ['conditions'],
  title: 'FilterParams',
  type: 'object'
};
const FILL_MISSING: Record<string, any> = {
  additionalProperties: false,
  properties: {
    columns: {
      items: { type: 'string' },
      minItems: 1,
      title: 'Columns',
      type: 'array',
      'x-studio-widget': 'columns'
    },
    strategy: {
      default: 'auto',
      description:
        'What replaces a missing value; auto: the median of a number column, the most frequent value of any other.',
      enum: ['auto', 'constant', 'mean', 'median', 'mode'],
      title: 'Strategy',
      type: 'string'
    },
    value: {
      anyOf: [
        { type: 'number' },
        { type: 'integer' },
        { type: 'string' },
        { type: 'boolean' },
        { type: 'null' }
      ],
      default: null,
      description: "The value used by the 'constant' strategy.",
      title: 'Value'
    }
  },
  required: ['columns'],
  title: 'FillMissingParams',
  type: 'object'
};
const CAST_COLUMNS: Record<string, any> = {
  additionalProperties: false,
  properties: {
    types: {
      additionalProperties: {
        enum: [
          'int64',
          'int32',
          'float64',
          'float32',
          'string',
          'boolean',
          'date',
          'datetime',
          'categorical'
        ],
        type: 'string'
      },
      description:
        'Column -> new type (int64, int32, float64, float32, string, boolean, date, datetime, categorical).',
      minProperties: 1,
      title: 'Types',
      type: 'object',
      'x-studio-widget': 'column-map'
    },
    on_error: {
      default: 'fail',
      description: 'Stop on values that do not convert, or make them missing.',
      enum: ['fail', 'null'],
      title: 'On Error',
      type: 'string'
    }
  },
  required: ['types'],
  title: 'CastParams',
  type: 'object'
};
const JOIN: Record<string, any> = {
  additionalProperties: false,
  properties: {
    left_on: {
      description: 'Columns of the left input to match, in order.',
      items: { type: 'string' },
      minItems: 1,
      title: 'Left keys',
      type: 'array',
      'x-studio-widget': 'columns'
    },
    right_on: {
      description: 'The matching columns of the right input, in order.',
      items: { type: 'string' },
      minItems: 1,
      title: 'Right keys',
      type: 'array',
      'x-studio-input': 1,
      'x-studio-widget': 'columns'
    },
    how: {
      default: 'inner',
      description:
        'inner: matching rows; left/right: all rows of one side; outer: all rows; anti: left rows without a match; semi: left rows with a match.',
      enum: ['inner', 'left', 'right', 'outer', 'anti', 'semi'],
      title: 'How',
      type: 'string'
    },
    suffix: {
      default: '_right',
      description: 'Added to right columns whose name clashes.',
      title: 'Suffix',
      type: 'string'
    }
  },
  required: ['left_on', 'right_on'],
  title: 'JoinParams',
  type: 'object'
};
const SORT_ROWS: Record<string, any> = {
  $defs: {
    SortKey: {
      additionalProperties: false,
      properties: {
        column: {
          minLength: 1,
          title: 'Column',
          type: 'string',
          'x-studio-widget': 'column'
        },
        descending: { default: false, title: 'Descending', type: 'boolean' }
      },
      required: ['column'],
      title: 'SortKey',
      type: 'object'
    }
  },
  additionalProperties: false,
  properties: {
    by: {
      description: 'Columns, in order.',
      items: { $ref: '#/$defs/SortKey' },
      minItems: 1,
      title: 'Sort by',
      type: 'array'
    },
    nulls_last: { default: true, title: 'Nulls Last', type: 'boolean' }
  },
  required: ['by'],
  title: 'SortParams',
  type: 'object'
};
const MOVE_COLUMN: Record<string, any> = {
  additionalProperties: false,
  properties: {
    column: {
      minLength: 1,
      title: 'Column',
      type: 'string',
      'x-studio-widget': 'column'
    },
    position: {
      default: 'first',
      enum: ['first', 'last', 'before', 'after'],
      title: 'Position',
      type: 'string'
    },
    anchor: {
      anyOf: [{ type: 'string' }, { type: 'null' }],
      default: null,
      description: "For 'before' and 'after'.",
      title: 'Anchor',
      'x-studio-widget': 'column'
    }
  },
  required: ['column'],
  title: 'MoveParams',
  type: 'object'
};
const RENAME_COLUMNS: Record<string, any> = {
  additionalProperties: false,
  properties: {
    mapping: {
      additionalProperties: true,
      description: 'Old name -> new name.',
      minProperties: 1,
      title: 'Mapping',
      type: 'object',
      'x-studio-widget': 'column-map'
    }
  },
  required: ['mapping'],
  title: 'RenameParams',
  type: 'object'
};
const FILE_SOURCE: Record<string, any> = {
  $defs: {
    CsvOptions: {
      additionalProperties: false,
      properties: {
        delimiter: {
          anyOf: [{ maxLength: 1, type: 'string' }, { type: 'null' }],
          default: null,
          description: 'Guessed from the first lines when empty.',
          title: 'Delimiter'
        },
        has_header: { default: true, title: 'Has Header', type: 'boolean' },
        encoding: {
          default: 'utf8',
          enum: ['utf8', 'utf8-lossy', 'latin1', 'cp1252', 'utf16'],
          title: 'Encoding',
          type: 'string'
        },
        null_values: {
          items: { type: 'string' },
          title: 'Null Values',
          type: 'array'
        },
        infer_rows: {
          anyOf: [{ minimum: 10, type: 'integer' }, { type: 'null' }],
          default: 10000,
          title: 'Infer Rows'
        }
      },
      title: 'CsvOptions',
      type: 'object'
    }
  },
  additionalProperties: false,
  properties: {
    path: {
      minLength: 1,
      title: 'Path',
      type: 'string',
      'x-studio-widget': 'path'
    },
    format: {
      default: 'auto',
      enum: ['auto', 'csv', 'tsv', 'jsonl', 'parquet'],
      title: 'Format',
      type: 'string'
    },
    csv: { $ref: '#/$defs/CsvOptions' }
  },
  required: ['path'],
  title: 'FileSourceParams',
  type: 'object'
};

const SALES: IColumnInfo[] = [
  { name: 'id', kind: 'numeric' },
  { name: 'city', kind: 'categorical' },
  { name: 'price', kind: 'numeric' },
  { name: 'paid', kind: 'boolean' }
];
const CITIES: IColumnInfo[] = [
  { name: 'City', kind: 'categorical' },
  { name: 'region', kind: 'categorical' }
];

const byName = (fields: IStepField[]) =>
  Object.fromEntries(fields.map(f => [f.name, f]));

describe('stepFields', () => {
  it('makes every column parameter a picker of its input', () => {
    const fill = byName(stepFields(FILL_MISSING));
    expect(fill.columns.kind).toBe('columns');
    expect(fill.strategy.kind).toBe('plain');
    const join = byName(stepFields(JOIN));
    expect([join.left_on.kind, join.left_on.input]).toEqual(['columns', 0]);
    expect([join.right_on.kind, join.right_on.input]).toEqual(['columns', 1]);
    expect(join.left_on.base.label).toBe('Left keys');
    const move = byName(stepFields(MOVE_COLUMN));
    expect(move.column.kind).toBe('column');
    expect([move.anchor.kind, move.anchor.base.nullable]).toEqual([
      'column',
      true
    ]);
  });

  it('reads conditions, sort keys and column maps as rows', () => {
    const filter = byName(stepFields(FILTER_ROWS));
    expect(filter.conditions.kind).toBe('conditions');
    expect(filter.conditions.children!.map(c => [c.name, c.kind])).toEqual([
      ['column', 'column'],
      ['operator', 'plain'],
      ['value', 'plain']
    ]);
    const sort = byName(stepFields(SORT_ROWS));
    expect(sort.by.kind).toBe('rows');
    expect(sort.by.children!.map(c => c.name)).toEqual([
      'column',
      'descending'
    ]);
    const cast = byName(stepFields(CAST_COLUMNS));
    expect(cast.types.kind).toBe('columnMap');
    expect(cast.types.valueOptions).toContain('float64');
    expect(byName(stepFields(RENAME_COLUMNS)).mapping.valueOptions).toBe(
      undefined
    );
  });

  it('makes a nested object of options a group of real fields', () => {
    const source = byName(stepFields(FILE_SOURCE));
    expect(source.path.kind).toBe('plain');
    expect(source.csv.kind).toBe('group');
    expect(source.csv.base.label).toBe('CSV options');
    const csv = byName(source.csv.children!);
    expect(csv.delimiter.base.type).toBe('string');
    expect(csv.has_header.base.type).toBe('boolean');
    expect(csv.encoding.base.options).toContain('latin1');
    const values = initialStepValues(stepFields(FILE_SOURCE), {});
    expect(values.csv).toEqual({
      delimiter: '',
      has_header: true,
      encoding: '"utf8"',
      null_values: '',
      infer_rows: '10000'
    });
    const { parameters, problems } = stepParameters(
      stepFields(FILE_SOURCE),
      {
        ...values,
        path: 'data/x.csv',
        csv: { ...(values.csv as object), delimiter: ';', has_header: false }
      },
      () => null
    );
    expect(problems).toEqual({});
    expect(parameters).toEqual({
      path: 'data/x.csv',
      format: 'auto',
      csv: {
        delimiter: ';',
        has_header: false,
        encoding: 'utf8',
        infer_rows: 10000
      }
    });
  });

  it('is empty for no schema', () => {
    expect(stepFields(null)).toEqual([]);
  });
});

describe('stepParameters', () => {
  const columnsOf = (input: number) => (input === 0 ? SALES : CITIES);

  it('defaults fill missing to auto (median for numbers) and sends picked columns', () => {
    const fields = stepFields(FILL_MISSING);
    const values = initialStepValues(fields, {});
    expect(values.strategy).toBe('"auto"');
    const none = stepParameters(fields, values, columnsOf);
    expect(none.problems.columns).toBe('Columns: choose at least one column.');
    const { parameters, problems } = stepParameters(
      fields,
      { ...values, columns: ['price', 'city'] },
      columnsOf
    );
    expect(problems).toEqual({});
    expect(parameters).toEqual({
      columns: ['price', 'city'],
      strategy: 'auto'
    });
  });

  it('names the allowed values of an invalid field', () => {
    const fields = stepFields(FILL_MISSING);
    const saved = initialStepValues(fields, {
      columns: ['prix'],
      strategy: 'avg'
    });
    const { problems } = stepParameters(fields, saved, columnsOf);
    expect(problems.columns).toBe(
      'Columns: prix is not a column of the input. Choose id, city, price or paid.'
    );
    expect(problems.strategy).toBe(
      'Strategy: avg is not allowed. Choose auto, constant, mean, median or mode.'
    );
    const cast = stepFields(CAST_COLUMNS);
    const bad = stepParameters(
      cast,
      { types: [{ column: 'price', value: 'float' }], on_error: '"fail"' },
      columnsOf
    );
    expect(bad.problems.types).toMatch(
      /^Types: choose price's value among int64, int32, .* and \d more\.$|categorical\.$/
    );
  });

  it('takes the right input columns for a join right keys', () => {
    const fields = stepFields(JOIN);
    const values = initialStepValues(fields, {});
    const { parameters, problems } = stepParameters(
      fields,
      { ...values, left_on: ['city'], right_on: ['City'] },
      columnsOf
    );
    expect(problems).toEqual({});
    expect(parameters).toMatchObject({ left_on: ['city'], right_on: ['City'] });
    const wrong = stepParameters(
      fields,
      { ...values, left_on: ['city'], right_on: ['city'] },
      columnsOf
    );
    expect(wrong.problems.right_on).toMatch(
      /city is not a column.*City or region/
    );
  });

  it('keeps names as typed when the input columns are not known', () => {
    const fields = stepFields(JOIN);
    const values = {
      ...initialStepValues(fields, {}),
      left_on: ['x'],
      right_on: ['y']
    };
    expect(stepParameters(fields, values, () => null).problems).toEqual({});
    expect(stepParameters(fields, values, () => undefined).problems).toEqual(
      {}
    );
  });

  it('reads condition rows: column, operator, value typed by the column', () => {
    const fields = stepFields(FILTER_ROWS);
    const values = initialStepValues(fields, {
      conditions: [
        { column: 'price', operator: '>=', value: 10 },
        { column: 'city', operator: 'in', value: ['Paris', 'Lyon'] },
        { column: 'paid', operator: 'is_null' }
      ]
    });
    expect(values.conditions).toEqual([
      { column: 'price', operator: '">="', value: '10' },
      { column: 'city', operator: '"in"', value: 'Paris, Lyon' },
      { column: 'paid', operator: '"is_null"', value: '' }
    ]);
    const { parameters, problems } = stepParameters(fields, values, columnsOf);
    expect(problems).toEqual({});
    expect(parameters).toEqual({
      conditions: [
        { column: 'price', operator: '>=', value: 10 },
        { column: 'city', operator: 'in', value: ['Paris', 'Lyon'] },
        { column: 'paid', operator: 'is_null' }
      ],
      combine: 'all',
      keep: true
    });
  });

  it('says which condition row is incomplete', () => {
    const fields = stepFields(FILTER_ROWS);
    const conditions = byName(fields).conditions;
    const parse = (rows: unknown[]) =>
      parseStepField(conditions, rows as any, SALES);
    expect(parse([])).toEqual({
      ok: false,
      error: 'Conditions: add at least one row.'
    });
    expect(
      parse([
        { column: 'price', operator: '">"', value: '3' },
        { column: 'price', operator: '"<"', value: ' ' }
      ])
    ).toEqual({
      ok: false,
      error: 'Conditions, row 2: price: give a value.'
    });
    expect(parse([{ column: '', operator: '"=="', value: 'x' }])).toEqual({
      ok: false,
      error: 'Conditions, row 1: Column is required.'
    });
  });

  it('sends sort keys and column maps', () => {
    const sort = stepFields(SORT_ROWS);
    const keys = stepParameters(
      sort,
      {
        by: [
          { column: 'price', descending: true },
          { column: 'id', descending: false }
        ],
        nulls_last: true
      },
      columnsOf
    );
    expect(keys.parameters.by).toEqual([
      { column: 'price', descending: true },
      { column: 'id', descending: false }
    ]);
    const rename = stepFields(RENAME_COLUMNS);
    const renamed = stepParameters(
      rename,
      initialStepValues(rename, { mapping: { city: 'town' } }),
      columnsOf
    );
    expect(renamed.parameters).toEqual({ mapping: { city: 'town' } });
  });
});

describe('conditionValue', () => {
  it('types a value by operator and column kind', () => {
    expect(conditionValue('3.5', '>', 'numeric')).toEqual({ value: 3.5 });
    expect(conditionValue('3.5', '==', 'categorical')).toEqual({
      value: '3.5'
    });
    expect(conditionValue('TRUE', '==', 'boolean')).toEqual({ value: true });
    expect(conditionValue('', 'is_not_null', 'numeric')).toEqual({
      value: null
    });
    expect(conditionValue('1, 2,,3', 'not_in', 'numeric')).toEqual({
      value: [1, 2, 3]
    });
    expect(conditionValue(' ', 'in', 'text')).toEqual({
      error: 'give one or more values, separated by commas'
    });
  });
});

describe('text helpers', () => {
  it('lists and humanizes', () => {
    expect(listText(['a'])).toBe('a');
    expect(listText(['a', 'b', 'c'])).toBe('a, b or c');
    expect(listText([1, 2, 3, 4], 2)).toBe('1, 2 and 2 more');
    expect(humanize('csv')).toBe('CSV');
    expect(humanize('date_parts')).toBe('Date parts');
  });
});
