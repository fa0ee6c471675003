import { Button } from '@jupyterlab/ui-components';
import React, { useCallback, useRef, useState } from 'react';

import type { ICreateJob, IJobKind } from '../../api/jobs';
import { errorMessage, StudioAPIError } from '../../api/request';
import type { ISpace } from '../../api/spaces';
import { FormRow } from '../../components/schema-field';
import { SpaceSelect } from '../../components/space-select';
import type { IJobParameters, JobParametersForm } from '../../tokens';
import { sortErrorDetail } from '../../utils/field-errors';

/** The fields of `ICreateJob` this form shows itself. */
const COMMON_FIELDS = ['space_id', 'name', 'max_runtime_seconds'] as const;

/** Names of the parameters a kind's schema declares. */
function declaredParameters(kind: IJobKind): string[] {
  const properties = (kind.parameters_schema as { properties?: unknown })
    .properties;
  return properties && typeof properties === 'object'
    ? Object.keys(properties)
    : [];
}

interface IFormErrors {
  /** The message above the buttons. */
  message: string | null;
  /** Errors no field shows. */
  other: string[];
  /** Errors of the common fields. */
  fields: Record<string, string>;
  /** Errors of the parameters, for the kind's form. */
  parameters: Record<string, string>;
}

const NO_ERRORS: IFormErrors = {
  message: null,
  other: [],
  fields: {},
  parameters: {}
};

/**
 * The "New job" form of one job kind: the space, the kind's parameters
 * (its registered form, or one built from its schema), the job name and the
 * max runtime. Errors, the form's own or the server's, are shown next to
 * their fields.
 */
