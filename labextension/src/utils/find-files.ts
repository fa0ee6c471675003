/*
 * Find files by extension under folders through the contents API: what the
 * AutoML wizard and the model hub's data pickers offer.
 */
import type { Contents } from '@jupyterlab/services';

/** Folders never walked (besides hidden ones): caches and Studio's own. */
const SKIPPED_FOLDERS = new Set([
  '__pycache__',
  'node_modules',
  'jobs',
  'mlflow'
]);

/** Whether `path` ends with one of `extensions` (case-insensitive). */
export function hasExtension(path: string, extensions: string[]): boolean {
  const lower = path.toLowerCase();
  return extensions.some(ext => lower.endsWith(ext));
}

/**
 * The files with one of `extensions` under each of `folders` (at most
 * `depth` levels down, `limit` files in all), sorted and without duplicates.
 * A folder that cannot be read is skipped.
 */
export async function findFiles(
  contents: Pick<Contents.IManager, 'get'>,
  folders: string[],
  extensions: string[],
  depth: number,
  limit: number
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
      if (item.name.startsWith('.') || SKIPPED_FOLDERS.has(item.name)) {
        continue;
      }
      if (item.type === 'directory') {
        subfolders.push(item.path);
      } else if (hasExtension(item.path, extensions) && found.size < limit) {
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
