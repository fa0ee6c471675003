/*
 * A model page's license: its text and link, then who accepted it and when,
 * or, for a gated model, Accept.
 */
import { Button } from '@jupyterlab/ui-components';
import React, { useState } from 'react';

import type { IModelHubModelDetail } from '../../../api/modelhub';
import { errorMessage } from '../../../api/request';
import { ModelHubModel } from '../model';

export function LicenseSection(props: {
  detail: IModelHubModelDetail;
  model: ModelHubModel;
}): JSX.Element {
  const { detail, model } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <h4 className="jp-studio-SectionTitle">License · {detail.license}</h4>
      <div
        className="jp-studio-ModelHubLicense"
        data-testid="studio-modelhub-license"
        tabIndex={0}
        aria-label={`${detail.license} license text`}
      >
        {detail.license_text || 'No license text was shipped with this model.'}
      </div>
      {detail.license_url ? (
        <div className="jp-studio-muted">
          Also at{' '}
          <a href={detail.license_url} target="_blank" rel="noreferrer">
            {detail.license_url}
          </a>
        </div>
      ) : null}
      {detail.acceptance ? (
        <div
          className="jp-studio-ModelHubAccepted"
          data-testid="studio-modelhub-accepted"
          title={detail.acceptance.accepted_at}
        >
          Accepted by {detail.acceptance.profile} on{' '}
          {new Date(detail.acceptance.accepted_at).toLocaleString()}
        </div>
      ) : detail.gated ? (
        <div className="jp-studio-ModelHubAcceptRow">
          <span className="jp-studio-muted">
            Deploying or fine-tuning this model needs its license accepted.
          </span>
          <AcceptButton
            busy={busy}
            onClick={async () => {
              setBusy(true);
              setError(null);
              try {
                await model.accept(detail.id);
              } catch (e) {
                setError(errorMessage(e));
              } finally {
                setBusy(false);
              }
            }}
            license={detail.license}
          />
        </div>
      ) : null}
      {error ? (
        <div className="jp-studio-error" role="alert">
          {error}
        </div>
      ) : null}
    </>
  );
}

function AcceptButton(props: {
  busy: boolean;
  license: string;
  onClick: () => void;
}): JSX.Element {
  return (
    <Button
      small
      className="jp-studio-primary"
      data-testid="studio-modelhub-accept"
      disabled={props.busy}
      title={`Accept the ${props.license} license for your profile`}
      onClick={props.onClick}
    >
      {props.busy ? 'Accepting…' : 'Accept license'}
    </Button>
  );
}
