/*
 * One side of the prompt playground (A or B): its endpoint, its template
 * (built-in, saved or typed, with its kind), the prompt it sends, and what
 * came back.
 */
import React from 'react';

import type { IEndpoint } from '../../../api/endpoints';
import type { IPromptTemplate, TemplateKind } from '../../../api/modelhub';
import { BUILTIN_TEMPLATES } from '../prompt-template';
import { SideOutput } from './side-output';
import { IOutput, ISide } from './sides';

export function SidePane(props: {
  index: number;
  side: ISide;
  output: IOutput;
  /** The serving endpoints of text-generation model-hub models. */
  endpoints: IEndpoint[];
  saved: IPromptTemplate[];
  problem: string | null;
  prompt: string;
  onChange: (change: Partial<ISide>) => void;
  onChooseTemplate: (source: string) => void;
  onDelete: (name: string) => void;
}): JSX.Element {
  const { index, side, output } = props;
  const id = `jp-studio-modelhub-side${index}`;
  const label = index === 0 ? 'A' : 'B';
  const savedName = side.source.startsWith('saved:')
    ? side.source.slice('saved:'.length)
    : null;
  return (
    <section
      className="jp-studio-ModelHubSide"
      data-testid="studio-modelhub-side"
      aria-label={`Side ${label}`}
    >
      <div className="jp-studio-ModelHubFields">
        <label htmlFor={`${id}-endpoint`}>Endpoint {label}</label>
        <select
          id={`${id}-endpoint`}
          className="jp-mod-styled jp-studio-select"
          value={side.endpoint}
          onChange={e => props.onChange({ endpoint: e.target.value })}
        >
          {side.endpoint === '' ? (
            <option value="">
              {props.endpoints.length
                ? 'Choose…'
                : 'No text-generation endpoint'}
            </option>
          ) : null}
          {props.endpoints.map(e => (
            <option key={e.endpoint_name} value={e.endpoint_name}>
              {`${e.endpoint_name} (${e.model_name} v${e.model_version})`}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-template-choice`}>Template</label>
        <div className="jp-studio-ModelHubRow">
          <select
            id={`${id}-template-choice`}
            className="jp-mod-styled jp-studio-select"
            value={side.source}
            onChange={e => props.onChooseTemplate(e.target.value)}
          >
            <option value="">(typed)</option>
            <optgroup label="Built-in">
              {BUILTIN_TEMPLATES.map(t => (
                <option key={t.name} value={`builtin:${t.name}`}>
                  {t.name}
                </option>
              ))}
            </optgroup>
            {props.saved.length ? (
              <optgroup label="Saved">
                {props.saved.map(t => (
                  <option key={t.name} value={`saved:${t.name}`}>
                    {t.name}
                  </option>
                ))}
              </optgroup>
            ) : null}
          </select>
          <select
            className="jp-mod-styled jp-studio-select"
            aria-label={`Template kind ${label}`}
            value={side.kind}
            onChange={e =>
              props.onChange({ kind: e.target.value as TemplateKind })
            }
          >
            <option value="zero-shot">Zero-shot</option>
            <option value="few-shot">Few-shot</option>
          </select>
          {savedName ? (
            <button
              className="jp-studio-linkButton"
              title={`Delete the saved template ${savedName}`}
              onClick={() => props.onDelete(savedName)}
            >
              Delete
            </button>
          ) : null}
        </div>
        <label htmlFor={`${id}-template`}>Prompt template</label>
        <textarea
          id={`${id}-template`}
          className="jp-mod-styled jp-studio-textarea jp-studio-ModelHubTemplate"
          rows={5}
          value={side.template}
          onChange={e =>
            props.onChange({ template: e.target.value, source: '' })
          }
        />
      </div>
      {props.problem ? (
        <div className="jp-studio-FieldError">{props.problem}</div>
      ) : (
        <details className="jp-studio-ModelHubPrompt">
          <summary>Prompt sent</summary>
          <pre>{props.prompt}</pre>
        </details>
      )}
      <SideOutput output={output} />
    </section>
  );
}
