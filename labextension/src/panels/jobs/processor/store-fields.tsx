import React from 'react';

import { FormRow } from '../../../components/schema-field';
import type { IStoreFields } from './processor-state';

const TEXT_FIELDS: Array<{
  key: 'endpoint_url' | 'region' | 'key' | 'secret';
  label: string;
  placeholder: string;
}> = [
  {
    key: 'endpoint_url',
    label: 'Endpoint URL',
    placeholder: 'optional, for S3-compatible stores (MinIO…)'
  },
  { key: 'region', label: 'Region', placeholder: 'optional' },
  {
    key: 'key',
    label: 'Access key id',
    placeholder: 'optional, or ${ENV_VAR}'
  },
  {
    key: 'secret',
    label: 'Secret key',
    placeholder: '${ENV_VAR} naming it, never the secret itself'
  }
];

/** How s3:// inputs and outputs reach their store (folded). */
export function StoreFields(props: {
  idPrefix: string;
  value: IStoreFields;
  onChange: (value: IStoreFields) => void;
  error?: string;
}): JSX.Element {
  const { idPrefix, value, onChange, error } = props;
  return (
    <details
      className="jp-studio-FormDetails jp-studio-FormRow-wide"
      open={error ? true : undefined}
    >
      <summary>Object store (s3://) settings</summary>
      <div className="jp-studio-NewJobForm-grid">
        {TEXT_FIELDS.map(field => (
          <FormRow
            key={field.key}
            id={`${idPrefix}-store-${field.key}`}
            label={field.label}
          >
            {aria => (
              <input
                {...aria}
                className="jp-mod-styled jp-studio-input"
                type="text"
                value={value[field.key]}
                placeholder={field.placeholder}
                onChange={e =>
                  onChange({ ...value, [field.key]: e.target.value })
                }
              />
            )}
          </FormRow>
        ))}
        <FormRow
          id={`${idPrefix}-store-anonymous`}
          label="Anonymous access"
          inlineLabel
          error={error}
          help="Without settings, the server's own credentials (environment, ~/.aws) are used."
        >
          {aria => (
            <input
              {...aria}
              type="checkbox"
              checked={value.anonymous}
              onChange={e =>
                onChange({ ...value, anonymous: e.target.checked })
              }
            />
          )}
        </FormRow>
      </div>
    </details>
  );
}
