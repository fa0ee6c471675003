import {
  fieldsFromSchema,
  initialFieldValue,
  ISchemaField,
  parametersFromValues,
  parseField
} from '../schema-form';

/** `ProcessingParameters.model_json_schema()`, as the server sends it. */
const PROCESSING = {
  additionalProperties: false,
  properties: {
    script: {
      description: 'File-browser path of the Python script to run.',
      minLength: 1,
      title: 'Script',
      type: 'string'
    },
    arguments: {
      description: 'Command-line arguments passed to the script.',
      items: { type: 'string' },
      maxItems: 500,
      title: 'Arguments',
      type: 'array'
    },
    inputs: {
      items: { type: 'string' },
      title: 'Inputs',
      type: 'array'
    },
    environment: {
      additionalProperties: { type: 'string' },
      description: 'Extra environment variables.',
      title: 'Environment',
      type: 'object'
    }
  },
  required: ['script'],
  title: 'ProcessingParameters',
  type: 'object'
};

/** Every kind of field pydantic writes. */
const EVERYTHING = {
  $defs: {
    Tone: { enum: ['plain', 'cheerful'], title: 'Tone', type: 'string' },
    Inner: {
      properties: { a: { type: 'integer' } },
      title: 'Inner',
      type: 'object'
    }
  },
  properties: {
    who: { title: 'Who', type: 'string', description: 'Name.' },
    times: {
      default: 2,
      maximum: 5,
      minimum: 1,
      title: 'Times',
      type: 'integer'
    },
    ratio: {
      anyOf: [{ exclusiveMinimum: 0, type: 'number' }, { type: 'null' }],
      default: null,
      title: 'Ratio'
    },
    tone: { $ref: '#/$defs/Tone', default: 'plain' },
    mode: { enum: ['a', 'b'], type: 'string' },
    shout: { default: false, title: 'Shout', type: 'boolean' },
    tags: { items: { type: 'string' }, title: 'Tags', type: 'array' },
    env: {
      additionalProperties: { type: 'string' },
      title: 'Env',
      type: 'object'
    },
    inner: { $ref: '#/$defs/Inner' },
    numbers: { items: { type: 'integer' }, type: 'array' },
    anything: {}
  },
  required: ['who', 'mode'],
  title: 'Everything',
  type: 'object'
};

function field(name: string): ISchemaField {
  const found = fieldsFromSchema(EVERYTHING).find(f => f.name === name);
  if (!found) {
    throw new Error(`no field ${name}`);
  }
  return found;
}

describe('fieldsFromSchema', () => {
  it('reads the processing parameters', () => {
    const fields = fieldsFromSchema(PROCESSING);
    expect(fields.map(f => [f.name, f.type, f.required])).toEqual([
      ['script', 'string', true],
      ['arguments', 'lines', false],
      ['inputs', 'lines', false],
      ['environment', 'keyValues', false]
    ]);
    expect(fields[0].label).toBe('Script');
    expect(fields[0].help).toBe(
      'File-browser path of the Python script to run.'
    );
  });

  it('maps every JSON schema type to a field type', () => {
    const types = Object.fromEntries(
      fieldsFromSchema(EVERYTHING).map(f => [f.name, f.type])
    );
    expect(types).toEqual({
      who: 'string',
      times: 'integer',
      ratio: 'number',
      tone: 'enum',
      mode: 'enum',
      shout: 'boolean',
      tags: 'lines',
      env: 'keyValues',
      inner: 'json',
      numbers: 'json',
      anything: 'json'
    });
  });

  it('keeps bounds, defaults, options and nullability', () => {
    expect(field('times')).toMatchObject({
      minimum: 1,
      maximum: 5,
      default: 2,
      required: false,
      nullable: false
    });
    expect(field('ratio')).toMatchObject({
      exclusiveMinimum: 0,
      nullable: true,
      default: null
    });
    // a $ref'd enum takes its definition's values and title
    expect(field('tone')).toMatchObject({
      options: ['plain', 'cheerful'],
      label: 'Tone',
      default: 'plain'
    });
    // no title: the name is the label
    expect(field('mode').label).toBe('mode');
    expect(field('who')).toMatchObject({ required: true, help: 'Name.' });
  });

  it('reads nothing from a schema without properties', () => {
    expect(fieldsFromSchema({})).toEqual([]);
    expect(fieldsFromSchema(null)).toEqual([]);
    expect(fieldsFromSchema({ type: 'object', properties: {} })).toEqual([]);
  });
});

