/*
 * Names of endpoints and models: letters, digits and hyphens, at most 63
 * characters, no hyphen at either end (a DNS label), checked as typed.
 */

/** The longest name the server accepts. */
export const MAX_NAME_LENGTH = 63;

/** The server's rule (`ENDPOINT_NAME_PATTERN`, `MODEL_NAME_PATTERN`). */
export const NAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** The rule in words, for hints under name fields. */
export const NAME_RULE =
  'Letters, digits and hyphens, at most 63 characters, no hyphen at either end.';

/**
 * What is wrong with a name, or `null` when the server will accept it.
 *
 * @param what - the thing named, for messages ("Endpoint name").
 */
export function nameProblem(name: string, what = 'Name'): string | null {
  if (!name) {
    return `${what} is required.`;
  }
  const bad = [...name].find(ch => !/[A-Za-z0-9-]/.test(ch));
  if (bad !== undefined) {
    const shown = bad === ' ' ? 'a space' : `"${bad}"`;
    return `${what} may only contain letters, digits and hyphens: ${shown} is not allowed.`;
  }
  if (name.length > MAX_NAME_LENGTH) {
    return `${what} has ${name.length} characters: at most ${MAX_NAME_LENGTH} are allowed.`;
  }
  if (name.startsWith('-') || name.endsWith('-')) {
    return `${what} may not start or end with a hyphen.`;
  }
  return NAME_PATTERN.test(name) ? null : `${what} is not valid. ${NAME_RULE}`;
}

/**
 * Turn any text into a valid name (or `''` when nothing is left): other
 * characters become hyphens, runs of hyphens collapse, the ends are trimmed.
 */
export function toValidName(text: string): string {
  const cleaned = text
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+/, '')
    .slice(0, MAX_NAME_LENGTH)
    .replace(/-+$/, '');
  return cleaned;
}

/** A default endpoint name for a model version, e.g. `churn-v2`. */
export function suggestEndpointName(
  modelName: string,
  version: number
): string {
  const suffix = `-v${version}`;
  const base = toValidName(modelName).slice(0, MAX_NAME_LENGTH - suffix.length);
  return toValidName(`${base || 'endpoint'}${suffix}`);
}
