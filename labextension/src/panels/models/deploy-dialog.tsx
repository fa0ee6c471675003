/*
 * The Deploy dialog: a model version to a new endpoint.
 */
import React from 'react';

import type { ICreateEndpoint, IEndpoint } from '../../api/endpoints';
import type { IModelVersion } from '../../api/models';
import { FormRow } from '../../components/schema-field';
import { NAME_RULE, suggestEndpointName } from '../../utils/names';
import { FormBody, IFormErrors, showFormDialog } from './form-dialog';
import { deployProblems, IDeployValues, MAX_INSTANCES } from './form-checks';

class DeployBody extends FormBody<IDeployValues> {
  constructor(
    private readonly _model: string,
    private readonly _versions: IModelVersion[],
    private readonly _warning: string | null,
    values: IDeployValues,
    errors: IFormErrors
  ) {
    super(values, errors);
    this.addClass('jp-studio-DeployDialog');
  }

  problems(): Record<string, string> {
    return deployProblems(this.values);
  }

  render(): JSX.Element {
    const v = this.values;
    return (
      <div className="jp-studio-DialogForm" data-testid="studio-deploy-form">
        <FormRow id="jp-studio-deploy-model" label="Model">
          {aria => (
            <input
              {...aria}
              className="jp-mod-styled jp-studio-input"
              value={this._model}
              readOnly
            />
          )}
        </FormRow>
        <FormRow id="jp-studio-deploy-version" label="Version">
          {aria => (
            <select
              {...aria}
              className="jp-mod-styled jp-studio-select"
              value={String(v.model_version)}
              onChange={e =>
                this.set({ model_version: Number(e.target.value) })
              }
            >
              {this._versions
                .filter(version => version.status === 'Ready')
                .map(version => (
                  <option key={version.version} value={version.version}>
                    {`${version.version} · ${version.flavor}`}
                  </option>
                ))}
            </select>
          )}
        </FormRow>
        {this.inputRow('endpoint_name', {
          id: 'jp-studio-deploy-name',
          label: 'Endpoint name',
          help: NAME_RULE,
          mono: true
        })}
        {this.inputRow('instance_count', {
          id: 'jp-studio-deploy-instances',
          label: 'Instance count',
          help: 'Model-server worker processes on this machine.',
          number: { min: 1, max: MAX_INSTANCES, step: 1 }
        })}
        {this.inputRow('capture_percent', {
          id: 'jp-studio-deploy-capture',
          label: 'Capture percent',
          help: "Share of requests and responses saved to the endpoint's capture folder.",
          number: { min: 0, max: 100, step: 'any' }
        })}
        {this._warning ? (
          <div className="jp-studio-warning jp-studio-FormRow-wide">
            {this._warning}
          </div>
        ) : null}
        {this.serverErrors.message ? (
          <div className="jp-studio-error jp-studio-FormRow-wide" role="alert">
            {this.serverErrors.message}
          </div>
        ) : null}
      </div>
    );
  }
}

/**
 * Ask where to deploy a model version and create the endpoint.
 *
 * @returns the new endpoint, or `null` when cancelled.
 */
export function deployDialog(options: {
  modelName: string;
  /** The model's versions (the ready ones are offered). */
  versions: IModelVersion[];
  version: number;
  /** A caution shown in the dialog (e.g. another model has this name). */
  warning?: string | null;
  deploy: (body: ICreateEndpoint) => Promise<IEndpoint>;
}): Promise<IEndpoint | null> {
  const { modelName, versions } = options;
  return showFormDialog<IDeployValues, IEndpoint>({
    title: `Deploy ${modelName}`,
    acceptLabel: 'Deploy',
    initial: {
      endpoint_name: suggestEndpointName(modelName, options.version),
      model_version: options.version,
      instance_count: '1',
      capture_percent: '0'
    },
    focus: '#jp-studio-deploy-name',
    codeFields: { endpoint_exists: 'endpoint_name' },
    fields: [
      'endpoint_name',
      'model_version',
      'instance_count',
      'capture_percent'
    ],
    makeBody: (values, errors) =>
      new DeployBody(
        modelName,
        versions,
        options.warning ?? null,
        values,
        errors
      ),
    submit: values =>
      options.deploy({
        endpoint_name: values.endpoint_name,
        model_name: modelName,
        model_version: values.model_version,
        instance_count: Number(values.instance_count),
        capture_percent: Number(values.capture_percent)
      })
  });
}
