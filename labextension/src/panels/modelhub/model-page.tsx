/*
 * A model's page: description, license (with Accept and the recorded
 * acceptance), size, inputs and outputs, an example call, example
 * notebooks, and Deploy (a gated model's refusal shows its license and an
 * Accept button that deploys again).
 */
import { Clipboard } from '@jupyterlab/apputils';
import { Button, closeIcon } from '@jupyterlab/ui-components';
import React, { useEffect, useState } from 'react';

import {
  getEndpoint,
  IEndpoint,
  TRANSIENT_ENDPOINT_STATUSES
} from '../../api/endpoints';
import { isLicenseRefusal, IHubModelDetail } from '../../api/modelhub';
import { errorMessage, StudioAPIError } from '../../api/request';
import { LoadState } from '../../utils/load-state';
import { spaceOptionLabel } from '../../utils/spaces';
import type { IPathOpener } from '../../tokens';
import { nameProblem, NAME_RULE, toValidName } from '../../utils/names';
import { formatParameters, formatSize, taskLabel } from './catalogue';
import { LicenseGate } from './license-gate';
import { ModelHubModel } from './model';

export function ModelPage(props: {
  model: ModelHubModel;
  opener: IPathOpener;
  openEndpoint: (name: string) => void;
}): JSX.Element {
  const { model } = props;
  const state = model.detail;
  const detail = state ? LoadState.valueOf(state) : undefined;
  return (
    <section
      className="jp-studio-HubPage"
      data-testid="studio-hub-model-page"
      data-id={model.selectedId ?? ''}
      aria-label={detail ? `Model ${detail.name}` : 'Model'}
    >
      <header className="jp-studio-JobDetail-header">
        <div className="jp-studio-JobDetail-titleRow">
          <h3 className="jp-studio-JobDetail-title">
            {detail?.name ?? model.selectedId}
          </h3>
          {detail?.gated ? (
            <span
              className={`jp-studio-HubBadge ${detail.accepted ? 'jp-mod-accepted' : 'jp-mod-gated'}`}
            >
              {detail.accepted ? 'License accepted' : 'Gated'}
            </span>
          ) : null}
        </div>
        <Button
          small
          minimal
          aria-label="Close the model page"
          title="Close"
          onClick={() => model.select(null)}
        >
          <closeIcon.react tag="span" />
        </Button>
      </header>
      {state?.status === 'error' ? (
        <div className="jp-studio-error" role="alert">
          {state.error}
        </div>
      ) : null}
      {!detail ? (
        state?.status === 'loading' ? (
          <div className="jp-studio-muted">Loading…</div>
        ) : null
      ) : (
        <ModelPageBody
          detail={detail}
          model={model}
          opener={props.opener}
          openEndpoint={props.openEndpoint}
        />
      )}
    </section>
  );
}

