/*
 * A model's page: description, license (with Accept and the recorded
 * acceptance), size, inputs and outputs, an example call, example
 * notebooks, and Deploy (a gated model's refusal shows its license and an
 * Accept button that deploys again).
 */
import { Button, closeIcon } from '@jupyterlab/ui-components';
import React from 'react';

import type { IModelHubModelDetail } from '../../../api/modelhub';
import type { IPathOpener } from '../../../tokens';
import { LoadState } from '../../../utils/load-state';
import { formatParameters, formatSize, taskLabel } from '../catalogue';
import { ModelHubModel } from '../model';
import { CodeBlock } from './code-block';
import { DeploySection } from './deploy-section';
import { LicenseSection } from './license-section';

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
      className="jp-studio-ModelHubPage"
      data-testid="studio-modelhub-model-page"
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
              className={`jp-studio-ModelHubBadge ${detail.accepted ? 'jp-mod-accepted' : 'jp-mod-gated'}`}
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
  detail: IModelHubModelDetail;
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
      <p className="jp-studio-ModelHubPage-description">{detail.description}</p>
      <div className="jp-studio-ModelHubPage-actions">
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
        <dd data-testid="studio-modelhub-size">
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
      <pre
        className="jp-studio-ModelHubCode"
        data-testid="studio-modelhub-inputs"
      >
        {JSON.stringify(detail.inputs, null, 2)}
      </pre>
      <h4 className="jp-studio-SectionTitle">Outputs</h4>
      <pre className="jp-studio-ModelHubCode">
        {JSON.stringify(detail.outputs, null, 2)}
      </pre>

      <h4 className="jp-studio-SectionTitle">Example call</h4>
      <CodeBlock
        label="Copy the request body"
        text={example}
        testId="studio-modelhub-example"
      />
      {detail.example_python ? (
        <CodeBlock label="Copy the Python call" text={detail.example_python} />
      ) : null}

      <h4 className="jp-studio-SectionTitle">Example notebooks</h4>
      {detail.notebooks.length ? (
        <ul className="jp-studio-ModelHubNotebooks">
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
