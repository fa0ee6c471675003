/*
 * The Register model dialog: an MLflow model folder of the file browser
 * becomes a new version of a named model.
 */
import React from 'react';

import type { IModelVersion, IRegisterModel } from '../../api/models';
import type { ISpace } from '../../api/spaces';
import { FormRow } from '../../components/schema-field';
import { SpaceSelect } from '../../components/space-select';
import { NAME_RULE } from '../../utils/names';
import { FormBody, IFormErrors, showFormDialog } from './form-dialog';
import { IRegisterValues, registerBody, registerProblems } from './form-checks';
import type { IRegisterRequest } from './model';

class RegisterBody extends FormBody<IRegisterValues> {
  constructor(
    private readonly _spaces: ISpace[],
    values: IRegisterValues,
    errors: IFormErrors
  ) {
    super(values, errors);
    this.addClass('jp-studio-RegisterDialog');
  }

  problems(): Record<string, string> {
    return registerProblems(this.values);
  }

  render(): JSX.Element {
    const v = this.values;
    const space = this._spaces.find(s => s.space_id === v.space_id);
    return (
      <div className="jp-studio-DialogForm" data-testid="studio-register-form">
        {this.inputRow('path', {
          id: 'jp-studio-register-path',
          label: 'Model folder',
          help: 'File-browser path of an MLflow model folder (it holds an MLmodel file).',
          placeholder: 'e.g. studio/users/me/jobs/train-1a2b/output/model',
          mono: true
        })}
        {this.inputRow('name', {
          id: 'jp-studio-register-name',
          label: 'Model name',
          help: `${NAME_RULE} An existing name gets a new version.`,
          mono: true
        })}
        {this.inputRow('training_data_path', {
          id: 'jp-studio-register-data',
          label: 'Training data',
          help: 'Optional: CSV or Parquet file the model was trained on; its statistics become the baseline for monitoring.',
          placeholder: 'optional, e.g. data/train.csv',
          mono: true
        })}
        <FormRow
          id="jp-studio-register-space"
          label="Space"
          help={
            space
              ? space.kind === 'shared'
                ? 'Every member of the space will see the model.'
                : 'Kept in the space folder.'
              : 'Kept in your home: only you (and administrators) see it.'
          }
          error={this.fieldError('space_id')}
        >
          {aria => (
            <SpaceSelect
              {...aria}
              spaces={this._spaces}
              value={v.space_id}
              onChange={spaceId => this.set({ space_id: spaceId })}
              emptyLabel="My home (no space)"
              unknownLabel={v.space_id}
            />
          )}
        </FormRow>
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
 * Ask for a model folder and a name, and register it.
 *
 * @returns the new version, or `null` when cancelled.
 */
export function registerDialog(options: {
  spaces: ISpace[];
  request: IRegisterRequest;
  register: (body: IRegisterModel) => Promise<IModelVersion>;
}): Promise<IModelVersion | null> {
  const { request } = options;
  return showFormDialog<IRegisterValues, IModelVersion>({
    title: 'Register model',
    acceptLabel: 'Register',
    initial: {
      path: request.path ?? '',
      name: request.name ?? '',
      training_data_path: request.trainingDataPath ?? '',
      space_id: request.spaceId ?? ''
    },
    fields: ['path', 'name', 'training_data_path', 'space_id'],
    codeFields: {
      not_an_mlflow_model: 'path',
      no_pyfunc_flavor: 'path',
      unsupported_model: 'path',
      bad_training_data: 'training_data_path'
    },
    makeBody: (values, errors) =>
      new RegisterBody(options.spaces, values, errors),
    submit: values => options.register(registerBody(values))
  });
}
