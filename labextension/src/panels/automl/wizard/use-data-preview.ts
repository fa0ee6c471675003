/*
 * The preview of the wizard's data file, fetched as its path is typed. A
 * pre-filled file that a job is still writing is asked for again every 3 s
 * until the job has written it.
 */
import type { ServerConnection } from '@jupyterlab/services';
import { useEffect, useState } from 'react';

import { IDataPreview, previewData } from '../../../api/automl';
import { errorMessage } from '../../../api/request';
import type { IWizardPrefill } from '../model';
import { DEBOUNCE_MS } from './wizard-state';

/** How often a file a job is still writing is asked for again. */
const RETRY_MS = 3000;

export interface IDataPreviewState {
  /** The preview (`null`: no path, or it cannot be read yet). */
  preview: IDataPreview | null;
  /** Why the file cannot be read. */
  error: string | null;
  /** The job still writing the file, while the preview waits for it. */
  waitingFor: string | null;
}

export function useDataPreview(
  path: string,
  serverSettings: ServerConnection.ISettings,
  prefill: IWizardPrefill | null
): IDataPreviewState {
  const [preview, setPreview] = useState<IDataPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [retry, setRetry] = useState(0);

  useEffect(() => {
    const trimmed = path.trim();
    setError(null);
    if (!trimmed) {
      setPreview(null);
      return;
    }
    let cancelled = false;
    const timer = window.setTimeout(() => {
      previewData(trimmed, serverSettings)
        .then(result => {
          if (!cancelled) {
            setPreview(result);
          }
        })
        .catch(reason => {
          if (!cancelled) {
            setPreview(null);
            setError(errorMessage(reason));
          }
        });
    }, DEBOUNCE_MS);
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [path, serverSettings, retry]);

  const waiting =
    !!prefill?.dataJob && path === prefill.data && !preview && !!error;
  useEffect(() => {
    if (!waiting) {
      return;
    }
    const timer = window.setTimeout(() => setRetry(n => n + 1), RETRY_MS);
    return () => window.clearTimeout(timer);
  }, [waiting, error, retry]);

  return {
    preview,
    error,
    waitingFor: waiting ? (prefill?.dataJob ?? null) : null
  };
}
