/*
 * The license gate of a gated model as the panel tells it: what is needed
 * (in words, not REST paths or Python arguments), the terms to read, and one
 * button that accepts them and retries what was refused.
 */
import { Button } from '@jupyterlab/ui-components';
import React, { useState } from 'react';

import { getModelHubModel, IModelHubModelDetail } from '../../api/modelhub';
import { errorMessage } from '../../api/request';
import { LoadState } from '../../utils/load-state';
import { ModelHubModel } from './model';

/** What the user tried: the verb shown in the gate's sentences and button. */
export type GatedAction = 'deploy' | 'fine-tune';

/** The sentence that says why an action was refused. */
export function gateMessage(
  name: string,
  license: string,
  action: GatedAction
): string {
  return (
    `${name} is a gated model: you need to accept its license (${license}) ` +
    `before you ${action} it. Read the terms, then accept them for your profile.`
  );
}

export function LicenseGate(props: {
  model: ModelHubModel;
  modelId: string;
  action: GatedAction;
  /** The refused action again, once the license is accepted. */
  retry: () => Promise<void>;
  /** Close the gate without accepting. */
  onCancel: () => void;
}): JSX.Element {
  const { model, modelId, action } = props;
  const card = model.allCards.find(c => c.id === modelId);
  const shown = model.detail ? LoadState.valueOf(model.detail) : undefined;
  const [terms, setTerms] = useState<LoadState<IModelHubModelDetail> | null>(
    shown?.id === modelId ? LoadState.ready(shown) : null
  );
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const detail = terms ? LoadState.valueOf(terms) : undefined;
  const name = detail?.name ?? card?.name ?? modelId;
  const license = detail?.license ?? card?.license ?? 'its license';

  const review = async () => {
    setOpen(true);
    if (detail) {
      return;
    }
    setTerms(LoadState.loading());
    try {
      setTerms(
        LoadState.ready(await getModelHubModel(modelId, model.serverSettings))
      );
    } catch (e) {
      setTerms(LoadState.failed(e));
    }
  };

  const accept = async () => {
    setBusy(true);
    setError(null);
    try {
      await model.accept(modelId);
      await props.retry();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const verb = action === 'deploy' ? 'deploy' : 'start fine-tuning';
  return (
    <div
      className="jp-studio-ModelHubGate"
      role="alert"
      data-testid="studio-modelhub-license-gate"
    >
      <div>{gateMessage(name, license, action)}</div>
      {open ? (
        <>
          <div
            className="jp-studio-ModelHubLicense"
            data-testid="studio-modelhub-gate-terms"
            tabIndex={0}
            aria-label={`${license} license text`}
          >
            {terms?.status === 'loading'
              ? 'Loading the license…'
              : terms?.status === 'error'
                ? `The license text could not be loaded: ${terms.error}`
                : detail?.license_text ||
                  'No license text was shipped with this model.'}
          </div>
          {detail?.license_url ? (
            <div className="jp-studio-muted">
              Also at{' '}
              <a href={detail.license_url} target="_blank" rel="noreferrer">
                {detail.license_url}
              </a>
            </div>
          ) : null}
          <div className="jp-studio-ModelHubAcceptRow">
            <Button
              type="button"
              small
              className="jp-studio-primary"
              data-testid="studio-modelhub-accept-retry"
              disabled={busy || terms?.status !== 'ready'}
              onClick={() => void accept()}
            >
              {busy ? 'Accepting…' : `Accept and ${verb}`}
            </Button>
            <Button
              type="button"
              small
              className="jp-studio-secondary"
              disabled={busy}
              onClick={props.onCancel}
            >
              Cancel
            </Button>
          </div>
        </>
      ) : (
        <div className="jp-studio-ModelHubAcceptRow">
          <Button
            type="button"
            small
            className="jp-studio-primary"
            data-testid="studio-modelhub-accept"
            onClick={() => void review()}
          >
            Review the license…
          </Button>
        </div>
      )}
      {error ? <div className="jp-studio-FieldError">{error}</div> : null}
    </div>
  );
}
