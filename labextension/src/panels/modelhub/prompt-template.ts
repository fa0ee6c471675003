/*
 * Prompt templates of the playground: placeholders (`{text}`, `{examples}`,
 * `{labels}`), filling them from form fields, and the built-in templates.
 */
import type { TemplateKind } from '../../api/modelhub';

/** The placeholders the playground's form fills. */
export const KNOWN_PLACEHOLDERS = ['text', 'examples', 'labels'] as const;

/** A placeholder the form fills. */
export type KnownPlaceholder = (typeof KNOWN_PLACEHOLDERS)[number];

/** What the form holds. */
export interface IPromptFields {
  /** The input text. */
  text: string;
  /** Examples, one per line: `input => output`. */
  examples: string;
  /** Labels, comma- or line-separated. */
  labels: string;
}

/** A template to start from. */
export interface IBuiltinTemplate {
  name: string;
  kind: TemplateKind;
  template: string;
}

export const BUILTIN_TEMPLATES: IBuiltinTemplate[] = [
  {
    name: 'Zero-shot classification',
    kind: 'zero-shot',
    template:
      'Classify the text into one of these labels: {labels}.\n' +
      'Answer with the label only.\n\nText: {text}\nLabel:'
  },
  {
    name: 'Few-shot classification',
    kind: 'few-shot',
    template:
      'Classify each text into one of these labels: {labels}.\n\n' +
      '{examples}\n\nText: {text}\nLabel:'
  },
  {
    name: 'Free prompt',
    kind: 'zero-shot',
    template: '{text}'
  }
];

/**
 * The placeholders of a template, in order of first appearance. `{{` and
 * `}}` are literal braces.
 */
export function placeholders(template: string): string[] {
  const found: string[] = [];
  const pattern = /\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(template))) {
    const name = match[1];
    if (name && !found.includes(name)) {
      found.push(name);
    }
  }
  return found;
}

/** Split labels typed as `a, b` or one per line; blanks dropped, duplicates once. */
export function parseLabels(text: string): string[] {
  const labels: string[] = [];
  for (const part of text.split(/[,\n]/)) {
    const label = part.trim();
    if (label && !labels.includes(label)) {
      labels.push(label);
    }
  }
  return labels;
}

/** One example of a few-shot prompt. */
export interface IExample {
  input: string;
  output: string;
}

/**
 * Examples typed one per line as `input => output` (a line without `=>` is
 * an input with no output).
 */
export function parseExamples(text: string): IExample[] {
  const examples: IExample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) {
      continue;
    }
    const index = line.lastIndexOf('=>');
    examples.push(
      index === -1
        ? { input: line, output: '' }
        : {
            input: line.slice(0, index).trim(),
            output: line.slice(index + 2).trim()
          }
    );
  }
  return examples;
}

/** The `{examples}` block: `Text: ...\nLabel: ...` pairs, blank-line separated. */
export function formatExamples(examples: IExample[]): string {
  return examples
    .map(e => `Text: ${e.input}\nLabel: ${e.output}`.trimEnd())
    .join('\n\n');
}

/** The result of filling a template. */
export interface IFilledPrompt {
  /** The prompt to send. */
  prompt: string;
  /** Known placeholders whose field is empty. */
  missing: KnownPlaceholder[];
  /** Placeholders the form does not know (left as typed). */
  unknown: string[];
}

/** Fill a template's placeholders from the form's fields. */
export function fillTemplate(
  template: string,
  fields: IPromptFields
): IFilledPrompt {
  const values: Record<KnownPlaceholder, string> = {
    text: fields.text.trim(),
    examples: formatExamples(parseExamples(fields.examples)),
    labels: parseLabels(fields.labels).join(', ')
  };
  const missing: KnownPlaceholder[] = [];
  const unknown: string[] = [];
  const prompt = template.replace(
    /\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}/g,
    (whole, name: string | undefined) => {
      if (whole === '{{') {
        return '{';
      }
      if (whole === '}}') {
        return '}';
      }
      if ((KNOWN_PLACEHOLDERS as readonly string[]).includes(name!)) {
        const key = name as KnownPlaceholder;
        if (!values[key] && !missing.includes(key)) {
          missing.push(key);
        }
        return values[key];
      }
      if (!unknown.includes(name!)) {
        unknown.push(name!);
      }
      return whole;
    }
  );
  return { prompt, missing, unknown };
}

/** The problem of a filled prompt in words, or `null` when it can be sent. */
export function promptProblem(filled: IFilledPrompt): string | null {
  if (filled.unknown.length) {
    return `Unknown placeholder${filled.unknown.length > 1 ? 's' : ''} ${filled.unknown
      .map(n => `{${n}}`)
      .join(
        ', '
      )}: use {text}, {examples} or {labels} (write {{ and }} for literal braces).`;
  }
  if (filled.missing.length) {
    const names = filled.missing.map(n => `{${n}}`).join(', ');
    return `Fill ${names}: the template uses ${filled.missing.length > 1 ? 'them' : 'it'}.`;
  }
  if (!filled.prompt.trim()) {
    return 'The prompt is empty: type a template or some text.';
  }
  return null;
}