describe('initialFieldValue', () => {
  it('starts from the default, or from a given value', () => {
    expect(initialFieldValue(field('times'))).toBe('2');
    expect(initialFieldValue(field('times'), 4)).toBe('4');
    expect(initialFieldValue(field('ratio'))).toBe('');
    expect(initialFieldValue(field('shout'))).toBe(false);
    expect(initialFieldValue(field('tone'))).toBe('"plain"');
    expect(initialFieldValue(field('mode'))).toBe('');
    expect(initialFieldValue(field('tags'), ['a', 'b'])).toBe('a\nb');
    expect(initialFieldValue(field('env'), { A: '1', B: 'x=y' })).toBe(
      'A=1\nB=x=y'
    );
    expect(initialFieldValue(field('inner'), { a: 1 })).toBe('{\n  "a": 1\n}');
  });
});

describe('parseField', () => {
  it('reads text, trimmed', () => {
    expect(parseField(field('who'), '  Ada ')).toEqual({
      ok: true,
      value: 'Ada'
    });
    expect(parseField(field('who'), ' ')).toEqual({
      ok: false,
      error: 'Who is required.'
    });
  });

  it('leaves out empty optional fields so the server default applies', () => {
    expect(parseField(field('times'), '')).toEqual({ ok: true, omit: true });
    expect(parseField(field('ratio'), '')).toEqual({ ok: true, omit: true });
    expect(parseField(field('tags'), '\n  \n')).toEqual({
      ok: true,
      omit: true
    });
    expect(parseField(field('env'), '')).toEqual({ ok: true, omit: true });
  });

  it('checks numbers against the schema', () => {
    const times = field('times');
    expect(parseField(times, '3')).toEqual({ ok: true, value: 3 });
    expect(parseField(times, 'three')).toEqual({
      ok: false,
      error: 'Times must be a number.'
    });
    expect(parseField(times, '2.5')).toEqual({
      ok: false,
      error: 'Times must be a whole number.'
    });
    expect(parseField(times, '0')).toEqual({
      ok: false,
      error: 'Times must be at least 1.'
    });
    expect(parseField(times, '6')).toEqual({
      ok: false,
      error: 'Times must be at most 5.'
    });
    const ratio = field('ratio');
    expect(parseField(ratio, '0,5')).toEqual({ ok: true, value: 0.5 });
    expect(parseField(ratio, '0')).toEqual({
      ok: false,
      error: 'Ratio must be more than 0.'
    });
  });

  it('reads checkboxes and enums', () => {
    expect(parseField(field('shout'), true)).toEqual({ ok: true, value: true });
    expect(parseField(field('shout'), false)).toEqual({
      ok: true,
      value: false
    });
    expect(parseField(field('tone'), '"cheerful"')).toEqual({
      ok: true,
      value: 'cheerful'
    });
    expect(parseField(field('mode'), '')).toEqual({
      ok: false,
      error: 'mode is required.'
    });
  });

  it('reads one item per line', () => {
    expect(parseField(field('tags'), ' a \r\n\nb c\n')).toEqual({
      ok: true,
      value: ['a', 'b c']
    });
  });

  it('reads KEY=VALUE lines', () => {
    expect(parseField(field('env'), 'A=1\n\nB = x=y \n')).toEqual({
      ok: true,
      value: { A: '1', B: 'x=y' }
    });
    expect(parseField(field('env'), 'A=1\nnope')).toEqual({
      ok: false,
      error: 'Env: line 2 is not KEY=VALUE.'
    });
    expect(parseField(field('env'), '=1')).toEqual({
      ok: false,
      error: 'Env: line 1 is not KEY=VALUE.'
    });
    expect(parseField(field('env'), 'A=1\nA=2')).toEqual({
      ok: false,
      error: 'Env: A is set twice.'
    });
  });

  it('reads JSON for anything else', () => {
    expect(parseField(field('inner'), '{"a": 1}')).toEqual({
      ok: true,
      value: { a: 1 }
    });
    expect(parseField(field('numbers'), '[1, 2')).toEqual({
      ok: false,
      error: 'numbers is not valid JSON.'
    });
  });
});

describe('parametersFromValues', () => {
  it('builds the parameters and collects the problems by field', () => {
    const fields = fieldsFromSchema(PROCESSING);
    expect(
      parametersFromValues(fields, {
        script: 'train.py',
        arguments: '--epochs\n3',
        inputs: '',
        environment: 'SEED=1'
      })
    ).toEqual({
      parameters: {
        script: 'train.py',
        arguments: ['--epochs', '3'],
        environment: { SEED: '1' }
      },
      problems: {}
    });
    expect(
      parametersFromValues(fields, { script: '', environment: 'oops' })
    ).toEqual({
      parameters: {},
      problems: {
        script: 'Script is required.',
        environment: 'Environment: line 1 is not KEY=VALUE.'
      }
    });
  });

  it('uses the defaults for fields without a value', () => {
    expect(
      parametersFromValues(fieldsFromSchema(EVERYTHING), {
        who: 'Ada',
        mode: '"b"'
      })
    ).toEqual({
      parameters: {
        who: 'Ada',
        times: 2,
        tone: 'plain',
        mode: 'b',
        shout: false
      },
      problems: {}
    });
  });
});
