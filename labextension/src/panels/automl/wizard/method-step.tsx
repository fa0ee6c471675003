/*
 * Step 3 of the AutoML wizard: the training method (each pre-selects its
 * algorithms) and the algorithm families to try.
 */
import React from 'react';

import { ALGORITHMS, AutoMLMode } from '../../../api/automl';
import { Field } from './field';
import { algorithmsFor, IStepProps } from './wizard-state';

const MODES: ReadonlyArray<[AutoMLMode, string, string]> = [
  ['auto', 'Auto', 'Ensembling on small and mid-size data, HPO on large data.'],
  [
    'ensembling',
    'Ensembling',
    'Strong defaults of each family, bagged with k-fold cross-validation, then ensembled and stacked.'
  ],
  [
    'hpo',
    'HPO',
    'Bayesian search (Optuna TPE) with pruning over the chosen families.'
  ]
];

export function MethodStep(props: IStepProps): JSX.Element {
  const { form, update, problems } = props;
  return (
    <>
      <fieldset className="jp-studio-AutoMLFieldset">
        <legend>Training method</legend>
        {MODES.map(([value, label, help]) => (
          <label key={value} className="jp-studio-AutoMLChoice">
            <input
              type="radio"
              name="automl-mode"
              checked={form.mode === value}
              data-testid={`automl-mode-${value}`}
              onChange={() =>
                update({ mode: value, algorithms: algorithmsFor(value) })
              }
            />
            <b>{label}</b> <span className="jp-studio-muted">{help}</span>
          </label>
        ))}
      </fieldset>
      <Field label="Algorithms" field="algorithms" problems={problems}>
        <div className="jp-studio-AutoMLAlgorithms">
          {ALGORITHMS.map(a => (
            <label key={a.name} className="jp-studio-Checkbox">
              <input
                type="checkbox"
                checked={form.algorithms.includes(a.name)}
                data-testid={`automl-algorithm-${a.name}`}
                onChange={e =>
                  update({
                    algorithms: e.target.checked
                      ? [...form.algorithms, a.name]
                      : form.algorithms.filter(x => x !== a.name)
                  })
                }
              />
              {a.label}
            </label>
          ))}
        </div>
      </Field>
    </>
  );
}
