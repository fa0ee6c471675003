/*
 * Form fields built from a job kind's `parameters_schema` (the JSON Schema
 * pydantic writes with `model_json_schema()`), and the parameters read back
 * from what the user typed. Pure functions: the React side is
 * `components/schema-field.tsx`.
 */

/** How a field is edited. */
export type FieldType =
  /** A one-line text input. */
  | 'string'
  /** A number input. */
  | 'number'
  /** A number input for whole numbers. */
  | 'integer'
  /** A checkbox. */
  | 'boolean'
  /** A select of the schema's `enum` values. */
  | 'enum'
  /** A textarea, one string per line (an array of strings). */
  | 'lines'
  /** A textarea of `KEY=VALUE` lines (an object of strings). */
  | 'keyValues'
  /** A textarea of JSON, for anything else. */
  | 'json';

/** One field of a parameters form. */
export interface ISchemaField {
  /** Parameter name. */
  name: string;
  type: FieldType;
  /** Label: the schema's `title`, or the name. */
  label: string;
  /** Help text: the schema's `description`. */
  help: string;
  /** Whether the parameter must be sent. */
  required: boolean;
  /** Whether `null` is allowed. */
  nullable: boolean;
  /** The schema's default (`undefined` when it has none). */
  default?: unknown;
  /** Allowed values of an `enum` field. */
  options?: unknown[];
  /** Bounds of a number field. */
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

/** What the user typed in a field: text, or a checkbox state. */
export type FieldValue = string | boolean;

/** A JSON Schema object (loosely typed: it comes from the server). */
export type Schema = Record<string, any>;

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follow a local `$ref` (`#/$defs/X`), keeping the referring schema's own keys. */
export function resolve(schema: Schema, root: Schema, depth = 0): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/') || depth > 20) {
    return schema;
  }
  let target: unknown = root;
  for (const part of ref.slice(2).split('/')) {
    target = isObject(target) ? target[part] : undefined;
  }
  if (!isObject(target)) {
    return schema;
  }
  const rest: Schema = { ...schema };
  delete rest.$ref;
  return { ...resolve(target, root, depth + 1), ...rest };
}

/** A schema without its `null` alternative, and whether there was one. */
export function unwrapNullable(
  schema: Schema,
  root: Schema
): { schema: Schema; nullable: boolean } {
  schema = resolve(schema, root);
  if (Array.isArray(schema.allOf) && schema.allOf.length === 1) {
    const rest: Schema = { ...schema };
    delete rest.allOf;
    schema = { ...resolve(schema.allOf[0], root), ...rest };
  }
  if (Array.isArray(schema.type) && schema.type.includes('null')) {
    const types = schema.type.filter((t: string) => t !== 'null');
    return {
      schema: { ...schema, type: types.length === 1 ? types[0] : types },
      nullable: true
    };
  }
  const options = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(options)) {
    const others = options.filter(
      (o: unknown) => !(isObject(o) && o.type === 'null')
    );
    if (others.length === 1 && others.length < options.length) {
      const rest: Schema = { ...schema };
      delete rest.anyOf;
      delete rest.oneOf;
      return {
        schema: { ...resolve(others[0], root), ...rest },
        nullable: true
      };
    }
  }
  return { schema, nullable: schema.type === 'null' };
}

/** Whether `schema` (or its `$ref`) describes plain strings. */
function isStringSchema(schema: unknown, root: Schema): boolean {
  if (!isObject(schema)) {
    return false;
  }
  const resolved = resolve(schema, root);
  return resolved.type === 'string' && !Array.isArray(resolved.enum);
}

function fieldType(schema: Schema, root: Schema): FieldType {
  if (Array.isArray(schema.enum) || 'const' in schema) {
    return 'enum';
  }
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      return isStringSchema(schema.items, root) ? 'lines' : 'json';
    case 'object':
      return !schema.properties &&
        isStringSchema(schema.additionalProperties, root)
        ? 'keyValues'
        : 'json';
    default:
      return 'json';
  }
}

/**
 * The fields of a form for the parameters described by `schema`, in the
 * schema's order.
 */
export function fieldsFromSchema(schema: unknown): ISchemaField[] {
  if (!isObject(schema)) {
    return [];
  }
  const root = schema;
  const top = resolve(schema, root);
  const properties = isObject(top.properties) ? top.properties : {};
  const required = new Set<string>(
    Array.isArray(top.required) ? top.required : []
  );
  return Object.entries(properties).map(([name, raw]) => {
    const { schema: field, nullable } = unwrapNullable(
      isObject(raw) ? raw : {},
      root
    );
    const type = fieldType(field, root);
    const result: ISchemaField = {
      name,
      type,
      label:
        typeof field.title === 'string' && field.title ? field.title : name,
      help: typeof field.description === 'string' ? field.description : '',
      required: required.has(name),
      nullable
    };
    if ('default' in field) {
      result.default = field.default;
    }
    if (type === 'enum') {
      result.options = Array.isArray(field.enum) ? field.enum : [field.const];
    }
    for (const key of [
      'minimum',
      'maximum',
      'exclusiveMinimum',
      'exclusiveMaximum'
    ] as const) {
      if (typeof field[key] === 'number') {
        result[key] = field[key];
      }
    }
    return result;
  });
}

