/*
 * The server's checks of the wizard's form: every change is sent to the
 * validate route (debounced), and again once the data file can be read.
 */
import type { ServerConnection } from '@jupyterlab/services';
import { useEffect, useMemo, useRef, useState } from 'react';

import {
  IAutoMLValidation,
  IValidateAutoMLExperiment,
  validateExperiment
} from '../../../api/automl';
import { StudioAPIError } from '../../../api/request';
import {
  buildRequest,
  DEBOUNCE_MS,
  IWizardForm,
  problemsByField
} from './wizard-state';

/** Only the fields the user has filled, for the validate route. */
function partialBody(
  form: IWizardForm,
  columns: string[]
): IValidateAutoMLExperiment {
  const { body } = buildRequest(form, columns);
  const out: IValidateAutoMLExperiment = { ...body };
  if (!form.name.trim()) {
    delete out.experiment_name;
  }
  if (!form.data.trim()) {
    delete out.data;
  }
  if (!form.target) {
    delete out.target;
  }
  if (!(body.max_runtime && body.max_runtime > 0)) {
    delete out.max_runtime;
  }
  return out;
}

/** The field errors of a 422 answer by field, or `null` for other errors. */
export function fieldProblemsOf(error: unknown): Record<string, string> | null {
  if (!(error instanceof StudioAPIError && error.detail)) {
    return null;
  }
  return problemsByField(
    error.detail.map(d => ({ loc: (d.loc ?? []).map(String), msg: d.msg }))
  );
}

export interface IServerCheck {
  /** The server's last answer. */
  checked: IAutoMLValidation | null;
  /** Its problems by field (or those of a refused Create). */
  problems: Record<string, string>;
  setProblems(problems: Record<string, string>): void;
}

export function useServerCheck(
  form: IWizardForm,
  columns: string[],
  serverSettings: ServerConnection.ISettings,
  dataReadable: boolean
): IServerCheck {
  const [checked, setChecked] = useState<IAutoMLValidation | null>(null);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const body = useMemo(() => partialBody(form, columns), [form, columns]);
  const bodyKey = JSON.stringify(body);
  const sequence = useRef(0);
  useEffect(() => {
    const controller = new AbortController();
    const mine = ++sequence.current;
    const timer = window.setTimeout(() => {
      validateExperiment(body, serverSettings, controller.signal)
        .then(result => {
          if (mine === sequence.current) {
            setChecked(result);
            setProblems(problemsByField(result.problems));
          }
        })
        .catch(error => {
          if (mine !== sequence.current || controller.signal.aborted) {
            return;
          }
          const byField = fieldProblemsOf(error);
          if (byField) {
            setProblems(byField);
          }
        });
    }, DEBOUNCE_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [bodyKey, serverSettings, dataReadable]);
  return { checked, problems, setProblems };
}
