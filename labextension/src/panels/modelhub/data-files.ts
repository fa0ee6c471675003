/*
 * Data files for fine-tuning and evaluation: the CSV/Parquet files of a
 * space's folder, and the columns of one (from its header).
 */
import { Contents, ServerConnection } from '@jupyterlab/services';

import { requestAPI, StudioAPIError, toQuery } from '../../api/request';
import { findFiles, hasExtension } from '../../utils/find-files';
import { parseCsv } from '../endpoints/csv';

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

interface IPreviewColumns {
  columns: Array<{ name: string }>;
}

/**
 * The columns of a data file: AutoML's preview when the server has it
 * (CSV and Parquet), else the header of a CSV file read through the
 * contents API.
 */
export async function readColumns(
  path: string,
  contents: Pick<Contents.IManager, 'get'>,
  serverSettings: ServerConnection.ISettings
): Promise<string[]> {
  try {
    const preview = await requestAPI<IPreviewColumns>(
      `automl/preview${toQuery({ path, rows: 1 })}`,
      { method: 'GET' },
      serverSettings
    );
    if (preview && Array.isArray(preview.columns)) {
      return preview.columns.map(c => c.name);
    }
  } catch (error) {
    // 404: no AutoML on this server; anything else (a bad file) is reported.
    if (!(error instanceof StudioAPIError) || error.status !== 404) {
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
  const columns = csvHeader(text.slice(0, 64 * 1024));
  if (!columns.length) {
    throw new Error(`${path} has no header row.`);
  }
  return columns;
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
