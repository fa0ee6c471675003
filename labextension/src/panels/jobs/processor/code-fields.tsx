import React, { useEffect, useState } from 'react';

import { FormRow } from '../../../components/schema-field';

/**
 * The code (a `.py` file picked from the user's files, or typed) and the
 * optional source folder copied with it.
 */
export function CodeFields(props: {
  idPrefix: string;
  code: string;
  sourceDir: string;
  onCode: (code: string) => void;
  onSourceDir: (sourceDir: string) => void;
  /** The user's Python files, for the picker. */
  listCodeFiles: () => Promise<string[]>;
  errors: Readonly<Record<string, string>>;
}): JSX.Element {
  const { idPrefix, errors, sourceDir } = props;
  const [files, setFiles] = useState<string[] | null>(null);
  const listId = `${idPrefix}-code-files`;

  useEffect(() => {
    let live = true;
    props
      .listCodeFiles()
      .then(found => live && setFiles(found))
      .catch(() => live && setFiles([]));
    return () => {
      live = false;
    };
  }, []);

  // With a source folder, the code is offered relative to it.
  const folder = sourceDir.trim().replace(/^\/+|\/+$/g, '');
  const offered = (files ?? [])
    .filter(f => !folder || f.startsWith(`${folder}/`))
    .map(f => (folder ? f.slice(folder.length + 1) : f));
  const codeHelp =
    files === null
      ? 'Looking for your Python files…'
      : `${offered.length} Python file${offered.length === 1 ? '' : 's'} ${
          folder ? `in ${folder}` : 'in your files'
        }: type to filter, or a path${folder ? ' relative to the source folder' : ''}.`;
  return (
    <>
      <FormRow
        id={`${idPrefix}-code`}
        label="Code"
        help={codeHelp}
        error={errors.code}
      >
        {aria => (
          <input
            {...aria}
            className="jp-mod-styled jp-studio-input"
            type="text"
            list={listId}
            value={props.code}
            placeholder="e.g. processing/preprocess.py"
            aria-required
            autoFocus
            onChange={e => props.onCode(e.target.value)}
          />
        )}
      </FormRow>
      <datalist id={listId}>
        {offered.map(path => (
          <option key={path} value={path} />
        ))}
      </datalist>
      <FormRow
        id={`${idPrefix}-source-dir`}
        label="Source folder"
        help="Optional: a folder copied with the code (its modules can be imported); the code is then a path inside it."
        error={errors.source_dir}
      >
        {aria => (
          <input
            {...aria}
            className="jp-mod-styled jp-studio-input"
            type="text"
            value={sourceDir}
            placeholder="optional, e.g. processing"
            onChange={e => props.onSourceDir(e.target.value)}
          />
        )}
      </FormRow>
    </>
  );
}
