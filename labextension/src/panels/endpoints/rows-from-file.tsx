/*
 * The invoke box's "Rows from a CSV file": a path (typed, or the file
 * selected in the file browser) and a row count; the first rows, in the
 * model's columns, become the request body.
 */
import { Button } from '@jupyterlab/ui-components';
import React, { useState } from 'react';

import { errorMessage } from '../../api/request';
import { pickRows } from '../../utils/csv';
import { EndpointsModel } from './model';

export function RowsFromFile(props: {
  model: EndpointsModel;
  /** The id prefix of the box's inputs. */
  id: string;
  /** The model's input columns (the file's other columns are left out). */
  names: string[];
  /** The file selected in the file browser, if any. */
  selectedFile?: () => string | null;
  /** The rows read, as CSV with a header. */
  onRows: (csv: string) => void;
}): JSX.Element {
  const { model, id } = props;
  const [filePath, setFilePath] = useState('');
  const [rowCount, setRowCount] = useState('5');
  const [note, setNote] = useState<string | null>(null);
  const [pickError, setPickError] = useState<string | null>(null);

  const loadRows = async () => {
    setPickError(null);
    setNote(null);
    const path = filePath.trim();
    const count = Number(rowCount);
    if (!path) {
      setPickError('Enter the path of a CSV file in the file browser.');
      return;
    }
    if (!Number.isInteger(count) || count < 1 || count > 10000) {
      setPickError('Rows: a whole number from 1 to 10000.');
      return;
    }
    try {
      const text = await model.readFile(path);
      const picked = pickRows(text, count, props.names);
      if (!picked.rows) {
        setPickError(`${path} has no data rows.`);
        return;
      }
      props.onRows(picked.csv);
      const parts = [
        `${picked.rows} row${picked.rows === 1 ? '' : 's'} of ${path}${picked.more ? ' (the first ones)' : ''}`
      ];
      if (picked.dropped.length) {
        parts.push(
          `left out column${picked.dropped.length === 1 ? '' : 's'} the model does not take: ${picked.dropped.join(', ')}`
        );
      }
      if (picked.missing.length) {
        parts.push(`the file has no column ${picked.missing.join(', ')}`);
      }
      setNote(parts.join('; ') + '.');
    } catch (error) {
      setPickError(`Cannot read ${path}: ${errorMessage(error)}`);
    }
  };

  return (
    <div className="jp-studio-InvokeBox-pick">
      <label htmlFor={`${id}-file`}>Rows from a CSV file</label>
      <div className="jp-studio-InvokeBox-row">
        <input
          id={`${id}-file`}
          className="jp-mod-styled jp-studio-input jp-studio-mono"
          type="text"
          placeholder="path in the file browser, e.g. data/test.csv"
          aria-label="CSV file path"
          value={filePath}
          spellCheck={false}
          onChange={e => setFilePath(e.target.value)}
          onKeyDown={e => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void loadRows();
            }
          }}
        />
        {props.selectedFile ? (
          <Button
            small
            minimal
            title="Use the file selected in the file browser"
            onClick={() => {
              const path = props.selectedFile?.();
              if (path) {
                setFilePath(path);
              } else {
                setPickError('Select a CSV file in the file browser first.');
              }
            }}
          >
            Selected file
          </Button>
        ) : null}
      </div>
      <div className="jp-studio-InvokeBox-row">
        <label className="jp-studio-filter">
          <span>First</span>
          <input
            className="jp-mod-styled jp-studio-input jp-studio-input-tiny"
            type="number"
            min={1}
            max={10000}
            aria-label="Number of rows"
            value={rowCount}
            onChange={e => setRowCount(e.target.value)}
          />
          <span>rows, with the header</span>
        </label>
        <Button
          small
          className="jp-studio-secondary"
          onClick={() => void loadRows()}
        >
          Load rows
        </Button>
      </div>
      {pickError ? (
        <div className="jp-studio-error" role="alert">
          {pickError}
        </div>
      ) : null}
      {note ? (
        <div className="jp-studio-help" data-testid="studio-invoke-note">
          {note}
        </div>
      ) : null}
    </div>
  );
}