function ModelPageBody(props: {
  detail: IHubModelDetail;
  model: ModelHubModel;
  opener: IPathOpener;
  openEndpoint: (name: string) => void;
}): JSX.Element {
  const { detail, model, opener } = props;
  const example = JSON.stringify(detail.example_request, null, 2);
  const canFinetune =
    detail.task === 'text-generation' ||
    detail.tasks.includes('text-classification');
  return (
    <>
      <p className="jp-studio-HubPage-description">{detail.description}</p>
      <div className="jp-studio-HubPage-actions">
        {detail.task === 'text-generation' ? (
          <Button
            small
            className="jp-studio-secondary"
            onClick={() => model.setTab('playground')}
          >
            Try in the playground
          </Button>
        ) : null}
        {canFinetune ? (
          <Button
            small
            className="jp-studio-secondary"
            onClick={() => model.setTab('finetune')}
          >
            Fine-tune
          </Button>
        ) : null}
        <Button
          small
          className="jp-studio-secondary"
          onClick={() => model.setTab('evaluate')}
        >
          Evaluate
        </Button>
      </div>
      <dl className="jp-studio-Properties">
        <dt>Id</dt>
        <dd className="jp-studio-mono">{detail.id}</dd>
        <dt>Task</dt>
        <dd>{detail.tasks.map(taskLabel).join(', ')}</dd>
        <dt>Framework</dt>
        <dd>{detail.framework}</dd>
        <dt>Source</dt>
        <dd>{detail.source}</dd>
        <dt>Size</dt>
        <dd data-testid="studio-hub-size">
          {formatSize(detail.size_mb)}
          {detail.parameters
            ? ` · ${formatParameters(detail.parameters)} parameters`
            : ''}
        </dd>
        {detail.context_length ? (
          <>
            <dt>Context</dt>
            <dd>{detail.context_length} tokens</dd>
          </>
        ) : null}
        <dt>Tags</dt>
        <dd>{detail.tags.join(', ') || '—'}</dd>
      </dl>

      <LicenseSection detail={detail} model={model} />

      <DeploySection
        detail={detail}
        model={model}
        openEndpoint={props.openEndpoint}
      />

      <h4 className="jp-studio-SectionTitle">Inputs</h4>
      <pre className="jp-studio-HubCode" data-testid="studio-hub-inputs">
        {JSON.stringify(detail.inputs, null, 2)}
      </pre>
      <h4 className="jp-studio-SectionTitle">Outputs</h4>
      <pre className="jp-studio-HubCode">
        {JSON.stringify(detail.outputs, null, 2)}
      </pre>

      <h4 className="jp-studio-SectionTitle">Example call</h4>
      <CodeBlock
        label="Copy the request body"
        text={example}
        testId="studio-hub-example"
      />
      {detail.example_python ? (
        <CodeBlock label="Copy the Python call" text={detail.example_python} />
      ) : null}

      <h4 className="jp-studio-SectionTitle">Example notebooks</h4>
      {detail.notebooks.length ? (
        <ul className="jp-studio-HubNotebooks">
          {detail.notebooks.map(nb => (
            <li key={nb.path}>
              <button
                className="jp-studio-linkButton"
                title={`Open ${nb.path}`}
                onClick={() => opener.openFile(nb.path)}
              >
                {nb.title}
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <div className="jp-studio-muted">No example notebook.</div>
      )}
    </>
  );
}

function CodeBlock(props: {
  label: string;
  text: string;
  testId?: string;
}): JSX.Element {
  const [copied, setCopied] = useState(false);
  return (
    <div className="jp-studio-HubCodeBlock">
      <pre className="jp-studio-HubCode" data-testid={props.testId}>
        {props.text}
      </pre>
      <Button
        small
        className="jp-studio-secondary jp-studio-HubCopy"
        aria-label={props.label}
        title={props.label}
        onClick={() => {
          Clipboard.copyToSystem(props.text);
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </Button>
    </div>
  );
}

function LicenseSection(props: {
  detail: IHubModelDetail;
  model: ModelHubModel;
}): JSX.Element {
  const { detail, model } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <h4 className="jp-studio-SectionTitle">License · {detail.license}</h4>
      <div
        className="jp-studio-HubLicense"
        data-testid="studio-hub-license"
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
          className="jp-studio-HubAccepted"
          data-testid="studio-hub-accepted"
          title={detail.acceptance.accepted_at}
        >
          Accepted by {detail.acceptance.profile} on{' '}
          {new Date(detail.acceptance.accepted_at).toLocaleString()}
        </div>
      ) : detail.gated ? (
        <div className="jp-studio-HubAcceptRow">
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
      data-testid="studio-hub-accept"
      disabled={props.busy}
      title={`Accept the ${props.license} license for your profile`}
      onClick={props.onClick}
    >
      {props.busy ? 'Accepting…' : 'Accept license'}
    </Button>
  );
}

function DeploySection(props: {
  detail: IHubModelDetail;
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
      <div className="jp-studio-HubDeploy" data-testid="studio-hub-deploy">
        <label htmlFor="jp-studio-hub-endpoint-name">Endpoint name</label>
        <input
          id="jp-studio-hub-endpoint-name"
          className="jp-mod-styled jp-studio-input"
          value={name}
          aria-invalid={problem ? true : undefined}
          title={NAME_RULE}
          onChange={e => setName(e.target.value)}
        />
        <label htmlFor="jp-studio-hub-deploy-space">Space</label>
        <select
          id="jp-studio-hub-deploy-space"
          className="jp-mod-styled jp-studio-select"
          value={spaceId}
          onChange={e => setSpaceId(e.target.value)}
        >
          <option value="">Home</option>
          {spaces.map(s => (
            <option key={s.space_id} value={s.space_id}>
              {spaceOptionLabel(s)}
            </option>
          ))}
        </select>
        <Button
          small
          className="jp-studio-primary"
          data-testid="studio-hub-deploy-button"
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
          className="jp-studio-error jp-studio-HubDeployError"
          role="alert"
          data-testid="studio-hub-deploy-error"
        >
          {errorMessage(error)}
        </div>
      ) : null}
      {deployed ? (
        <div
          className={`jp-studio-HubDeployed${deployed.status === 'Failed' ? ' jp-studio-error' : ''}`}
          data-testid="studio-hub-deployed"
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
