/*
 * The Fine-tune tab: the form (model, data file, columns, steps, learning
 * rate, LoRA rank, output model name), then the job's live loss chart with
 * Stop and Resume.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import React from 'react';

import { useSignal } from '../../../components/use-signal';
import type { IPathOpener } from '../../../tokens';
import { ModelHubModel } from '../model';
import { FinetuneProgress } from './finetune-progress';
import { FinetuneStartForm } from './start-form';

export function FinetuneView(props: {
  model: ModelHubModel;
  rendermime: IRenderMimeRegistry | null;
  opener: IPathOpener;
}): JSX.Element {
  const { model } = props;
  useSignal(model.changed);
  return (
    <div className="jp-studio-ModelHubTwoColumns">
      <FinetuneStartForm model={model} />
      <FinetuneProgress
        model={model}
        rendermime={props.rendermime}
        opener={props.opener}
      />
    </div>
  );
}
