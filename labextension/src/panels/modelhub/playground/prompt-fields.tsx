/*
 * The values the playground's templates fill: `{text}` always, `{labels}`
 * and `{examples}` when a shown template uses them.
 */
import React from 'react';

import { IPromptFields } from '../prompt-template';

export function PromptFields(props: {
  fields: IPromptFields;
  onChange: (fields: IPromptFields) => void;
  /** The placeholders the shown templates use. */
  used: Set<string>;
}): JSX.Element {
  const { fields, onChange, used } = props;
  return (
    <div className="jp-studio-ModelHubFields">
      <label htmlFor="jp-studio-modelhub-text">
        Text <code>{'{text}'}</code>
      </label>
      <textarea
        id="jp-studio-modelhub-text"
        className="jp-mod-styled jp-studio-textarea"
        rows={3}
        value={fields.text}
        onChange={e => onChange({ ...fields, text: e.target.value })}
      />
      {used.has('labels') ? (
        <>
          <label htmlFor="jp-studio-modelhub-labels">
            Labels <code>{'{labels}'}</code>
          </label>
          <input
            id="jp-studio-modelhub-labels"
            className="jp-mod-styled jp-studio-input"
            placeholder="sports, politics, tech"
            value={fields.labels}
            onChange={e => onChange({ ...fields, labels: e.target.value })}
          />
        </>
      ) : null}
      {used.has('examples') ? (
        <>
          <label htmlFor="jp-studio-modelhub-examples">
            Examples <code>{'{examples}'}</code>
          </label>
          <textarea
            id="jp-studio-modelhub-examples"
            className="jp-mod-styled jp-studio-textarea"
            rows={3}
            placeholder={'One per line: text => label'}
            value={fields.examples}
            onChange={e => onChange({ ...fields, examples: e.target.value })}
          />
        </>
      ) : null}
    </div>
  );
}
