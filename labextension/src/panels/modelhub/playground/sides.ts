/*
 * The two sides of the prompt playground (A and B): what each sends (an
 * endpoint and a template) and what came back.
 */
import type { TemplateKind } from '../../../api/modelhub';
import { BUILTIN_TEMPLATES } from '../prompt-template';

/** What one side sends. */
export interface ISide {
  endpoint: string;
  /** `builtin:<name>`, `saved:<name>` or `''` (typed). */
  source: string;
  template: string;
  kind: TemplateKind;
}

/** What one side received. */
export interface IOutput {
  status: 'idle' | 'streaming' | 'done' | 'error' | 'stopped';
  text: string;
  tokens: number;
  finishReason: string | null;
  error: string | null;
  /** Milliseconds to the first token. */
  firstTokenMs: number | null;
  elapsedMs: number | null;
}

export const IDLE: IOutput = {
  status: 'idle',
  text: '',
  tokens: 0,
  finishReason: null,
  error: null,
  firstTokenMs: null,
  elapsedMs: null
};

/** Side A starts on zero-shot classification, side B on few-shot. */
export function initialSide(index: number): ISide {
  const builtin = BUILTIN_TEMPLATES[index === 0 ? 0 : 1];
  return {
    endpoint: '',
    source: `builtin:${builtin.name}`,
    template: builtin.template,
    kind: builtin.kind
  };
}
