import React, { useEffect, useMemo, useState } from 'react';

import { SchemaField } from '../../components/schema-field';
import type { IJobParametersFormProps } from '../../tokens';
import {
  FieldValue,
  fieldsFromSchema,
  initialFieldValue,
  parametersFromValues
} from '../../utils/schema-form';

/**
 * The parameters form of a job kind that registered none: one field per
 * property of the kind's `parameters_schema`.
 */
export function SchemaParametersForm(
  props: IJobParametersFormProps
): JSX.Element {
  const { kind, initial, errors, onChange, idPrefix } = props;
  const fields = useMemo(
    () => fieldsFromSchema(kind.parameters_schema),
    [kind]
  );
  const [values, setValues] = useState<Record<string, FieldValue>>(() =>
    Object.fromEntries(
      fields.map(field => [
        field.name,
        initialFieldValue(field, initial[field.name])
      ])
    )
  );

  useEffect(() => {
    onChange(parametersFromValues(fields, values));
  }, [fields, values, onChange]);

  if (!fields.length) {
    return (
      <div className="jp-studio-muted jp-studio-FormRow-wide">
        This kind of job has no parameters.
      </div>
    );
  }
  return (
    <>
      {fields.map(field => (
        <SchemaField
          key={field.name}
          id={`${idPrefix}-${field.name}`}
          field={field}
          value={values[field.name]}
          error={errors[field.name]}
          onChange={value =>
            setValues(previous => ({ ...previous, [field.name]: value }))
          }
        />
      ))}
    </>
  );
}
