import React, { useEffect, useState } from 'react';

import { CONTAINER_ROOT, FRAMEWORKS } from '../../../api/processing';
import { FormRow } from '../../../components/schema-field';
import type { IJobParametersFormProps } from '../../../tokens';
import { CodeFields } from './code-fields';
import {
  defaultInputDestination,
  defaultOutputSource,
  EMPTY_ENV,
  EMPTY_INPUT,
  EMPTY_OUTPUT,
  initialState,
  IProcessorState,
  isS3,
  splitListError,
  toParameters
} from './processor-state';
import { RowList } from './row-list';
import { StoreFields } from './store-fields';

/** What the processor form needs besides the new-job form's props. */
export interface IProcessorFormOptions {
  /** The user's Python files (paths in the file browser). */
  listCodeFiles: () => Promise<string[]>;
}

/** Parameters the form shows a field for (others' errors go at its end). */
const SHOWN = new Set([
  'processor',
  'code',
  'source_dir',
  'arguments',
  'inputs',
  'outputs',
  'env',
  'framework',
  'framework_version',
  'store'
]);

/** Row errors of a list parameter, the server's field names made the row's. */
function rowErrors(error: string | undefined, names: Record<string, string>) {
  const sorted = splitListError(error);
  for (const row of Object.values(sorted.rows)) {
    for (const [from, to] of Object.entries(names)) {
      if (from in row) {
        row[to] = row[from];
        delete row[from];
      }
    }
  }
  return sorted;
}

/**
 * The parameters form of `processor` jobs (the processor comes from the
 * menu entry): code, source folder, arguments, inputs, outputs, variables,
 * the framework's version and the object store of s3:// paths.
 */
export function ProcessorForm(
  props: IJobParametersFormProps & IProcessorFormOptions
): JSX.Element {
  const { initial, errors, onChange, idPrefix } = props;
  const [state, setState] = useState<IProcessorState>(() =>
    initialState(initial)
  );
  const set = <K extends keyof IProcessorState>(
    key: K,
    value: IProcessorState[K]
  ) => setState(previous => ({ ...previous, [key]: value }));

  useEffect(() => {
    onChange(toParameters(state));
  }, [state, onChange]);

  const inputErrors = rowErrors(errors.inputs, { input_name: 'name' });
  const outputErrors = rowErrors(errors.outputs, { output_name: 'name' });
  const argumentErrors = rowErrors(errors.arguments, {});
  const usesS3 =
    state.inputs.some(i => isS3(i.source)) ||
    state.outputs.some(o => isS3(o.destination));
  const other = Object.entries(errors).filter(([name]) => !SHOWN.has(name));
  const { processor } = state;

  return (
    <>
      <CodeFields
        idPrefix={idPrefix}
        code={state.code}
        sourceDir={state.sourceDir}
        onCode={code => set('code', code)}
        onSourceDir={dir => set('sourceDir', dir)}
        listCodeFiles={props.listCodeFiles}
        errors={errors}
      />
      {processor === 'framework' ? (
        <FormRow
          id={`${idPrefix}-framework`}
          label="Framework"
          error={errors.framework}
        >
          {aria => (
            <select
              {...aria}
              className="jp-mod-styled jp-studio-select"
              value={state.framework}
              onChange={e => set('framework', e.target.value)}
            >
              {FRAMEWORKS.map(name => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          )}
        </FormRow>
      ) : null}
      {processor !== 'script' ? (
        <FormRow
          id={`${idPrefix}-framework-version`}
          label="Framework version"
          help="Only the version installed on the server runs (jobs run in the server's Python environment); leave empty for it."
          error={
            errors.framework_version ??
            (processor === 'sklearn' ? errors.framework : undefined)
          }
        >
          {aria => (
            <input
              {...aria}
              className="jp-mod-styled jp-studio-input jp-studio-input-short"
              type="text"
              value={state.frameworkVersion}
              placeholder="installed version"
              onChange={e => set('frameworkVersion', e.target.value)}
            />
          )}
        </FormRow>
      ) : null}
      <RowList
        id={`${idPrefix}-arguments`}
        label="Arguments"
        rowLabel="Argument"
        columns={[{ key: 'value', label: 'Argument', mono: true }]}
        rows={state.arguments.map(value => ({ value }))}
        empty={{ value: '' }}
        onChange={rows =>
          set(
            'arguments',
            rows.map(r => r.value)
          )
        }
        rowErrors={argumentErrors.rows}
        error={argumentErrors.list}
        help="One argument per row, passed to the code as they are (empty rows are dropped)."
      />
      <RowList
        id={`${idPrefix}-inputs`}
        label="Inputs"
        rowLabel="Input"
        columns={[
          {
            key: 'name',
            label: 'Name',
            width: 0.6,
            placeholder: (_, i) => `input-${i + 1}`
          },
          {
            key: 'source',
            label: 'Source',
            placeholder: () => 'data/train.csv or s3://bucket/prefix'
          },
          {
            key: 'destination',
            label: 'Destination',
            mono: true,
            width: 1.5,
            placeholder: (row, i) => defaultInputDestination(row.name, i)
          }
        ]}
        rows={state.inputs}
        empty={EMPTY_INPUT}
        onChange={rows => set('inputs', rows)}
        rowErrors={inputErrors.rows}
        error={inputErrors.list}
        help={`Copied in before the code runs: a file or folder of your files, or an s3:// object or prefix, to a folder under ${CONTAINER_ROOT}/.`}
      />
      <RowList
        id={`${idPrefix}-outputs`}
        label="Outputs"
        rowLabel="Output"
        columns={[
          {
            key: 'name',
            label: 'Name',
            width: 0.6,
            placeholder: (_, i) => `output-${i + 1}`
          },
          {
            key: 'source',
            label: 'Source',
            mono: true,
            width: 1.5,
            placeholder: (row, i) => defaultOutputSource(row.name, i)
          },
          {
            key: 'destination',
            label: 'Destination',
            placeholder: () => 'a folder, s3://bucket/prefix, or empty'
          }
        ]}
        rows={state.outputs}
        empty={EMPTY_OUTPUT}
        onChange={rows => set('outputs', rows)}
        rowErrors={outputErrors.rows}
        error={outputErrors.list}
        help="Uploaded when the job ends, also when it fails (then marked with a _PARTIAL file). Without a destination the files stay in the job's folder."
      />
      <RowList
        id={`${idPrefix}-env`}
        label="Environment"
        rowLabel="Variable"
        columns={[
          { key: 'name', label: 'Name', mono: true, placeholder: () => 'NAME' },
          { key: 'value', label: 'Value', mono: true }
        ]}
        rows={state.env}
        empty={EMPTY_ENV}
        onChange={rows => set('env', rows)}
        error={errors.env}
      />
      {usesS3 || errors.store ? (
        <StoreFields
          idPrefix={idPrefix}
          value={state.store}
          onChange={store => set('store', store)}
          error={errors.store}
        />
      ) : null}
      {other.length ? (
        <div className="jp-studio-FieldError jp-studio-FormRow-wide">
          {other.map(([name, msg]) => (
            <div key={name}>
              {name}: {msg}
            </div>
          ))}
        </div>
      ) : null}
      <div className="jp-studio-help jp-studio-FormRow-wide">
        The code runs unchanged as in SageMaker&apos;s processing container:{' '}
        <code>{CONTAINER_ROOT}/…</code> paths are the job&apos;s folder.
      </div>
    </>
  );
}
