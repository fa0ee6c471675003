/*
 * Streaming generation for the playground's sides: one request per side,
 * tokens appended as they arrive, Stop aborting every stream.
 */
import { useEffect, useRef, useState } from 'react';

import { openGenerationStream } from '../../../api/modelhub';
import { errorMessage, StudioAPIError } from '../../../api/request';
import { ModelHubModel } from '../model';
import {
  ICheckedSettings,
  ISettingsFields,
  settingsFieldOf
} from '../settings';
import { readGenerationStream } from '../sse';
import { IDLE, IOutput } from './sides';

/** Server errors by the settings field they are about. */
export type SettingsErrors = Partial<Record<keyof ISettingsFields, string>>;

/** The settings fields a failed request names (its 400 `detail`, or its message). */
function settingsErrorsOf(error: unknown): SettingsErrors {
  const fieldErrors: SettingsErrors = {};
  if (error instanceof StudioAPIError) {
    for (const item of error.detail ?? []) {
      const field = settingsFieldOf(item.loc, item.msg);
      if (field) {
        fieldErrors[field] = item.msg;
      }
    }
    const field = settingsFieldOf(undefined, error.message);
    if (field && !fieldErrors[field]) {
      fieldErrors[field] = error.message;
    }
  }
  return fieldErrors;
}

export interface IGeneration {
  /** The output of each side (A, B). */
  outputs: IOutput[];
  /** Some side is streaming. */
  running: boolean;
  /** Stream a completion of `prompt` from `endpoint` into side `index`. */
  start(
    index: number,
    endpoint: string,
    prompt: string,
    settings: ICheckedSettings['settings']
  ): Promise<void>;
  /** Abort every stream. */
  stop(): void;
}

/**
 * The sides' outputs and their streams. `onSettingsErrors` receives the
 * settings fields a server refusal names.
 */
export function useGeneration(
  model: ModelHubModel,
  onSettingsErrors: (errors: SettingsErrors) => void
): IGeneration {
  const [outputs, setOutputs] = useState<IOutput[]>([IDLE, IDLE]);
  const aborts = useRef<Array<AbortController | null>>([null, null]);
  useEffect(() => () => aborts.current.forEach(a => a?.abort()), []);

  const updateOutput = (index: number, change: Partial<IOutput>) =>
    setOutputs(current =>
      current.map((o, i) => (i === index ? { ...o, ...change } : o))
    );

  const start = async (
    index: number,
    endpoint: string,
    prompt: string,
    settings: ICheckedSettings['settings']
  ) => {
    const controller = new AbortController();
    aborts.current[index]?.abort();
    aborts.current[index] = controller;
    const started = performance.now();
    let text = '';
    let tokens = 0;
    setOutputs(current =>
      current.map((o, i) =>
        i === index ? { ...IDLE, status: 'streaming' } : o
      )
    );
    try {
      const response = await openGenerationStream(
        endpoint,
        { prompt, ...settings },
        model.serverSettings,
        controller.signal
      );
      if (!response.body) {
        throw new Error('The browser cannot read a streamed response.');
      }
      let firstTokenMs: number | null = null;
      let finished = false;
      await readGenerationStream(response.body, event => {
        if (event.type === 'token') {
          text += event.token;
          tokens += 1;
          if (firstTokenMs === null) {
            firstTokenMs = performance.now() - started;
          }
          updateOutput(index, { text, tokens, firstTokenMs });
        } else if (event.type === 'done') {
          finished = true;
          updateOutput(index, {
            status: 'done',
            text: event.text ?? text,
            tokens: event.tokens ?? tokens,
            finishReason: event.finishReason,
            elapsedMs: performance.now() - started
          });
        } else {
          finished = true;
          updateOutput(index, {
            status: 'error',
            error: event.message,
            elapsedMs: performance.now() - started
          });
        }
      });
      if (!finished) {
        updateOutput(index, {
          status: 'done',
          elapsedMs: performance.now() - started
        });
      }
    } catch (error) {
      if ((error as Error)?.name === 'AbortError') {
        updateOutput(index, {
          status: 'stopped',
          elapsedMs: performance.now() - started
        });
        return;
      }
      const fieldErrors = settingsErrorsOf(error);
      if (Object.keys(fieldErrors).length) {
        onSettingsErrors(fieldErrors);
      }
      updateOutput(index, {
        status: 'error',
        error: errorMessage(error),
        elapsedMs: performance.now() - started
      });
    } finally {
      if (aborts.current[index] === controller) {
        aborts.current[index] = null;
      }
    }
  };

  return {
    outputs,
    running: outputs.some(o => o.status === 'streaming'),
    start,
    stop: () => aborts.current.forEach(a => a?.abort())
  };
}
