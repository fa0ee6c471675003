/*
 * The AutoML wizard: SageMaker Autopilot's five steps, one component each.
 * This shell holds what the steps share (the form, the data file's preview,
 * the server's checks) and the step shown. Every change is sent to the
 * server's validate route (debounced) and its message shows next to the
 * field it names; Create sends the same body.
 */
import React, { useMemo, useState } from 'react';

import { errorMessage } from '../../../api/request';
import type { ISpace } from '../../../api/spaces';
import type { AutoMLModel, IWizardPrefill } from '../model';
import { DataStep } from './data-step';
import { DeployStep } from './deploy-step';
import { MethodStep } from './method-step';
import { StepTabs, WizardButtons } from './navigation';
import { ReviewStep } from './review-step';
import { TargetStep } from './target-step';
import { useDataPreview } from './use-data-preview';
import { fieldProblemsOf, useServerCheck } from './use-server-check';
import {
  buildRequest,
  emptyForm,
  firstStepWithProblem,
  IWizardForm,
  problemsByField,
  requiredProblems,
  StepId
} from './wizard-state';

/** The form the wizard opens with. */
function initialForm(
  prefill: IWizardPrefill | null,
  activeSpaceId: string | null
): IWizardForm {
  return {
    ...emptyForm(),
    spaceId: prefill?.spaceId ?? activeSpaceId ?? '',
    name: prefill?.experimentName ?? '',
    data: prefill?.data ?? '',
    target: prefill?.target ?? ''
  };
}

export function AutoMLWizard(props: {
  model: AutoMLModel;
  spaces: ISpace[];
  selectedFile?: () => string | null;
  onCancel: () => void;
}): JSX.Element {
  const { model } = props;
  const [prefill] = useState(() => model.takePrefill());
  const [form, setForm] = useState<IWizardForm>(() =>
    initialForm(prefill, model.connection.activeSpaceId)
  );
  const [step, setStep] = useState<StepId>('data');
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [triedCreate, setTriedCreate] = useState(false);
  const update = (changes: Partial<IWizardForm>) =>
    setForm(previous => ({ ...previous, ...changes }));

  const data = useDataPreview(form.data, model.serverSettings, prefill);
  const { preview } = data;
  const columns = useMemo(
    () => preview?.columns.map(c => c.name) ?? [],
    [preview]
  );
  const server = useServerCheck(
    form,
    columns,
    model.serverSettings,
    preview !== null
  );

  const problems = {
    ...server.problems,
    ...problemsByField(buildRequest(form, columns).problems),
    ...(triedCreate ? requiredProblems(form) : {})
  };
  if (data.waitingFor) {
    problems.data = `job ${data.waitingFor} is still writing this file: its preview appears when the job finishes`;
  } else if (data.error && !problems.data) {
    problems.data = data.error;
  }

  const create = async () => {
    setTriedCreate(true);
    setSubmitError(null);
    const { body: request, problems: found } = buildRequest(form, columns);
    const missing =
      !request.experiment_name || !request.data || !request.target;
    const all = { ...server.problems, ...problemsByField(found) };
    if (missing || Object.keys(all).length) {
      const first = missing
        ? !request.experiment_name || !request.data
          ? 'data'
          : 'target'
        : firstStepWithProblem(all);
      if (first) {
        setStep(first);
      }
      setSubmitError('Fix the fields marked in red first.');
      return;
    }
    setBusy(true);
    try {
      await model.create(request);
    } catch (error) {
      const byField = fieldProblemsOf(error);
      if (byField) {
        server.setProblems(byField);
        const first = firstStepWithProblem(byField);
        if (first) {
          setStep(first);
        }
      }
      setSubmitError(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  const fields = { form, update, problems };
  return (
    <div className="jp-studio-AutoMLWizard" data-testid="automl-wizard">
      <h2>Create an AutoML experiment</h2>
      <StepTabs step={step} problems={problems} onSelect={setStep} />
      <div className="jp-studio-AutoMLStepBody">
        {step === 'data' ? (
          <DataStep
            {...fields}
            listFiles={model.listDataFiles}
            spaces={props.spaces}
            selectedFile={props.selectedFile}
            preview={preview}
          />
        ) : null}
        {step === 'target' ? (
          <TargetStep {...fields} preview={preview} checked={server.checked} />
        ) : null}
        {step === 'method' ? <MethodStep {...fields} /> : null}
        {step === 'deploy' ? <DeployStep {...fields} /> : null}
        {step === 'review' ? (
          <ReviewStep form={form} columns={columns} checked={server.checked} />
        ) : null}
      </div>
      {submitError ? (
        <div
          className="jp-studio-error jp-studio-banner"
          role="alert"
          data-testid="automl-submit-error"
        >
          {submitError}
        </div>
      ) : null}
      <WizardButtons
        step={step}
        busy={busy}
        onSelect={setStep}
        onCancel={props.onCancel}
        onCreate={() => void create()}
      />
    </div>
  );
}
