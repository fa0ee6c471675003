/*
 * What the processor form holds, and the `processor` job parameters it
 * sends: pure functions, tested without a browser.
 */
import {
  CONTAINER_ROOT,
  FRAMEWORKS,
  IObjectStoreSettings,
  IProcessingInput,
  IProcessingOutput,
  IProcessorParameters,
  ProcessorName
} from '../../../api/processing';
import type { IJobParameters } from '../../../tokens';

/** One input row: a name, a source in the user's files or s3://, a container folder. */
export interface IInputRow {
  name: string;
  source: string;
  destination: string;
}

/** One output row: a name, a container folder, a destination path or s3://. */
export interface IOutputRow {
  name: string;
  source: string;
  destination: string;
}

/** One environment variable. */
export interface IEnvRow {
  name: string;
  value: string;
}

/** The object-store settings of s3:// inputs and outputs, as typed. */
export interface IStoreFields {
  endpoint_url: string;
  region: string;
  key: string;
  secret: string;
  anonymous: boolean;
}

/** Everything the form holds. */
export interface IProcessorState {
  processor: ProcessorName;
  code: string;
  sourceDir: string;
  arguments: string[];
  inputs: IInputRow[];
  outputs: IOutputRow[];
  env: IEnvRow[];
  framework: string;
  frameworkVersion: string;
  store: IStoreFields;
}

export const EMPTY_INPUT: IInputRow = { name: '', source: '', destination: '' };
export const EMPTY_OUTPUT: IOutputRow = {
  name: '',
  source: '',
  destination: ''
};
export const EMPTY_ENV: IEnvRow = { name: '', value: '' };
const EMPTY_STORE: IStoreFields = {
  endpoint_url: '',
  region: '',
  key: '',
  secret: '',
  anonymous: false
};

const PROCESSORS: readonly string[] = ['script', 'sklearn', 'framework'];

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value)
    ? value.filter(
        (v): v is Record<string, unknown> => !!v && typeof v === 'object'
      )
    : [];
}

/** The form's state from (possibly partial) initial parameters. */
export function initialState(
  initial: Readonly<Record<string, unknown>>
): IProcessorState {
  const processor = PROCESSORS.includes(text(initial.processor))
    ? (initial.processor as ProcessorName)
    : 'script';
  const env =
    initial.env && typeof initial.env === 'object'
      ? Object.entries(initial.env as Record<string, unknown>).map(
          ([name, value]) => ({ name, value: String(value) })
        )
      : [];
  const store = (initial.store ?? {}) as Record<string, unknown>;
  return {
    processor,
    code: text(initial.code),
    sourceDir: text(initial.source_dir),
    arguments: Array.isArray(initial.arguments)
      ? initial.arguments.map(String)
      : [],
    inputs: list(initial.inputs).map(i => ({
      name: text(i.input_name),
      source: text(i.source),
      destination: text(i.destination)
    })),
    outputs: list(initial.outputs).map(o => ({
      name: text(o.output_name),
      source: text(o.source),
      destination: text(o.destination)
    })),
    env,
    framework:
      text(initial.framework) || (processor === 'framework' ? 'sklearn' : ''),
    frameworkVersion: text(initial.framework_version),
    store: {
      ...EMPTY_STORE,
      ...Object.fromEntries(
        Object.entries(store).filter(([k]) => k in EMPTY_STORE)
      ),
      anonymous: store.anonymous === true
    }
  };
}

/** The container folder an input goes to when its row names none. */
export function defaultInputDestination(name: string, index: number): string {
  return `${CONTAINER_ROOT}/input/${name.trim() || `input-${index + 1}`}`;
}

/** The container folder an output is read from when its row names none. */
export function defaultOutputSource(name: string, index: number): string {
  return `${CONTAINER_ROOT}/output/${name.trim() || `output-${index + 1}`}`;
}

/** Whether a path is an object-store URL. */
export function isS3(path: string): boolean {
  return path.trim().toLowerCase().startsWith('s3://');
}

/** A path in the user's files as the server takes it (no leading slash). */
function filesPath(path: string): string {
  const trimmed = path.trim();
  return isS3(trimmed) ? trimmed : trimmed.replace(/^\/+/, '');
}

