/*
 * Pure helpers for user profiles: the per-user default runtime limit of jobs
 * (`settings.default_max_runtime_seconds`, sent in seconds, shown in
 * minutes), and the request bodies of the add/edit user profile dialog.
 */

import type {
  ICreateProfile,
  IProfile,
  IProfileSettings,
  IUpdateProfile
} from '../api/profiles';

/**
 * The profile's own default runtime limit in seconds, or null when it has
 * none (the domain default then applies). Zero, negative and non-numeric
 * values count as none.
 */
export function runtimeLimitSeconds(
  settings: Partial<IProfileSettings> | null | undefined
): number | null {
  const value: unknown = settings?.default_max_runtime_seconds;
  if (typeof value !== 'number' || !isFinite(value) || value <= 0) {
    return null;
  }
  return value;
}

/** Round to at most two decimals, without trailing zeros (`1.5`, `10`). */
function shortNumber(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/**
 * Seconds as the text of a minutes input: `600` -> `"10"`, `90` -> `"1.5"`,
 * null -> `""`.
 */
export function secondsToMinutesText(seconds: number | null): string {
  if (seconds === null || !isFinite(seconds) || seconds <= 0) {
    return '';
  }
  return shortNumber(seconds / 60);
}

/** The result of reading a minutes input. */
export type MinutesParse =
  { ok: true; seconds: number | null } | { ok: false; error: string };

/**
 * Read a minutes input: empty -> no limit (null); otherwise a positive number
 * of minutes (decimals allowed, `,` accepted as decimal separator), returned
 * as whole seconds.
 */
export function parseMinutes(text: string): MinutesParse {
  const trimmed = text.trim().replace(',', '.');
  if (!trimmed) {
    return { ok: true, seconds: null };
  }
  const minutes = /^-?(\d+\.?\d*|\.\d+)$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!isFinite(minutes)) {
    return {
      ok: false,
      error: `"${text.trim()}" is not a number of minutes.`
    };
  }
  const seconds = Math.round(minutes * 60);
  if (seconds <= 0) {
    return {
      ok: false,
      error:
        'The default max runtime must be more than zero minutes; ' +
        'leave it empty for the domain default.'
    };
  }
  return { ok: true, seconds };
}

/**
 * A runtime limit for people: `45 s`, `10 min`, `1.5 min`, `2 h`.
 */
export function formatLimit(seconds: number): string {
  if (seconds < 60) {
    return `${shortNumber(seconds)} s`;
  }
  if (seconds >= 3600 && seconds % 3600 === 0) {
    return `${seconds / 3600} h`;
  }
  return `${shortNumber(seconds / 60)} min`;
}

/**
 * What a profile row says about the runtime limit:
 * `runtime limit: 10 min`, or `runtime limit: default` without one.
 */
export function formatRuntimeLimit(
  settings: Partial<IProfileSettings> | null | undefined
): string {
  const seconds = runtimeLimitSeconds(settings);
  return `runtime limit: ${seconds === null ? 'default' : formatLimit(seconds)}`;
}

/** The values of the add/edit user dialog, as typed. */
export interface IUserForm {
  username: string;
  displayName: string;
  isAdmin: boolean;
  /** Default max runtime in minutes; empty for none. */
  minutes: string;
}

/**
 * Turn the form into a create body, or an error message to show.
 */
export function createBodyFromForm(
  form: IUserForm
): { body: ICreateProfile } | { error: string } {
  const username = form.username.trim();
  if (!username) {
    return { error: 'Enter a username.' };
  }
  const runtime = parseMinutes(form.minutes);
  if (!runtime.ok) {
    return { error: runtime.error };
  }
  const body: ICreateProfile = { username, is_admin: form.isAdmin };
  const displayName = form.displayName.trim();
  if (displayName) {
    body.display_name = displayName;
  }
  if (runtime.seconds !== null) {
    body.settings = { default_max_runtime_seconds: runtime.seconds };
  }
  return { body };
}

/**
 * Turn the form into a PATCH body with only what changed (empty when
 * nothing did), or an error message to show.
 */
export function updateBodyFromForm(
  profile: IProfile,
  form: IUserForm
): { body: IUpdateProfile } | { error: string } {
  const runtime = parseMinutes(form.minutes);
  if (!runtime.ok) {
    return { error: runtime.error };
  }
  const body: IUpdateProfile = {};
  const displayName = form.displayName.trim() || profile.username;
  if (displayName !== profile.display_name) {
    body.display_name = displayName;
  }
  if (form.isAdmin !== profile.is_admin) {
    body.is_admin = form.isAdmin;
  }
  if (runtime.seconds !== runtimeLimitSeconds(profile.settings)) {
    // The server changes only the settings sent; null clears one.
    body.settings = { default_max_runtime_seconds: runtime.seconds };
  }
  return { body };
}
