/*
 * The fields of a Data Wrangler form, built from an operator's parameters
 * schema: plain fields as in job forms (utils/schema-form.ts), plus what the
 * server marks with `x-studio-widget` (a column, several columns, a column ->
 * value map, filter conditions) and what pydantic nests (a list of small
 * objects such as sort keys, an object of options such as a CSV reader's).
 * Pure functions: the React side is `step-field.tsx`.
 */
import {
  FieldValue,
  ISchemaField,
  Schema,
  fieldsFromSchema,
  initialFieldValue,
  parseField,
  resolve,
  unwrapNullable
} from '../../utils/schema-form';

/** A column of a node's input, as its preview profiles it. */
export interface IColumnInfo {
  name: string;
  /** numeric, categorical, text, datetime, boolean or other. */
  kind: string;
}

/** A node's input columns: `undefined` while asked, `null` when not known (the input fails). */
export type InputColumns = IColumnInfo[] | null | undefined;

/** How a field is edited. */
export type StepFieldKind =
  /** A field of the shared schema form (text, number, select, ...). */
  | 'plain'
  /** One column of the input (`x-studio-widget: column`). */
  | 'column'
  /** Columns of the input, in order (`x-studio-widget: columns`). */
  | 'columns'
  /** Rows of column -> value (`x-studio-widget: column-map`). */
  | 'columnMap'
  /** Rows of column / operator / value (`x-studio-widget: conditions`). */
  | 'conditions'
  /** Rows of a small object each (a list of objects: sort keys, aggregations). */
  | 'rows'
  /** The fields of a nested object (a CSV reader's options). */
  | 'group';

export interface IStepField {
  name: string;
  kind: StepFieldKind;
  /** Label, help, required, nullable, default and enum options. */
  base: ISchemaField;
  /** Which input's columns a picker lists: 0, or 1 for a join's right input. */
  input: number;
  /** The fields of one row (`rows`, `conditions`) or of the group. */
  children?: IStepField[];
  /** Allowed values of a column map's values (e.g. the types of a cast). */
  valueOptions?: string[];
}

/** One row of a column map. */
export interface IMapRow {
  column: string;
  value: string;
}

/** What the user entered in a field. */
export type StepValue =
  FieldValue | string[] | IMapRow[] | IStepValues[] | IStepValues;

export interface IStepValues {
  [name: string]: StepValue;
}

const WIDGET = 'x-studio-widget';
const INPUT = 'x-studio-input';

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object schema a list's items (or a nested field) describe, if any. */
function objectSchema(schema: unknown, root: Schema): Schema | null {
  if (!isObject(schema)) {
    return null;
  }
  const resolved = unwrapNullable(schema, root).schema;
  return resolved.type === 'object' && isObject(resolved.properties)
    ? resolved
    : null;
}

function kindOf(schema: Schema, root: Schema): StepFieldKind {
  switch (schema[WIDGET]) {
    case 'column':
      return 'column';
    case 'columns':
      return 'columns';
    case 'column-map':
      return 'columnMap';
    case 'conditions':
      return 'conditions';
  }
  if (schema.type === 'array' && objectSchema(schema.items, root)) {
    return 'rows';
  }
  return objectSchema(schema, root) ? 'group' : 'plain';
}

const SCALARS = ['string', 'number', 'integer', 'boolean'];

/**
 * A plain field read as text when its schema is a choice of scalar types
 * (a fill value: a number or a text, converted to the column's type by the
 * server), instead of JSON.
 */
function scalarAsText(base: ISchemaField, schema: Schema): ISchemaField {
  const options = schema.anyOf ?? schema.oneOf;
  if (
    base.type !== 'json' ||
    !Array.isArray(options) ||
    !options.every(
      o => isObject(o) && (SCALARS.includes(o.type) || o.type === 'null')
    )
  ) {
    return base;
  }
  const nullable = options.some(o => o.type === 'null');
  return { ...base, type: 'string', nullable: base.nullable || nullable };
}