/** The text (or checkbox state) a field starts with, from a value or its default. */
export function initialFieldValue(
  field: ISchemaField,
  value: unknown = field.default
): FieldValue {
  switch (field.type) {
    case 'boolean':
      return value === true;
    case 'enum':
      return value === undefined || value === null ? '' : JSON.stringify(value);
    case 'lines':
      return Array.isArray(value) ? value.map(String).join('\n') : '';
    case 'keyValues':
      return isObject(value)
        ? Object.entries(value)
            .map(([k, v]) => `${k}=${String(v)}`)
            .join('\n')
        : '';
    case 'json':
      return value === undefined ? '' : JSON.stringify(value, null, 2);
    default:
      return value === undefined || value === null ? '' : String(value);
  }
}

/** The result of reading one field. */
export type FieldParse =
  | { ok: true; value: unknown }
  /** Nothing entered and nothing needed: the server's default applies. */
  | { ok: true; omit: true }
  | { ok: false; error: string };

function boundsError(field: ISchemaField, n: number): string | null {
  const { label } = field;
  if (field.minimum !== undefined && n < field.minimum) {
    return `${label} must be at least ${field.minimum}.`;
  }
  if (field.exclusiveMinimum !== undefined && n <= field.exclusiveMinimum) {
    return `${label} must be more than ${field.exclusiveMinimum}.`;
  }
  if (field.maximum !== undefined && n > field.maximum) {
    return `${label} must be at most ${field.maximum}.`;
  }
  if (field.exclusiveMaximum !== undefined && n >= field.exclusiveMaximum) {
    return `${label} must be less than ${field.exclusiveMaximum}.`;
  }
  return null;
}

/** Non-empty lines, trimmed of trailing whitespace and `\r`. */
function lines(text: string): Array<{ line: string; number: number }> {
  return text
    .split('\n')
    .map((line, i) => ({ line: line.replace(/\s+$/, ''), number: i + 1 }))
    .filter(({ line }) => line.trim() !== '');
}

/** Read what the user entered in a field. */
export function parseField(field: ISchemaField, raw: FieldValue): FieldParse {
  if (field.type === 'boolean') {
    return { ok: true, value: raw === true };
  }
  const text = typeof raw === 'string' ? raw : '';
  const empty = text.trim() === '';
  if (empty && field.type !== 'lines' && field.type !== 'keyValues') {
    if (!field.required) {
      return { ok: true, omit: true };
    }
    return field.nullable
      ? { ok: true, value: null }
      : { ok: false, error: `${field.label} is required.` };
  }
  switch (field.type) {
    case 'string':
      return { ok: true, value: text.trim() };
    case 'number':
    case 'integer': {
      const n = Number(text.trim().replace(',', '.'));
      if (!isFinite(n)) {
        return { ok: false, error: `${field.label} must be a number.` };
      }
      if (field.type === 'integer' && !Number.isInteger(n)) {
        return { ok: false, error: `${field.label} must be a whole number.` };
      }
      const error = boundsError(field, n);
      return error ? { ok: false, error } : { ok: true, value: n };
    }
    case 'enum':
      try {
        return { ok: true, value: JSON.parse(text) };
      } catch {
        return { ok: false, error: `Choose a value for ${field.label}.` };
      }
    case 'lines': {
      const values = lines(text).map(({ line }) => line.trim());
      if (!values.length) {
        return field.required
          ? { ok: true, value: [] }
          : { ok: true, omit: true };
      }
      return { ok: true, value: values };
    }
    case 'keyValues': {
      const value: Record<string, string> = {};
      for (const { line, number } of lines(text)) {
        const index = line.indexOf('=');
        const key = index === -1 ? '' : line.slice(0, index).trim();
        if (!key) {
          return {
            ok: false,
            error: `${field.label}: line ${number} is not KEY=VALUE.`
          };
        }
        if (key in value) {
          return { ok: false, error: `${field.label}: ${key} is set twice.` };
        }
        value[key] = line.slice(index + 1).trim();
      }
      if (!Object.keys(value).length && !field.required) {
        return { ok: true, omit: true };
      }
      return { ok: true, value };
    }
    default:
      try {
        return { ok: true, value: JSON.parse(text) };
      } catch {
        return { ok: false, error: `${field.label} is not valid JSON.` };
      }
  }
}

/**
 * The parameters to send for the values of `fields`, and the problems (by
 * field name) that keep some from being sent.
 */
export function parametersFromValues(
  fields: ISchemaField[],
  values: Readonly<Record<string, FieldValue>>
): { parameters: Record<string, unknown>; problems: Record<string, string> } {
  const parameters: Record<string, unknown> = {};
  const problems: Record<string, string> = {};
  for (const field of fields) {
    const parsed = parseField(
      field,
      values[field.name] ?? initialFieldValue(field)
    );
    if (!parsed.ok) {
      problems[field.name] = parsed.error;
    } else if (!('omit' in parsed)) {
      parameters[field.name] = parsed.value;
    }
  }
  return { parameters, problems };
}
