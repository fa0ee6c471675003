/*
 * Find the MLflow model folders among a job's artifacts: every folder that
 * holds an `MLmodel` file.
 */
import type { IArtifact } from '../api/jobs';
import { toValidName } from './names';

/** An MLflow model folder in a job's output. */
export interface IModelFolder {
  /** Folder relative to the output folder (`''`: the output folder itself). */
  name: string;
  /** File-browser path of the folder (`null` when outside the file browser). */
  path: string | null;
}

const MLMODEL = 'MLmodel';

/**
 * The folders of `artifacts` that contain an `MLmodel` file, shallowest
 * first. Artifact names are relative to the output folder (`model/MLmodel`
 * means the folder `model`).
 */
export function modelFolders(artifacts: readonly IArtifact[]): IModelFolder[] {
  const folders: IModelFolder[] = [];
  for (const artifact of artifacts) {
    const parts = artifact.name.split('/');
    if (parts[parts.length - 1] !== MLMODEL) {
      continue;
    }
    const name = parts.slice(0, -1).join('/');
    let path: string | null = null;
    if (artifact.path !== null) {
      path = artifact.path.endsWith(`/${MLMODEL}`)
        ? artifact.path.slice(0, -MLMODEL.length - 1)
        : artifact.path === MLMODEL
          ? ''
          : null;
    }
    folders.push({ name, path });
  }
  return folders.sort(
    (a, b) =>
      a.name.split('/').length - b.name.split('/').length ||
      a.name.localeCompare(b.name)
  );
}

/**
 * A model name for a folder of a job: the folder's last part unless it is
 * a generic one (`model`, `output`), then the job's name.
 */
export function suggestModelName(folder: string, jobName: string): string {
  const last = folder.split('/').filter(Boolean).pop() ?? '';
  const generic = ['', 'model', 'models', 'output', 'artifacts'];
  const base = generic.includes(last.toLowerCase())
    ? jobName.replace(/\.py$/i, '')
    : last;
  return toValidName(base) || 'model';
}
