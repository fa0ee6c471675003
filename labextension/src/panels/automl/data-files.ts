/*
 * The CSV and Parquet files the wizard's file picker offers: those under the
 * user's home and spaces, a few folders deep.
 */
import type { Contents } from '@jupyterlab/services';

const EXTENSIONS = ['.csv', '.parquet', '.pq', '.tsv'];
const SKIP = new Set([
  '.ipynb_checkpoints',
  '__pycache__',
  'node_modules',
  'jobs',
  'mlflow'
]);

/** Whether a path names a table AutoML reads. */
export function isTableFile(path: string): boolean {
  const lower = path.toLowerCase();
  return EXTENSIONS.some(ext => lower.endsWith(ext));
}

/**
 * The table files under each folder (at most `depth` levels down, `limit`
 * files in all), sorted and without duplicates.
 */
export async function findTableFiles(
  contents: Pick<Contents.IManager, 'get'>,
  folders: string[],
  depth = 3,
  limit = 300
): Promise<string[]> {
  const found = new Set<string>();
  const seen = new Set<string>();
  const walk = async (path: string, level: number): Promise<void> => {
    if (found.size >= limit || seen.has(path)) {
      return;
    }
    seen.add(path);
    let model: Contents.IModel;
    try {
      model = await contents.get(path, { content: true });
    } catch {
      return;
    }
    const items = Array.isArray(model.content)
      ? (model.content as Contents.IModel[])
      : [];
    const subfolders: string[] = [];
    for (const item of items) {
      if (item.name.startsWith('.') || SKIP.has(item.name)) {
        continue;
      }
      if (item.type === 'directory') {
        subfolders.push(item.path);
      } else if (isTableFile(item.path) && found.size < limit) {
        found.add(item.path);
      }
    }
    if (level < depth) {
      for (const sub of subfolders) {
        await walk(sub, level + 1);
      }
    }
  };
  for (const folder of folders) {
    await walk(folder, 0);
  }
  return [...found].sort((a, b) => a.localeCompare(b));
}
