/*
 * Step 1 of the AutoML wizard: the experiment's name, the data file (typed,
 * picked from the list of CSV and Parquet files or taken from the file
 * browser's selection) with its preview, the validation split, the space and
 * the output folder.
 */
import { Button } from '@jupyterlab/ui-components';
import React, { useEffect, useState } from 'react';

import type { IDataPreview } from '../../../api/automl';
import type { ISpace } from '../../../api/spaces';
import { SpaceSelect } from '../../../components/space-select';
import type { DataFileLister } from '../model';
import { Field } from './field';
import { PreviewTable } from './preview-table';
import type { IStepProps } from './wizard-state';

/** Id of the list of data files both file fields offer. */
const FILES_LIST = 'jp-studio-automl-files';

const SPLITS = [
  ['auto', 'Automatic (80/20, or cross-validation on small data)'],
  ['ratio', 'Custom ratio'],
  ['file', 'A separate validation file']
] as const;

export function DataStep(
  props: IStepProps & {
    /** Lists the CSV and Parquet files the user may pick. */
    listFiles: DataFileLister;
    spaces: ISpace[];
    /** The file selected in the file browser, if any. */
    selectedFile?: () => string | null;
    preview: IDataPreview | null;
  }
): JSX.Element {
  const { form, update, problems, listFiles, selectedFile } = props;
  const [files, setFiles] = useState<string[]>([]);
  useEffect(() => {
    listFiles()
      .then(setFiles)
      .catch(() => setFiles([]));
  }, [listFiles]);

  return (
    <>
      <Field
        label="Experiment name"
        field="experiment_name"
        problems={problems}
        help="Unique in the domain: letters, digits and hyphens, at most 63."
      >
        <input
          className="jp-mod-styled jp-studio-input"
          value={form.name}
          data-testid="automl-name"
          onChange={e => update({ name: e.target.value })}
          placeholder="churn-prediction-1"
        />
      </Field>
      <Field
        label="Input data (CSV or Parquet)"
        field="data"
        problems={problems}
      >
        <div className="jp-studio-AutoMLRow">
          <input
            className="jp-mod-styled jp-studio-input"
            value={form.data}
            list={FILES_LIST}
            data-testid="automl-data"
            onChange={e => update({ data: e.target.value, target: '' })}
            placeholder="path/in/the/file/browser.csv"
          />
          {selectedFile ? (
            <Button
              small
              className="jp-studio-secondary"
              title="Use the file selected in the file browser"
              onClick={() => {
                const path = selectedFile();
                if (path) {
                  update({ data: path, target: '' });
                }
              }}
            >
              Use selected file
            </Button>
          ) : null}
        </div>
      </Field>
      <datalist id={FILES_LIST}>
        {files.map(f => (
          <option key={f} value={f} />
        ))}
      </datalist>
      {props.preview ? <PreviewTable preview={props.preview} /> : null}
      <SplitFieldset form={form} update={update} problems={problems} />
      <Field label="Space" field="space_id" problems={problems}>
        <SpaceSelect
          spaces={props.spaces}
          value={form.spaceId}
          onChange={spaceId => update({ spaceId })}
          emptyLabel="Home (private)"
          optionLabel={s => s.name}
        />
      </Field>
      <Field
        label="Output location"
        field="output"
        problems={problems}
        help="A folder for the results; empty: the job's output folder."
      >
        <input
          className="jp-mod-styled jp-studio-input"
          value={form.output}
          onChange={e => update({ output: e.target.value })}
        />
      </Field>
    </>
  );
}

/** How the validation rows are chosen: automatically, a share, or a file. */
function SplitFieldset(props: IStepProps): JSX.Element {
  const { form, update, problems } = props;
  return (
    <fieldset className="jp-studio-AutoMLFieldset">
      <legend>Validation split</legend>
      {SPLITS.map(([value, label]) => (
        <label key={value} className="jp-studio-AutoMLChoice">
          <input
            type="radio"
            name="automl-split"
            checked={form.split === value}
            onChange={() => update({ split: value })}
          />
          {label}
        </label>
      ))}
      {form.split === 'ratio' ? (
        <Field
          label="Validation share (%)"
          field="validation_ratio"
          problems={problems}
        >
          <input
            className="jp-mod-styled jp-studio-input jp-studio-input-tiny"
            value={form.ratioPercent}
            onChange={e => update({ ratioPercent: e.target.value })}
          />
        </Field>
      ) : null}
      {form.split === 'file' ? (
        <Field
          label="Validation file"
          field="validation_data"
          problems={problems}
        >
          <input
            className="jp-mod-styled jp-studio-input"
            value={form.validationData}
            list={FILES_LIST}
            onChange={e => update({ validationData: e.target.value })}
          />
        </Field>
      ) : null}
    </fieldset>
  );
}
