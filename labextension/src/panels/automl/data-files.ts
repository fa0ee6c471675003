/*
 * The CSV and Parquet files the wizard's file picker offers: those under the
 * user's home and spaces, a few folders deep.
 */
import type { Contents } from '@jupyterlab/services';

import { findFiles, hasExtension } from '../../utils/find-files';

const EXTENSIONS = ['.csv', '.parquet', '.pq', '.tsv'];

/** Whether a path names a table AutoML reads. */
export function isTableFile(path: string): boolean {
  return hasExtension(path, EXTENSIONS);
}

/**
 * The table files under each folder (at most `depth` levels down, `limit`
 * files in all), sorted and without duplicates.
 */
export function findTableFiles(
  contents: Pick<Contents.IManager, 'get'>,
  folders: string[],
  depth = 3,
  limit = 300
): Promise<string[]> {
  return findFiles(contents, folders, EXTENSIONS, depth, limit);
}