function fieldsOf(schema: Schema, root: Schema): IStepField[] {
  const top = resolve(schema, root);
  const properties = isObject(top.properties) ? top.properties : {};
  // The plain reading of each property (label, help, default, options...).
  const plain = fieldsFromSchema({ ...top, $defs: root.$defs });
  return plain.map(base => {
    const raw = properties[base.name];
    const field = unwrapNullable(isObject(raw) ? raw : {}, root).schema;
    const kind = kindOf(field, root);
    const result: IStepField = {
      name: base.name,
      kind,
      base: kind === 'plain' ? scalarAsText(base, field) : base,
      input: Number(field[INPUT] ?? 0) || 0
    };
    if (kind === 'rows' || kind === 'conditions') {
      const item = objectSchema(field.items, root);
      result.children = item ? fieldsOf(item, root) : [];
    } else if (kind === 'group') {
      result.children = fieldsOf(objectSchema(field, root) ?? {}, root);
      if (!(isObject(raw) && typeof raw.title === 'string')) {
        // Not the nested model's class name (CsvOptions): "CSV options".
        result.base = { ...base, label: `${humanize(base.name)} options` };
      }
    } else if (kind === 'columnMap') {
      const values = isObject(field.additionalProperties)
        ? resolve(field.additionalProperties, root)
        : {};
      if (Array.isArray(values.enum)) {
        result.valueOptions = values.enum.map(String);
      }
    }
    return result;
  });
}

/** `csv` -> `CSV`, `date_parts` -> `Date parts`. */
export function humanize(name: string): string {
  const words = name.split('_').filter(Boolean);
  return words
    .map((w, i) =>
      w.length <= 3
        ? w.toUpperCase()
        : i === 0
          ? w[0].toUpperCase() + w.slice(1)
          : w
    )
    .join(' ');
}

/** The fields of a form for an operator's parameters, in the schema's order. */
export function stepFields(schema: unknown): IStepField[] {
  return isObject(schema) ? fieldsOf(schema, schema) : [];
}

/** What a field starts with: from a value, or the field's default. */
export function initialStepValue(
  field: IStepField,
  value?: unknown
): StepValue {
  const given = value === undefined ? field.base.default : value;
  switch (field.kind) {
    case 'column':
      return typeof given === 'string' ? given : '';
    case 'columns':
      return Array.isArray(given) ? given.map(String) : [];
    case 'columnMap':
      return isObject(given)
        ? Object.entries(given).map(([column, v]) => ({
            column,
            value: v === null || v === undefined ? '' : String(v)
          }))
        : [];
    case 'rows':
    case 'conditions':
      return Array.isArray(given)
        ? given.map(item => initialRow(field, isObject(item) ? item : {}))
        : [];
    case 'group':
      return initialRow(field, isObject(given) ? given : {});
    default:
      return initialFieldValue(field.base, given);
  }
}

/** A row (or group) of values from an object, field by field. */
export function initialRow(field: IStepField, item: Schema = {}): IStepValues {
  const row: IStepValues = {};
  for (const child of field.children ?? []) {
    row[child.name] = initialStepValue(
      child,
      child.name in item ? item[child.name] : undefined
    );
  }
  if (field.kind === 'conditions') {
    row.value = conditionText(item.value);
  }
  return row;
}

/** The values of a whole form, from a node's parameters. */
export function initialStepValues(
  fields: IStepField[],
  parameters: Record<string, unknown>
): IStepValues {
  const values: IStepValues = {};
  for (const field of fields) {
    values[field.name] = initialStepValue(
      field,
      field.name in parameters ? parameters[field.name] : undefined
    );
  }
  return values;
}

