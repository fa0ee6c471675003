/*
 * The playground's top row: side by side or not, reload the endpoints, and
 * what to do when no text-generation endpoint is serving.
 */
import { Button, refreshIcon } from '@jupyterlab/ui-components';
import React from 'react';

import type { IModelHubModelCard } from '../../../api/modelhub';
import { ModelHubModel } from '../model';

export function PlaygroundToolbar(props: {
  model: ModelHubModel;
  compare: boolean;
  onCompare: (compare: boolean) => void;
  /** How many text-generation endpoints are serving. */
  endpointCount: number;
  /** A packaged text-generation model to deploy when none is serving. */
  firstGenerator: IModelHubModelCard | null;
}): JSX.Element {
  const { model, firstGenerator } = props;
  return (
    <div className="jp-studio-ModelHubRow">
      <label className="jp-studio-Checkbox">
        <input
          type="checkbox"
          checked={props.compare}
          onChange={e => props.onCompare(e.target.checked)}
        />
        Side by side (two models or two prompts)
      </label>
      <Button
        small
        className="jp-studio-secondary"
        title="Reload the endpoints"
        aria-label="Reload the endpoints"
        onClick={() => void model.refreshEndpoints()}
      >
        <refreshIcon.react tag="span" className="jp-studio-ButtonIcon" />
      </Button>
      {props.endpointCount === 0 ? (
        <span
          className="jp-studio-muted"
          data-testid="studio-modelhub-no-endpoint"
        >
          {model.endpoints.status === 'loading'
            ? 'Loading endpoints…'
            : 'No text-generation endpoint is serving: deploy a text-generation model from its page in the catalogue.'}{' '}
          {model.endpoints.status !== 'loading' && firstGenerator ? (
            <button
              className="jp-studio-linkButton"
              onClick={() => {
                model.select(firstGenerator.id);
                model.setTab('catalogue');
              }}
            >
              Open {firstGenerator.name}
            </button>
          ) : null}
        </span>
      ) : null}
    </div>
  );
}
