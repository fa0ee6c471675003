/*
 * The Evaluate tab: two models (catalogue ids, registry versions or
 * endpoints) on a labelled file; the result as a comparison table and chart.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import React from 'react';

import { useSignal } from '../../../components/use-signal';
import { ModelHubModel } from '../model';
import { EvaluateForm } from './evaluate-form';
import { EvaluationResults } from './evaluation-results';

export function EvaluateView(props: {
  model: ModelHubModel;
  rendermime: IRenderMimeRegistry | null;
}): JSX.Element {
  const { model } = props;
  useSignal(model.changed);
  return (
    <div className="jp-studio-ModelHubTwoColumns">
      <EvaluateForm model={model} />
      <EvaluationResults model={model} rendermime={props.rendermime} />
    </div>
  );
}
