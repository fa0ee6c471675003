/*
 * Data files for fine-tuning and evaluation: the CSV/Parquet files of a
 * space's folder, and the columns of one (from its header).
 */
import { Contents, ServerConnection } from '@jupyterlab/services';

import { requestAPI, StudioAPIError, toQuery } from '../../api/request';
import { findFiles, hasExtension } from '../../utils/find-files';
import { parseCsv } from '../../utils/csv';

/** Extensions of the data files fine-tuning and evaluation read. */
export const DATA_EXTENSIONS = ['.csv', '.parquet', '.pq'];

/** Whether a path names a data file. */
export function isDataFile(path: string): boolean {
  return hasExtension(path, DATA_EXTENSIONS);
}

/** The column names of a CSV text's header (first record), trimmed. */
export function csvHeader(text: string): string[] {
  const [first] = parseCsv(text, 1);
  return (first ?? []).map(name => name.trim()).filter(Boolean);
}

/**
 * The data files under `folder`, at most `depth` folders deep and at most
 * `limit` files, sorted by path.
 */
export function listDataFiles(
  contents: Pick<Contents.IManager, 'get'>,
  folder: string,
  depth = 2,
  limit = 200
): Promise<string[]> {
  return findFiles(contents, [folder], DATA_EXTENSIONS, depth, limit);
}

/** What a column holds, as far as picking the text and label columns goes. */
export type ColumnKind = 'text' | 'categorical' | 'numeric' | 'other';

/** A data file's columns and what each holds. */
export interface IDataColumns {
  columns: string[];
  /** By column name; a column missing here is of unknown kind. */
  kinds: Record<string, ColumnKind>;
}

interface IPreviewColumns {
  columns: Array<{ name: string; inferred_type?: string }>;
}

/** The kind of a column from AutoML's inferred type. */
export function kindOfInferredType(inferred: string | undefined): ColumnKind {
  switch (inferred) {
    case 'text':
      return 'text';
    case 'categorical':
      return 'categorical';
    case 'numerical':
    case 'boolean':
      return 'numeric';
    default:
      return 'other';
  }
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * The kinds of the columns of CSV records (the first is the header), from
 * their values: numbers (or empty) are numeric; values with spaces or of
 * more than 20 characters on average are text; other strings categorical.
 */
export function inferKinds(records: string[][]): Record<string, ColumnKind> {
  const [header = [], ...rows] = records;
  const kinds: Record<string, ColumnKind> = {};
  header.forEach((raw, i) => {
    const name = raw.trim();
    const values = rows
      .map(r => (r[i] ?? '').trim())
      .filter(v => v !== '' && !/^(nan|null|na)$/i.test(v));
    if (!name) {
      return;
    }
    if (!values.length) {
      kinds[name] = 'other';
    } else if (values.every(v => NUMBER.test(v) || /^(true|false)$/i.test(v))) {
      kinds[name] = 'numeric';
    } else {
      const spaced = values.filter(v => /\s/.test(v)).length / values.length;
      const length = values.reduce((n, v) => n + v.length, 0) / values.length;
      kinds[name] = spaced > 0.5 || length > 20 ? 'text' : 'categorical';
    }
  });
  return kinds;
}

/**
 * The columns of a data file and their kinds: AutoML's preview when the
 * server has it (CSV and Parquet), else the first rows of a CSV file read
 * through the contents API.
 */
export async function readColumns(
  path: string,
  contents: Pick<Contents.IManager, 'get'>,
  serverSettings: ServerConnection.ISettings
): Promise<IDataColumns> {
  try {
    const preview = await requestAPI<IPreviewColumns>(
      `automl/preview${toQuery({ path, rows: 1 })}`,
      { method: 'GET' },
      serverSettings
    );
    if (preview && Array.isArray(preview.columns)) {
      return {
        columns: preview.columns.map(c => c.name),
        kinds: Object.fromEntries(
          preview.columns.map(c => [
            c.name,
            kindOfInferredType(c.inferred_type)
          ])
        )
      };
    }
  } catch (error) {
    // A 404 without path_not_found: no AutoML on this server; anything else (a missing or
    // bad file) is reported.
    if (
      !(error instanceof StudioAPIError) ||
      error.status !== 404 ||
      error.code === 'path_not_found'
    ) {
      throw error;
    }
  }
  if (!path.toLowerCase().endsWith('.csv')) {
    throw new Error(`${path}: columns can only be read from a CSV file here.`);
  }
  const model = await contents.get(path, {
    type: 'file',
    format: 'text',
    content: true
  });
  const text = typeof model.content === 'string' ? model.content : '';
  const head = text.slice(0, 64 * 1024);
  const columns = csvHeader(head);
  if (!columns.length) {
    throw new Error(`${path} has no header row.`);
  }
  return { columns, kinds: inferKinds(parseCsv(head, 51)) };
}

/**
 * A column to preselect: the first whose name contains one of `hints`
 * (case-insensitive), else `fallback`.
 */
export function guessColumn(
  columns: string[],
  hints: string[],
  fallback = ''
): string {
  for (const hint of hints) {
    const found = columns.find(c => c.toLowerCase().includes(hint));
    if (found) {
      return found;
    }
  }
  return fallback;
}

/** Column names that suggest the instruction (prompt) of a pair. */
export const INSTRUCTION_HINTS = ['instruction', 'prompt', 'question', 'input'];
/** Column names that suggest the response of a pair. */
export const RESPONSE_HINTS = ['response', 'answer', 'output', 'completion'];
/** Column names that suggest the texts to classify. */
export const TEXT_HINTS = ['text', 'sentence', 'review'];
/** Column names that suggest the labels. */
export const LABEL_HINTS = ['label', 'class', 'category', 'target'];

/** Columns and, when known, their kinds (what a data picker holds). */
export interface IColumnChoice {
  columns: string[];
  kinds?: Record<string, ColumnKind>;
}

/**
 * A column of texts to preselect (a prompt, a response, a text to
 * classify), never one of `exclude`: a column named after one of `hints`
 * that does not hold numbers, else the first free-text column, else the
 * first categorical one; with no kinds known, the first column left.
 */
export function guessTextColumn(
  choice: IColumnChoice,
  hints: string[],
  exclude: string[] = []
): string {
  const kinds = choice.kinds ?? {};
  const free = choice.columns.filter(c => !exclude.includes(c));
  const notNumeric = free.filter(
    c => kinds[c] !== 'numeric' && kinds[c] !== 'other'
  );
  const byName = guessColumn(notNumeric, hints);
  if (byName) {
    return byName;
  }
  if (!Object.keys(kinds).length) {
    return free[0] ?? '';
  }
  return (
    free.find(c => kinds[c] === 'text') ??
    free.find(c => kinds[c] === 'categorical') ??
    ''
  );
}

/**
 * A label column to preselect, never one of `exclude`: one named after one
 * of `hints`, else the last categorical column, else the last column left.
 */
export function guessLabelColumn(
  choice: IColumnChoice,
  hints: string[],
  exclude: string[] = []
): string {
  const kinds = choice.kinds ?? {};
  const free = choice.columns.filter(c => !exclude.includes(c));
  const byName = guessColumn(free, hints);
  if (byName) {
    return byName;
  }
  const categorical = free.filter(c => kinds[c] === 'categorical');
  return categorical[categorical.length - 1] ?? free[free.length - 1] ?? '';
}
