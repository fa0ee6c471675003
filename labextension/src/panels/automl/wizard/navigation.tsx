/*
 * The AutoML wizard's navigation: the step tabs at the top (a step with a
 * problem is marked) and Cancel, Back, Next or Create at the bottom.
 */
import { Button } from '@jupyterlab/ui-components';
import React from 'react';

import { FIELD_STEP, StepId, STEPS } from './wizard-state';

/** The steps as tabs; `problems`: the form's problems by field. */
export function StepTabs(props: {
  step: StepId;
  problems: Record<string, string>;
  onSelect: (step: StepId) => void;
}): JSX.Element {
  const { step, problems } = props;
  const hasProblem = (id: StepId) =>
    Object.keys(problems).some(key => FIELD_STEP[key.split('.')[0]] === id);
  return (
    <ol className="jp-studio-AutoMLSteps" role="tablist">
      {STEPS.map((s, i) => (
        <li key={s.id}>
          <button
            type="button"
            role="tab"
            aria-selected={s.id === step}
            className={`jp-studio-AutoMLStep${s.id === step ? ' jp-mod-active' : ''}${hasProblem(s.id) ? ' jp-mod-error' : ''}`}
            onClick={() => props.onSelect(s.id)}
            data-testid={`automl-step-${s.id}`}
          >
            <span className="jp-studio-AutoMLStep-number">{i + 1}</span>
            {s.label}
          </button>
        </li>
      ))}
    </ol>
  );
}

/** Cancel, Back, and Next (Create on the last step). */
export function WizardButtons(props: {
  step: StepId;
  /** Whether Create is under way. */
  busy: boolean;
  onSelect: (step: StepId) => void;
  onCancel: () => void;
  onCreate: () => void;
}): JSX.Element {
  const { step, busy, onSelect } = props;
  const index = STEPS.findIndex(s => s.id === step);
  return (
    <div className="jp-studio-AutoMLActions">
      <Button className="jp-studio-secondary" onClick={props.onCancel}>
        Cancel
      </Button>
      <span className="jp-studio-spacer" />
      <Button
        className="jp-studio-secondary"
        disabled={index === 0}
        onClick={() => onSelect(STEPS[Math.max(0, index - 1)].id)}
      >
        Back
      </Button>
      {step !== 'review' ? (
        <Button
          className="jp-studio-primary"
          data-testid="automl-next"
          onClick={() => onSelect(STEPS[index + 1].id)}
        >
          Next
        </Button>
      ) : (
        <Button
          className="jp-studio-primary"
          data-testid="automl-create"
          disabled={busy}
          onClick={props.onCreate}
        >
          {busy ? 'Creating…' : 'Create experiment'}
        </Button>
      )}
    </div>
  );
}
