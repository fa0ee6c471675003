/*
 * A data-file picker over the spaces: choose a space (or home), then one of
 * its CSV/Parquet files (or type a path); the file's columns are read from
 * its header for the column selects.
 */
import React, { useEffect, useState } from 'react';

import { errorMessage } from '../../api/request';
import { SpaceSelect } from '../../components/space-select';
import { LoadState } from '../../utils/load-state';
import { ColumnKind, listDataFiles, readColumns } from './data-files';
import { ModelHubModel } from './model';

/** What the picker holds. */
export interface IDataChoice {
  spaceId: string;
  path: string;
  /** The file's columns (empty until read). */
  columns: string[];
  /** What each column holds, when read (text, categorical, numeric). */
  kinds?: Record<string, ColumnKind>;
}

export function DataPicker(props: {
  model: ModelHubModel;
  idPrefix: string;
  value: IDataChoice;
  onChange: (value: IDataChoice) => void;
}): JSX.Element {
  const { model, idPrefix, value, onChange } = props;
  const spaces = LoadState.valueOf(model.spaces) ?? [];
  const space = spaces.find(s => s.space_id === value.spaceId) ?? null;
  const [files, setFiles] = useState<LoadState<string[]>>(LoadState.loading());
  const [columnsError, setColumnsError] = useState<string | null>(null);
  const [reading, setReading] = useState(false);
  const folder = value.spaceId ? (space?.path ?? null) : '';

  useEffect(() => {
    if (folder === null) {
      setFiles(LoadState.ready([]));
      return;
    }
    let live = true;
    setFiles(LoadState.loading());
    listDataFiles(model.contents, folder)
      .then(found => live && setFiles(LoadState.ready(found)))
      .catch(error => live && setFiles(LoadState.failed(error)));
    return () => {
      live = false;
    };
  }, [folder]);

  useEffect(() => {
    if (!value.path.trim()) {
      setColumnsError(null);
      return;
    }
    let live = true;
    setReading(true);
    const timer = setTimeout(() => {
      readColumns(value.path.trim(), model.contents, model.serverSettings)
        .then(({ columns, kinds }) => {
          if (live) {
            setColumnsError(null);
            onChange({ ...value, columns, kinds });
          }
        })
        .catch(error => {
          if (live) {
            setColumnsError(errorMessage(error));
            onChange({ ...value, columns: [], kinds: {} });
          }
        })
        .finally(() => live && setReading(false));
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [value.path]);

  const found = LoadState.valueOf(files) ?? [];
  return (
    <>
      <label htmlFor={`${idPrefix}-space`}>Space</label>
      <SpaceSelect
        id={`${idPrefix}-space`}
        spaces={spaces}
        value={value.spaceId}
        onChange={spaceId => onChange({ spaceId, path: '', columns: [] })}
      />
      <label htmlFor={`${idPrefix}-file`}>Data file</label>
      <div className="jp-studio-ModelHubRow">
        <select
          id={`${idPrefix}-file`}
          className="jp-mod-styled jp-studio-select"
          value={found.includes(value.path) ? value.path : ''}
          onChange={e =>
            onChange({ ...value, path: e.target.value, columns: [] })
          }
        >
          <option value="">
            {files.status === 'loading'
              ? 'Looking for CSV and Parquet files…'
              : found.length
                ? 'Choose a file…'
                : 'No CSV or Parquet file here'}
          </option>
          {found.map(path => (
            <option key={path} value={path}>
              {folder ? path.slice(folder.length + 1) : path}
            </option>
          ))}
        </select>
        <input
          className="jp-mod-styled jp-studio-input"
          aria-label="Data file path"
          placeholder="or a path: data/train.csv"
          value={value.path}
          onChange={e =>
            onChange({ ...value, path: e.target.value, columns: [] })
          }
        />
      </div>
      {columnsError || reading || value.columns.length ? (
        <>
          <span />
          <div
            className={
              columnsError ? 'jp-studio-FieldError' : 'jp-studio-muted'
            }
          >
            {columnsError ??
              (reading && !value.columns.length
                ? 'Reading the header…'
                : `${value.columns.length} columns`)}
          </div>
        </>
      ) : null}
    </>
  );
}

/** A select over a file's columns, without its label. */
export function ColumnChoice(props: {
  id: string;
  columns: string[];
  value: string;
  onChange: (value: string) => void;
}): JSX.Element {
  return (
    <select
      id={props.id}
      className="jp-mod-styled jp-studio-select"
      value={props.columns.includes(props.value) ? props.value : ''}
      disabled={!props.columns.length}
      onChange={e => props.onChange(e.target.value)}
    >
      <option value="">
        {props.columns.length ? 'Choose a column…' : 'Pick a file first'}
      </option>
      {props.columns.map(c => (
        <option key={c} value={c}>
          {c}
        </option>
      ))}
    </select>
  );
}

/** A labelled select over a file's columns. */
export function ColumnSelect(props: {
  id: string;
  label: string;
  columns: string[];
  value: string;
  onChange: (value: string) => void;
}): JSX.Element {
  return (
    <>
      <label htmlFor={props.id}>{props.label}</label>
      <ColumnChoice
        id={props.id}
        columns={props.columns}
        value={props.value}
        onChange={props.onChange}
      />
    </>
  );
}
