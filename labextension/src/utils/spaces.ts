/*
 * Pure helpers about spaces shared by the panels (and unit tested).
 */
import type { ISpace } from '../api/spaces';

/** Shown where a job or model belongs to no space: it is kept in the user's home. */
export const NO_SPACE = 'Home';

/** Label of a space in selects: `"<name> (shared)"` or `"<name>"`. */
export function spaceOptionLabel(space: Pick<ISpace, 'name' | 'kind'>): string {
  return space.kind === 'shared' ? `${space.name} (shared)` : space.name;
}

/** Normalise a contents path: no leading/trailing slashes, no `./`. */
function normalise(path: string): string {
  return path
    .trim()
    .split('/')
    .filter(part => part !== '' && part !== '.')
    .join('/');
}

/** Whether the contents path `path` is `folder` or lies inside it. */
export function isInsideFolder(path: string, folder: string): boolean {
  const p = normalise(path);
  const f = normalise(folder);
  if (!p || !f) {
    return false;
  }
  return p === f || p.startsWith(`${f}/`);
}

/**
 * The space a script should run in: `space` when the script lies inside its
 * folder, otherwise `null` (the user's home).
 */
export function spaceForScript(
  script: string,
  space: Pick<ISpace, 'space_id' | 'path'> | null
): string | null {
  return space?.path && isInsideFolder(script, space.path)
    ? space.space_id
    : null;
}

/**
 * The display name of a job's space: its name when known, a short id when the
 * space is not (or no longer) visible, and `Home` for no space (as the Models panel says).
 */
export function spaceDisplayName(
  spaceId: string | null | undefined,
  spaces: ReadonlyArray<Pick<ISpace, 'space_id' | 'name'>>
): string {
  if (!spaceId) {
    return NO_SPACE;
  }
  const space = spaces.find(s => s.space_id === spaceId);
  return space ? space.name : `${spaceId.slice(0, 8)}…`;
}

/** One option of a space select. */
export interface ISpaceOption {
  value: string;
  label: string;
}

/**
 * The options of a space select: `''` (no space: the home, or "All" in a
 * filter) labelled `emptyLabel`, then each space; and, when `unknownLabel` is
 * given and `value` names no listed space (not loaded yet, or gone), an option
 * for `value` so the select still shows it.
 */
export function spaceOptions<
  S extends Pick<ISpace, 'space_id' | 'name' | 'kind'>
>(
  spaces: ReadonlyArray<S>,
  value: string,
  options: {
    emptyLabel: string;
    unknownLabel?: string;
    label?: (space: S) => string;
  }
): ISpaceOption[] {
  const label = options.label ?? spaceOptionLabel;
  const listed = spaces.map(s => ({ value: s.space_id, label: label(s) }));
  const unknown =
    value &&
    options.unknownLabel !== undefined &&
    !spaces.some(s => s.space_id === value)
      ? [{ value, label: options.unknownLabel }]
      : [];
  return [{ value: '', label: options.emptyLabel }, ...listed, ...unknown];
}
