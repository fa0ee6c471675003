/*
 * The fine-tune form's model (text-generation or text-classification
 * models of the catalogue) and task.
 */
import React from 'react';

import type { FinetuneTask, IModelHubModelCard } from '../../../api/modelhub';
import { FieldRow } from './field-row';

export function ModelFields(props: {
  candidates: IModelHubModelCard[];
  modelId: string;
  task: FinetuneTask;
  onModel: (id: string) => void;
  onTask: (task: FinetuneTask) => void;
  errorOf: (name: string) => string | null;
}): JSX.Element {
  const { candidates, errorOf } = props;
  return (
    <>
      <FieldRow
        id="jp-studio-ft-model"
        label="Model"
        error={errorOf('model_id')}
      >
        <select
          id="jp-studio-ft-model"
          className="jp-mod-styled jp-studio-select"
          value={props.modelId}
          onChange={e => props.onModel(e.target.value)}
        >
          {!candidates.length ? <option value="">Loading…</option> : null}
          {candidates.map(c => (
            <option key={c.id} value={c.id}>
              {`${c.name}${c.gated && !c.accepted ? ' (license to accept)' : ''}`}
            </option>
          ))}
        </select>
      </FieldRow>
      <FieldRow id="jp-studio-ft-task" label="Task" error={errorOf('task')}>
        <select
          id="jp-studio-ft-task"
          className="jp-mod-styled jp-studio-select"
          value={props.task}
          onChange={e => props.onTask(e.target.value as FinetuneTask)}
        >
          <option value="generation">
            Generation (instruction → response)
          </option>
          <option value="classification">Classification (text → label)</option>
        </select>
      </FieldRow>
    </>
  );
}
