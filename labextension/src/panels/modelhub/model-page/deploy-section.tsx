/*
 * A model page's Deploy: the endpoint name and space, then the new endpoint
 * followed until it serves (a gated model's refusal shows its license gate).
 */
import { Button } from '@jupyterlab/ui-components';
import React, { useEffect, useState } from 'react';

import {
  getEndpoint,
  IEndpoint,
  TRANSIENT_ENDPOINT_STATUSES
} from '../../../api/endpoints';
import { IModelHubModelDetail, isLicenseRefusal } from '../../../api/modelhub';
import { errorMessage, StudioAPIError } from '../../../api/request';
import { SpaceSelect } from '../../../components/space-select';
import { LoadState } from '../../../utils/load-state';
import { nameProblem, NAME_RULE, toValidName } from '../../../utils/names';
import { LicenseGate } from '../license-gate';
import { ModelHubModel } from '../model';

export function DeploySection(props: {
  detail: IModelHubModelDetail;
  model: ModelHubModel;
  openEndpoint: (name: string) => void;
}): JSX.Element {
  const { detail, model } = props;
  const spaces = LoadState.valueOf(model.spaces) ?? [];
  const [name, setName] = useState(() =>
    toValidName(`${detail.id.replace(/^[a-z]+:/, '')}`).slice(0, 50)
  );
  const [spaceId, setSpaceId] = useState<string>(model.activeSpaceId ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<StudioAPIError | Error | null>(null);
  const [deployed, setDeployed] = useState<IEndpoint | null>(null);
  const problem = name ? nameProblem(name, 'Endpoint name') : null;

  // Follow the new endpoint until it serves (or fails).
  useEffect(() => {
    if (!deployed || !TRANSIENT_ENDPOINT_STATUSES.has(deployed.status)) {
      return;
    }
    const timer = setTimeout(() => {
      getEndpoint(deployed.endpoint_name, model.serverSettings)
        .then(setDeployed)
        .catch(() => setDeployed({ ...deployed }));
    }, 2000);
    return () => clearTimeout(timer);
  }, [deployed]);
  const refused = error !== null && isLicenseRefusal(error);

  const deploy = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      setDeployed(
        await model.deploy(detail.id, {
          endpoint_name: name,
          space_id: spaceId || null
        })
      );
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h4 className="jp-studio-SectionTitle">Deploy</h4>
      <div
        className="jp-studio-ModelHubDeploy"
        data-testid="studio-modelhub-deploy"
      >
        <label htmlFor="jp-studio-modelhub-endpoint-name">Endpoint name</label>
        <input
          id="jp-studio-modelhub-endpoint-name"
          className="jp-mod-styled jp-studio-input"
          value={name}
          aria-invalid={problem ? true : undefined}
          title={NAME_RULE}
          onChange={e => setName(e.target.value)}
        />
        <label htmlFor="jp-studio-modelhub-deploy-space">Space</label>
        <SpaceSelect
          id="jp-studio-modelhub-deploy-space"
          spaces={spaces}
          value={spaceId}
          onChange={setSpaceId}
        />
        <Button
          small
          className="jp-studio-primary"
          data-testid="studio-modelhub-deploy-button"
          disabled={busy || !name || problem !== null}
          onClick={() => void deploy()}
        >
          {busy ? 'Deploying…' : 'Deploy'}
        </Button>
      </div>
      {problem ? <div className="jp-studio-FieldError">{problem}</div> : null}
      {refused ? (
        <LicenseGate
          model={model}
          modelId={detail.id}
          action="deploy"
          retry={deploy}
          onCancel={() => setError(null)}
        />
      ) : error ? (
        <div
          className="jp-studio-error jp-studio-ModelHubDeployError"
          role="alert"
          data-testid="studio-modelhub-deploy-error"
        >
          {errorMessage(error)}
        </div>
      ) : null}
      {deployed ? (
        <div
          className={`jp-studio-ModelHubDeployed${deployed.status === 'Failed' ? ' jp-studio-error' : ''}`}
          data-testid="studio-modelhub-deployed"
          data-status={deployed.status}
        >
          Endpoint{' '}
          <button
            className="jp-studio-linkButton"
            onClick={() => props.openEndpoint(deployed.endpoint_name)}
          >
            {deployed.endpoint_name}
          </button>{' '}
          {deployed.status === 'InService'
            ? 'is in service.'
            : deployed.status === 'Failed'
              ? `failed: ${deployed.status_message ?? 'see its log in the Endpoints panel.'}`
              : 'is starting (loading a model takes seconds to a minute)…'}
          {deployed.status === 'InService' &&
          detail.task === 'text-generation' ? (
            <>
              {' '}
              <button
                className="jp-studio-linkButton"
                onClick={() => {
                  void model.refreshEndpoints();
                  model.setTab('playground');
                }}
              >
                Try it in the playground
              </button>
            </>
          ) : null}
        </div>
      ) : null}
    </>
  );
}
