/*
 * Generation settings of the playground as typed, checked with the same
 * ranges as the server (which has the last word: its 400 names the field).
 */
import type {
  IGenerationRequest,
  IGenerationSettings
} from '../../api/modelhub';

/** The settings as typed in the form (text fields). */
export interface ISettingsFields {
  max_new_tokens: string;
  temperature: string;
  top_p: string;
  /** Stop sequences, one per line; `\n` is a newline. */
  stop: string;
}

export const DEFAULT_SETTINGS: ISettingsFields = {
  max_new_tokens: '64',
  temperature: '0.7',
  top_p: '0.95',
  stop: ''
};

/** Most tokens one invocation may generate. */
export const MAX_NEW_TOKENS = 2048;
/** Most stop sequences. */
export const MAX_STOP = 8;

/** Checked settings, or the problems by field. */
export interface ICheckedSettings {
  settings: Required<
    Pick<
      IGenerationRequest,
      'max_new_tokens' | 'temperature' | 'top_p' | 'stop'
    >
  >;
  problems: Partial<Record<keyof ISettingsFields, string>>;
}

function number(text: string): number | null {
  const value = text.trim();
  if (!value) {
    return null;
  }
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : NaN;
}

/** Stop sequences typed one per line (`\n` and `\t` escapes understood). */
export function parseStop(text: string): string[] {
  return text
    .split('\n')
    .filter(line => line !== '')
    .map(line => line.replace(/\\n/g, '\n').replace(/\\t/g, '\t'));
}

/** Stop sequences back to the form's text. */
export function formatStop(stop: string[] | null | undefined): string {
  return (stop ?? [])
    .map(s => s.replace(/\n/g, '\\n').replace(/\t/g, '\\t'))
    .join('\n');
}

/** Check the typed settings. */
export function checkSettings(fields: ISettingsFields): ICheckedSettings {
  const problems: ICheckedSettings['problems'] = {};
  const tokens = number(fields.max_new_tokens);
  if (tokens === null) {
    problems.max_new_tokens = 'Max tokens is required.';
  } else if (
    !Number.isInteger(tokens) ||
    tokens < 1 ||
    tokens > MAX_NEW_TOKENS
  ) {
    problems.max_new_tokens = `Max tokens: a whole number from 1 to ${MAX_NEW_TOKENS}.`;
  }
  const temperature = number(fields.temperature);
  if (temperature === null) {
    problems.temperature = 'Temperature is required (0 is greedy).';
  } else if (!(temperature >= 0 && temperature <= 2)) {
    problems.temperature = 'Temperature: from 0 (greedy) to 2.';
  }
  const topP = number(fields.top_p);
  if (topP === null) {
    problems.top_p = 'Top-p is required (1 keeps every token).';
  } else if (!(topP > 0 && topP <= 1)) {
    problems.top_p = 'Top-p: more than 0, at most 1.';
  }
  const stop = parseStop(fields.stop);
  if (stop.length > MAX_STOP) {
    problems.stop = `At most ${MAX_STOP} stop sequences (${stop.length} given).`;
  }
  return {
    settings: {
      max_new_tokens: tokens ?? 0,
      temperature: temperature ?? 0,
      top_p: topP ?? 0,
      stop
    },
    problems
  };
}

/** The form's fields from saved settings (unset ones keep `base`). */
export function settingsToFields(
  settings: IGenerationSettings | null | undefined,
  base: ISettingsFields = DEFAULT_SETTINGS
): ISettingsFields {
  const s = settings ?? {};
  return {
    max_new_tokens:
      s.max_new_tokens !== null && s.max_new_tokens !== undefined
        ? String(s.max_new_tokens)
        : base.max_new_tokens,
    temperature:
      s.temperature !== null && s.temperature !== undefined
        ? String(s.temperature)
        : base.temperature,
    top_p:
      s.top_p !== null && s.top_p !== undefined ? String(s.top_p) : base.top_p,
    stop: s.stop ? formatStop(s.stop) : base.stop
  };
}

/**
 * The settings field a server error is about (`loc` such as
 * `["body", "temperature"]`, or the field named in its message), or `null`.
 */
export function settingsFieldOf(
  loc: Array<string | number> | undefined,
  message: string
): keyof ISettingsFields | null {
  const names: Array<keyof ISettingsFields> = [
    'max_new_tokens',
    'temperature',
    'top_p',
    'stop'
  ];
  for (const part of loc ?? []) {
    if ((names as string[]).includes(String(part))) {
      return part as keyof ISettingsFields;
    }
  }
  for (const name of names) {
    if (new RegExp(`\\b${name}\\b`).test(message)) {
      return name;
    }
  }
  return null;
}