/** `a, b and c`, cut after `limit` items. */
export function listText(items: readonly unknown[], limit = 12): string {
  const names = items.slice(0, limit).map(String);
  const more = items.length - names.length;
  if (more > 0) {
    return `${names.join(', ')} and ${more} more`;
  }
  return names.length > 1
    ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`
    : (names[0] ?? '');
}

/** The problem with a column name that the input does not have, if any. */
export function unknownColumn(
  label: string,
  name: string,
  columns: InputColumns
): string | null {
  if (!columns || !name || columns.some(c => c.name === name)) {
    return null;
  }
  return columns.length
    ? `${label}: ${name} is not a column of the input. Choose ${listText(
        columns.map(c => c.name)
      )}.`
    : `${label}: the input has no columns.`;
}

/** Operators of a filter condition that take no value, and those that take a list. */
export const NO_VALUE_OPERATORS = ['is_null', 'is_not_null'];
export const LIST_OPERATORS = ['in', 'not_in'];

/** How the condition operators read in the form. */
export const OPERATOR_LABELS: Record<string, string> = {
  '==': 'equals',
  '!=': 'differs from',
  '<': '<',
  '<=': '≤',
  '>': '>',
  '>=': '≥',
  is_null: 'is missing',
  is_not_null: 'is not missing',
  contains: 'contains',
  starts_with: 'starts with',
  in: 'is one of',
  not_in: 'is none of'
};

/** A condition's value as the user edits it (a list as `a, b, c`). */
export function conditionText(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  return Array.isArray(value) ? value.map(String).join(', ') : String(value);
}

function typed(text: string, kind: string | undefined): unknown {
  if (kind === 'numeric' && text !== '' && isFinite(Number(text))) {
    return Number(text);
  }
  if (kind === 'boolean' && /^(true|false)$/i.test(text)) {
    return text.toLowerCase() === 'true';
  }
  return text;
}

/**
 * The value a condition sends: none for "is missing", a list for "is one of"
 * (comma-separated), a number for a numeric column, else the text.
 */
export function conditionValue(
  text: string,
  operator: string,
  kind: string | undefined
): { value: unknown } | { error: string } {
  if (NO_VALUE_OPERATORS.includes(operator)) {
    return { value: null };
  }
  const trimmed = text.trim();
  if (LIST_OPERATORS.includes(operator)) {
    const items = trimmed
      .split(',')
      .map(t => t.trim())
      .filter(Boolean);
    return items.length
      ? { value: items.map(t => typed(t, kind)) }
      : { error: 'give one or more values, separated by commas' };
  }
  if (trimmed === '') {
    return { error: 'give a value' };
  }
  return { value: typed(trimmed, kind) };
}

/** The result of reading one field. */
export type StepParse =
  | { ok: true; value: unknown }
  | { ok: true; omit: true }
  | { ok: false; error: string };

function enumProblem(field: ISchemaField, value: unknown): string | null {
  const options = field.options ?? [];
  if (
    field.type !== 'enum' ||
    value === null ||
    options.some(o => JSON.stringify(o) === JSON.stringify(value))
  ) {
    return null;
  }
  return `${field.label}: ${String(value)} is not allowed. Choose ${listText(
    options
  )}.`;
}

function parsePlain(field: IStepField, raw: StepValue): StepParse {
  const parsed = parseField(
    field.base,
    typeof raw === 'string' || typeof raw === 'boolean' ? raw : ''
  );
  if (parsed.ok && 'value' in parsed) {
    const problem = enumProblem(field.base, parsed.value);
    if (problem) {
      return { ok: false, error: problem };
    }
  }
  return parsed;
}

/** Nothing entered: omitted (the default applies), `null`, or a problem. */
function empty(field: IStepField, nothing: unknown): StepParse {
  if (!field.base.required) {
    return { ok: true, omit: true };
  }
  return field.base.nullable
    ? { ok: true, value: nothing }
    : { ok: false, error: `${field.base.label} is required.` };
}

function parseRow(
  field: IStepField,
  row: IStepValues,
  columns: InputColumns
): { value: Record<string, unknown> } | { error: string } {
  const value: Record<string, unknown> = {};
  for (const child of field.children ?? []) {
    if (field.kind === 'conditions' && child.name === 'value') {
      continue;
    }
    const parsed = parseStepField(child, row[child.name], columns);
    if (!parsed.ok) {
      return { error: parsed.error };
    }
    if (!('omit' in parsed)) {
      value[child.name] = parsed.value;
    }
  }
  if (field.kind === 'conditions') {
    const operator = String(value.operator ?? '==');
    const kind = columns?.find(c => c.name === value.column)?.kind;
    const raw = row.value;
    const read = conditionValue(
      typeof raw === 'string' ? raw : '',
      operator,
      kind
    );
    if ('error' in read) {
      return { error: `${String(value.column)}: ${read.error}.` };
    }
    if (read.value !== null) {
      value.value = read.value;
    }
  }
  return { value };
}

/**
 * Read what the user entered in a field; `columns` are the input's columns
 * (`null`: not known, names are then taken as typed).
 */
export function parseStepField(
  field: IStepField,
  raw: StepValue | undefined,
  columns: InputColumns
): StepParse {
  const label = field.base.label;
  const value = raw ?? initialStepValue(field);
  switch (field.kind) {
    case 'column': {
      const name = typeof value === 'string' ? value : '';
      if (!name) {
        return empty(field, null);
      }
      const problem = unknownColumn(label, name, columns);
      return problem
        ? { ok: false, error: problem }
        : { ok: true, value: name };
    }
    case 'columns': {
      const names = Array.isArray(value) ? (value as string[]) : [];
      for (const name of names) {
        const problem = unknownColumn(label, name, columns);
        if (problem) {
          return { ok: false, error: problem };
        }
      }
      if (!names.length && field.base.required) {
        return { ok: false, error: `${label}: choose at least one column.` };
      }
      return names.length || field.base.required
        ? { ok: true, value: names }
        : { ok: true, omit: true };
    }
    case 'columnMap': {
      const result: Record<string, string> = {};
      for (const row of (Array.isArray(value) ? value : []) as IMapRow[]) {
        if (!row.column) {
          continue;
        }
        const problem = unknownColumn(label, row.column, columns);
        if (problem) {
          return { ok: false, error: problem };
        }
        if (row.column in result) {
          return { ok: false, error: `${label}: ${row.column} is set twice.` };
        }
        const options = field.valueOptions;
        if (options && !options.includes(row.value)) {
          return {
            ok: false,
            error: `${label}: choose ${row.column}'s value among ${listText(options)}.`
          };
        }
        if (!row.value.trim()) {
          return { ok: false, error: `${label}: give ${row.column} a value.` };
        }
        result[row.column] = row.value.trim();
      }
      if (!Object.keys(result).length) {
        return field.base.required
          ? { ok: false, error: `${label}: add at least one column.` }
          : { ok: true, omit: true };
      }
      return { ok: true, value: result };
    }
    case 'rows':
    case 'conditions': {
      const rows = (Array.isArray(value) ? value : []) as IStepValues[];
      const items: unknown[] = [];
      for (const [index, row] of rows.entries()) {
        const read = parseRow(field, row, columns);
        if ('error' in read) {
          return {
            ok: false,
            error: `${label}, row ${index + 1}: ${read.error}`
          };
        }
        items.push(read.value);
      }
      if (!items.length) {
        return field.base.required
          ? { ok: false, error: `${label}: add at least one row.` }
          : { ok: true, omit: true };
      }
      return { ok: true, value: items };
    }
    case 'group': {
      const read = parseRow(
        field,
        isObject(value) ? (value as IStepValues) : {},
        columns
      );
      return 'error' in read
        ? { ok: false, error: `${label}: ${read.error}` }
        : { ok: true, value: read.value };
    }
    default:
      return parsePlain(field, value);
  }
}

