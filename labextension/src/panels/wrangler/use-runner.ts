/*
 * The editor's one-at-a-time actions (edits, exports): while one runs the
 * export buttons are disabled; its error is shown under the toolbar.
 */
import { useState } from 'react';

/** Run an action; its error becomes the runner's `error`. */
export type Run = (what: () => Promise<unknown>) => Promise<void>;

export interface IRunner {
  /** An action is running. */
  busy: boolean;
  /** The last action's error (`Error: ...`), until the next one starts. */
  error: string | null;
  run: Run;
}

export function useRunner(): IRunner {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run: Run = async what => {
    setBusy(true);
    setError(null);
    try {
      await what();
    } catch (reason) {
      setError(`Error: ${(reason as Error)?.message ?? reason}`);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}
