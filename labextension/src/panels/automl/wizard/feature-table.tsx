/*
 * The wizard's feature table: every column but the target and the weight,
 * each with "Use", its detected type and the type to train with.
 */
import React from 'react';

import type { FeatureType, IColumnPreview } from '../../../api/automl';
import type { IStepProps } from './wizard-state';

const FEATURE_TYPES: FeatureType[] = [
  'auto',
  'numerical',
  'categorical',
  'text',
  'datetime',
  'sequence'
];

function typeLabel(type: FeatureType): string {
  return type === 'auto' ? 'Auto' : type[0].toUpperCase() + type.slice(1);
}

export function FeatureTable(
  props: IStepProps & {
    /** The data file's columns, with the type the server detected. */
    columns: IColumnPreview[];
  }
): JSX.Element {
  const { form, update, problems } = props;
  const features = props.columns.filter(
    c => c.name !== form.target && c.name !== form.weight
  );
  return (
    <table className="jp-studio-Table jp-studio-AutoMLFeatures">
      <thead>
        <tr>
          <th scope="col">Use</th>
          <th scope="col">Feature</th>
          <th scope="col">Detected</th>
          <th scope="col">Type</th>
        </tr>
      </thead>
      <tbody>
        {features.map(({ name: c, inferred_type }) => {
          const message =
            problems[`features.${c}`] || problems[`feature_types.${c}`];
          return (
            <tr key={c}>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Use ${c}`}
                  checked={form.included[c] !== false}
                  onChange={e =>
                    update({
                      included: { ...form.included, [c]: e.target.checked }
                    })
                  }
                />
              </td>
              <td>
                {c}
                {message ? (
                  <div className="jp-studio-FieldError">{message}</div>
                ) : null}
              </td>
              <td className="jp-studio-muted">{inferred_type}</td>
              <td>
                <select
                  className="jp-mod-styled jp-studio-select"
                  aria-label={`Type of ${c}`}
                  value={form.featureTypes[c] ?? 'auto'}
                  onChange={e =>
                    update({
                      featureTypes: {
                        ...form.featureTypes,
                        [c]: e.target.value as FeatureType
                      }
                    })
                  }
                >
                  {FEATURE_TYPES.map(t => (
                    <option key={t} value={t}>
                      {typeLabel(t)}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