export function NewJobForm(props: {
  kind: IJobKind;
  /** Title and description instead of the kind's (a variant of it). */
  title?: string;
  description?: string;
  /** The kind's parameters form. */
  parametersForm: JobParametersForm;
  initialParameters: Record<string, unknown>;
  /** Preselected space (`null`: the user's home). */
  initialSpaceId: string | null;
  /** Spaces the user may run jobs in. */
  spaces: ISpace[];
  /** Whether `spaces` was loaded (an unknown preselection then means none). */
  spacesLoaded: boolean;
  onSubmit: (body: ICreateJob) => Promise<unknown>;
  onCancel: () => void;
}): JSX.Element {
  const { kind, parametersForm: ParametersForm } = props;
  const [spaceId, setSpaceId] = useState(props.initialSpaceId ?? '');
  const [name, setName] = useState('');
  const [maxMinutes, setMaxMinutes] = useState('');
  const [errors, setErrors] = useState<IFormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const parameters = useRef<IJobParameters>({ parameters: {}, problems: {} });
  const onParametersChange = useCallback((value: IJobParameters) => {
    parameters.current = value;
  }, []);

  // A preselected space that is not (or no longer) visible means "no space"
  // once the list is known; until then it is kept as a pending option.
  const space = props.spaces.find(s => s.space_id === spaceId) ?? null;
  const effectiveSpaceId =
    spaceId && !space && props.spacesLoaded ? '' : spaceId;

  /** The form's own problems, by field. */
  const check = (): { body: ICreateJob | null; errors: IFormErrors } => {
    const fields: Record<string, string> = {};
    let maxRuntime: number | null = null;
    if (maxMinutes.trim()) {
      const minutes = Number(maxMinutes.trim().replace(',', '.'));
      if (!isFinite(minutes) || minutes <= 0) {
        fields.max_runtime_seconds =
          'Max runtime must be a positive number of minutes.';
      } else {
        maxRuntime = Math.round(minutes * 60);
      }
    }
    const problems = parameters.current.problems;
    const messages = [...Object.values(problems), ...Object.values(fields)];
    if (messages.length) {
      return {
        body: null,
        errors: {
          message:
            messages.length === 1
              ? messages[0]
              : `${messages.length} fields need attention.`,
          other: [],
          fields,
          parameters: { ...problems }
        }
      };
    }
    const body: ICreateJob = {
      kind: kind.name,
      space_id: effectiveSpaceId || null,
      parameters: parameters.current.parameters
    };
    if (name.trim()) {
      body.name = name.trim();
    }
    if (maxRuntime !== null) {
      body.max_runtime_seconds = maxRuntime;
    }
    return { body, errors: NO_ERRORS };
  };

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const checked = check();
    setErrors(checked.errors);
    if (!checked.body) {
      return;
    }
    setBusy(true);
    try {
      await props.onSubmit(checked.body);
    } catch (e) {
      const detail = e instanceof StudioAPIError ? e.detail : null;
      const sorted = sortErrorDetail(detail, COMMON_FIELDS);
      // Errors of parameters the kind does not declare have no field.
      const declared = new Set(declaredParameters(kind));
      for (const [param, msg] of Object.entries(sorted.parameters)) {
        if (!declared.has(param)) {
          sorted.other.push(`parameters.${param}: ${msg}`);
          delete sorted.parameters[param];
        }
      }
      setErrors({ message: errorMessage(e), ...sorted });
    } finally {
      setBusy(false);
    }
  };

  const idPrefix = `jp-studio-new-job-${kind.name.replace(/[^\w-]/g, '_')}`;
  return (
    <form
      className="jp-studio-NewJobForm"
      onSubmit={submit}
      aria-label={`New ${kind.name} job`}
      data-kind={kind.name}
      noValidate
    >
      <div className="jp-studio-NewJobForm-title">
        New job: {props.title ?? (kind.title || kind.name)}
      </div>
      {(props.description ?? kind.description) ? (
        <div className="jp-studio-help jp-studio-NewJobForm-description">
          {props.description ?? kind.description}
        </div>
      ) : null}
      <div className="jp-studio-NewJobForm-grid">
        <FormRow
          id="jp-studio-new-job-space"
          label="Space"
          error={errors.fields.space_id}
        >
          {aria => (
            <div className="jp-studio-NewJobForm-space">
              <SpaceSelect
                {...aria}
                data-testid="studio-new-job-space"
                spaces={props.spaces}
                value={effectiveSpaceId}
                onChange={setSpaceId}
                emptyLabel="My home (no space)"
                unknownLabel="Loading spaces…"
              />
              <span
                className="jp-studio-muted jp-studio-NewJobForm-hint"
                data-testid="studio-new-job-space-hint"
              >
                {space
                  ? `The job's folder is kept in ${
                      space.path ?? 'the space folder'
                    }${
                      space.kind === 'shared'
                        ? '; every member of the space sees the job.'
                        : '.'
                    }`
                  : effectiveSpaceId
                    ? ''
                    : "The job's folder is kept in your home folder."}
              </span>
            </div>
          )}
        </FormRow>
        <ParametersForm
          kind={kind}
          initial={props.initialParameters}
          errors={errors.parameters}
          onChange={onParametersChange}
          idPrefix={idPrefix}
        />
        <FormRow
          id="jp-studio-new-job-name"
          label="Job name"
          error={errors.fields.name}
        >
          {aria => (
            <input
              {...aria}
              className="jp-mod-styled jp-studio-input"
              type="text"
              value={name}
              placeholder="optional, a default comes from the parameters"
              onChange={e => setName(e.target.value)}
            />
          )}
        </FormRow>
        <FormRow
          id="jp-studio-new-job-max-runtime"
          label="Max runtime (minutes)"
          error={errors.fields.max_runtime_seconds}
        >
          {aria => (
            <input
              {...aria}
              className="jp-mod-styled jp-studio-input jp-studio-input-short"
              type="number"
              min={0}
              step="any"
              placeholder="server default"
              value={maxMinutes}
              onChange={e => setMaxMinutes(e.target.value)}
            />
          )}
        </FormRow>
      </div>
      {errors.message ? (
        <div
          className="jp-studio-error jp-studio-NewJobForm-error"
          role="alert"
        >
          {errors.message}
          {errors.other.length ? (
            <ul>
              {errors.other.map((d, i) => (
                <li key={i}>{d}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <div className="jp-studio-NewJobForm-actions">
        <Button type="button" minimal onClick={props.onCancel} disabled={busy}>
          Cancel
        </Button>
        <Button type="submit" className="jp-studio-primary" disabled={busy}>
          {busy ? 'Starting…' : 'Start job'}
        </Button>
      </div>
    </form>
  );
}