function isBlank(row: object): boolean {
  return Object.values(row).every(v => typeof v !== 'string' || !v.trim());
}

/** The parameters to send, and what must be fixed first (by parameter). */
export function toParameters(state: IProcessorState): IJobParameters {
  const problems: Record<string, string> = {};
  const parameters: IProcessorParameters = {
    processor: state.processor,
    code: filesPath(state.code)
  };
  if (!parameters.code) {
    problems.code =
      'Choose the Python script to run: a .py file in your files.';
  }
  if (state.sourceDir.trim()) {
    parameters.source_dir = filesPath(state.sourceDir);
  }
  parameters.arguments = state.arguments.filter(a => a !== '');

  const inputs: IProcessingInput[] = [];
  state.inputs.forEach((row, i) => {
    if (isBlank(row)) {
      return;
    }
    if (!row.source.trim()) {
      problems.inputs ??= `Input ${i + 1}: enter a path in your files or an s3:// URL.`;
    }
    const item: IProcessingInput = { source: filesPath(row.source) };
    if (row.name.trim()) {
      item.input_name = row.name.trim();
    }
    if (row.destination.trim()) {
      item.destination = row.destination.trim();
    }
    inputs.push(item);
  });
  parameters.inputs = inputs;

  const outputs: IProcessingOutput[] = [];
  state.outputs.forEach(row => {
    if (isBlank(row)) {
      return;
    }
    const item: IProcessingOutput = {};
    if (row.name.trim()) {
      item.output_name = row.name.trim();
    }
    if (row.source.trim()) {
      item.source = row.source.trim();
    }
    if (row.destination.trim()) {
      item.destination = filesPath(row.destination);
    }
    outputs.push(item);
  });
  parameters.outputs = outputs;

  const env: Record<string, string> = {};
  state.env.forEach((row, i) => {
    if (isBlank(row)) {
      return;
    }
    const name = row.name.trim();
    if (!name) {
      problems.env ??= `Variable ${i + 1}: enter its name.`;
    } else if (name in env) {
      problems.env ??= `${name} is set twice.`;
    }
    env[name] = row.value;
  });
  parameters.env = env;

  if (state.processor === 'framework') {
    if (!(FRAMEWORKS as readonly string[]).includes(state.framework)) {
      problems.framework = `Choose a framework: ${FRAMEWORKS.join(', ')}.`;
    }
    parameters.framework = state.framework;
  }
  if (state.processor !== 'script' && state.frameworkVersion.trim()) {
    parameters.framework_version = state.frameworkVersion.trim();
  }
  const usesS3 =
    inputs.some(i => isS3(i.source)) ||
    outputs.some(o => !!o.destination && isS3(o.destination));
  const store = storeSettings(state.store);
  if (usesS3 && store) {
    parameters.store = store;
  }
  return {
    parameters: parameters as unknown as Record<string, unknown>,
    problems
  };
}

/** The store settings typed, or `null` when none is. */
function storeSettings(fields: IStoreFields): IObjectStoreSettings | null {
  const settings: IObjectStoreSettings = {};
  for (const key of ['endpoint_url', 'region', 'key', 'secret'] as const) {
    if (fields[key].trim()) {
      settings[key] = fields[key].trim();
    }
  }
  if (fields.anonymous) {
    settings.anonymous = true;
  }
  return Object.keys(settings).length ? settings : null;
}

/** A list parameter's error, split into the row and field it names. */
export interface IRowErrors {
  /** By row index, then field (`''`: the row itself). */
  rows: Record<number, Record<string, string>>;
  /** An error of the whole list. */
  list: string | null;
}

/**
 * Sort the error of a list parameter (`inputs`, `outputs`, `arguments`,
 * `env`): the server's `0.source: msg` goes to row 0's source field,
 * anything else to the list.
 */
export function splitListError(error: string | undefined): IRowErrors {
  const sorted: IRowErrors = { rows: {}, list: null };
  if (!error) {
    return sorted;
  }
  const match = /^(\d+)(?:\.([\w-]+))?: ([\s\S]*)$/.exec(error);
  if (!match) {
    sorted.list = error;
    return sorted;
  }
  const [, index, field, msg] = match;
  sorted.rows[Number(index)] = { [field ?? '']: msg };
  return sorted;
}