/**
 * The parameters to send for a form's values, and the problems (by field
 * name) that keep some from being sent.
 */
export function stepParameters(
  fields: IStepField[],
  values: Readonly<IStepValues>,
  columnsOf: (input: number) => InputColumns
): { parameters: Record<string, unknown>; problems: Record<string, string> } {
  const parameters: Record<string, unknown> = {};
  const problems: Record<string, string> = {};
  for (const field of fields) {
    const parsed = parseStepField(
      field,
      values[field.name],
      columnsOf(field.input)
    );
    if (!parsed.ok) {
      problems[field.name] = parsed.error;
    } else if (!('omit' in parsed)) {
      parameters[field.name] = parsed.value;
    }
  }
  return { parameters, problems };
}

/** Columns grouped for "add all numeric columns" and the like. */
export function columnGroups(
  columns: IColumnInfo[]
): Array<{ label: string; names: string[] }> {
  const groups: Array<{ label: string; names: string[] }> = [];
  if (columns.length > 1) {
    groups.push({
      label: `all ${columns.length} columns`,
      names: columns.map(c => c.name)
    });
  }
  const kinds = [...new Set(columns.map(c => c.kind))];
  if (kinds.length > 1) {
    for (const kind of kinds) {
      const names = columns.filter(c => c.kind === kind).map(c => c.name);
      if (names.length > 1) {
        groups.push({ label: `all ${kind} columns (${names.length})`, names });
      }
    }
  }
  return groups;
}
