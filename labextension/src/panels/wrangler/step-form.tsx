/*
 * The parameter form of a node, built from its operator's JSON schema
 * (the same builder as job forms), with Apply and Delete.
 */
import React, { useEffect, useMemo, useState } from 'react';

import type { IFlowNode } from '../../api/wrangler';
import { StepField } from './step-field';
import {
  InputColumns,
  initialStepValues,
  stepFields,
  stepParameters
} from './step-fields';

export function StepForm(props: {
  node: IFlowNode;
  /** The operator's parameters schema (`null`: unknown operator). */
  schema: Record<string, unknown> | null;
  operatorTitle: string;
  /** Nodes that may be the second input of a two-input step. */
  rightCandidates: IFlowNode[] | null;
  labelOf: (node: IFlowNode) => string;
  /** The columns of the node's input `index` (`null`: not known yet). */
  columnsOf: (index: number) => InputColumns;
  onApply: (change: {
    parameters: Record<string, unknown>;
    title: string;
    inputs?: string[];
  }) => Promise<void>;
  onDelete: () => void;
}): JSX.Element {
  const { node, schema } = props;
  const fields = useMemo(() => stepFields(schema), [schema]);
  const key = JSON.stringify([
    node.id,
    node.parameters,
    node.inputs,
    node.title
  ]);
  const [values, setValues] = useState(() =>
    initialStepValues(fields, node.parameters ?? {})
  );
  const [title, setTitle] = useState(node.title ?? '');
  const [right, setRight] = useState(node.inputs?.[1] ?? '');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setValues(initialStepValues(fields, node.parameters ?? {}));
    setTitle(node.title ?? '');
    setRight(node.inputs?.[1] ?? '');
    setProblems({});
    setError(null);
  }, [key, schema]);

  const apply = async () => {
    const { parameters, problems } = stepParameters(
      fields,
      values,
      props.columnsOf
    );
    setProblems(problems);
    if (Object.keys(problems).length) {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const inputs =
        props.rightCandidates && right
          ? [node.inputs?.[0] ?? '', right].filter(Boolean)
          : undefined;
      await props.onApply({ parameters, title, inputs });
    } catch (reason) {
      setError(String((reason as Error)?.message ?? reason));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="jp-studio-StepForm"
      data-testid="studio-step-form"
      onSubmit={event => {
        event.preventDefault();
        void apply();
      }}
    >
      <div className="jp-studio-StepForm-head">
        <strong>{props.operatorTitle}</strong>
        <span className="jp-studio-muted jp-studio-mono"> {node.id}</span>
      </div>
      <div className="jp-studio-FormGrid">
        <label htmlFor={`${node.id}-title`} className="jp-studio-FormRow-label">
          Title
        </label>
        <div className="jp-studio-FormRow-control">
          <input
            id={`${node.id}-title`}
            className="jp-mod-styled jp-studio-input"
            value={title}
            placeholder={props.operatorTitle}
            onChange={e => setTitle(e.target.value)}
          />
        </div>
        {props.rightCandidates ? (
          <>
            <label
              htmlFor={`${node.id}-right`}
              className="jp-studio-FormRow-label"
            >
              Right input *
            </label>
            <div className="jp-studio-FormRow-control">
              <select
                id={`${node.id}-right`}
                className="jp-mod-styled jp-studio-select"
                value={right}
                onChange={e => setRight(e.target.value)}
              >
                <option value="">Choose…</option>
                {props.rightCandidates.map(candidate => (
                  <option key={candidate.id} value={candidate.id}>
                    {props.labelOf(candidate)}
                  </option>
                ))}
              </select>
            </div>
          </>
        ) : null}
        {fields.map(field => (
          <StepField
            key={field.name}
            id={`${node.id}-${field.name}`}
            field={field}
            value={values[field.name]}
            error={problems[field.name]}
            columnsOf={props.columnsOf}
            onChange={value =>
              setValues(current => ({ ...current, [field.name]: value }))
            }
          />
        ))}
      </div>
      {schema === null ? (
        <div className="jp-studio-error">
          Unknown operator {node.operator}: delete this node.
        </div>
      ) : null}
      {error ? <div className="jp-studio-error">{error}</div> : null}
      <div className="jp-studio-StepForm-actions">
        <button
          type="submit"
          className="jp-mod-styled jp-mod-accept jp-studio-button"
          disabled={busy}
        >
          Apply
        </button>
        <button
          type="button"
          className="jp-mod-styled jp-mod-warn jp-studio-button"
          onClick={props.onDelete}
        >
          Delete {node.kind === 'source' ? 'source' : 'step'}
        </button>
      </div>
    </form>
  );
}
