/*
 * The prompt playground: a template with placeholders filled from the form,
 * generation settings, and tokens streamed from one or two deployed
 * endpoints side by side (two models, or two prompts).
 */
import { Button, refreshIcon } from '@jupyterlab/ui-components';
import React, { useEffect, useRef, useState } from 'react';

import type { IEndpoint } from '../../api/endpoints';
import {
  deletePromptTemplate,
  IPromptTemplate,
  listPromptTemplates,
  openGenerationStream,
  savePromptTemplate,
  TemplateKind
} from '../../api/modelhub';
import { errorMessage, StudioAPIError } from '../../api/request';
import { useSignal } from '../../components/use-signal';
import { LoadState } from '../../utils/load-state';
import { spaceOptionLabel } from '../../utils/spaces';
import { endpointsOfTask, SERVING_STATUSES } from './catalogue';
import { ModelHubModel } from './model';
import {
  BUILTIN_TEMPLATES,
  fillTemplate,
  IPromptFields,
  placeholders,
  promptProblem
} from './prompt-template';
import {
  checkSettings,
  DEFAULT_SETTINGS,
  ISettingsFields,
  settingsFieldOf,
  settingsToFields
} from './settings';
import { readGenerationStream } from './sse';

interface ISide {
  endpoint: string;
  /** `builtin:<name>`, `saved:<name>` or `''` (typed). */
  source: string;
  template: string;
  kind: TemplateKind;
}

interface IOutput {
  status: 'idle' | 'streaming' | 'done' | 'error' | 'stopped';
  text: string;
  tokens: number;
  finishReason: string | null;
  error: string | null;
  /** Milliseconds to the first token. */
  firstTokenMs: number | null;
  elapsedMs: number | null;
}

const IDLE: IOutput = {
  status: 'idle',
  text: '',
  tokens: 0,
  finishReason: null,
  error: null,
  firstTokenMs: null,
  elapsedMs: null
};

function initialSide(index: number): ISide {
  const builtin = BUILTIN_TEMPLATES[index === 0 ? 0 : 1];
  return {
    endpoint: '',
    source: `builtin:${builtin.name}`,
    template: builtin.template,
    kind: builtin.kind
  };
}

export function Playground(props: { model: ModelHubModel }): JSX.Element {
  const { model } = props;
  useSignal(model.changed);
  // Only endpoints that take prompts: a tabular model would answer 406.
  const endpoints = endpointsOfTask(
    (LoadState.valueOf(model.endpoints) ?? []).filter(e =>
      SERVING_STATUSES.has(e.status)
    ),
    model.allCards,
    'text-generation'
  );
  const firstGenerator =
    model.allCards.find(
      c => c.task === 'text-generation' && c.source === 'packaged' && !c.gated
    ) ?? null;
  const spaces = LoadState.valueOf(model.spaces) ?? [];
  const [fields, setFields] = useState<IPromptFields>({
    text: '',
    examples: '',
    labels: ''
  });
  const [settings, setSettings] = useState<ISettingsFields>(DEFAULT_SETTINGS);
  const [serverErrors, setServerErrors] = useState<
    Partial<Record<keyof ISettingsFields, string>>
  >({});
  const [compare, setCompare] = useState(false);
  const [sides, setSides] = useState<ISide[]>([initialSide(0), initialSide(1)]);
  const [outputs, setOutputs] = useState<IOutput[]>([IDLE, IDLE]);
  const [spaceId, setSpaceId] = useState<string>(model.activeSpaceId ?? '');
  const [saved, setSaved] = useState<LoadState<IPromptTemplate[]>>(
    LoadState.loading()
  );
  const [saveName, setSaveName] = useState('');
  const [saveMessage, setSaveMessage] = useState<{
    ok: boolean;
    text: string;
  } | null>(null);
  const aborts = useRef<Array<AbortController | null>>([null, null]);

  // Pick the first serving endpoint once they are known.
  useEffect(() => {
    if (!endpoints.length) {
      setSides(current =>
        current.some(side => side.endpoint)
          ? current.map(side => ({ ...side, endpoint: '' }))
          : current
      );
      return;
    }
    setSides(current =>
      current.map((side, i) =>
        side.endpoint && endpoints.some(e => e.endpoint_name === side.endpoint)
          ? side
          : {
              ...side,
              endpoint:
                endpoints[Math.min(i, endpoints.length - 1)].endpoint_name
            }
      )
    );
  }, [endpoints.map(e => e.endpoint_name).join('\n')]);

  const loadSaved = async (space: string) => {
    try {
      setSaved(
        LoadState.ready(
          await listPromptTemplates(space || null, model.serverSettings)
        )
      );
    } catch (error) {
      setSaved(LoadState.failed(error));
    }
  };
  useEffect(() => {
    void loadSaved(spaceId);
  }, [spaceId]);
  useEffect(() => () => aborts.current.forEach(a => a?.abort()), []);

  const checked = checkSettings(settings);
  const activeSides = compare ? [0, 1] : [0];
  const filled = activeSides.map(i => fillTemplate(sides[i].template, fields));
  const promptProblems = filled.map(promptProblem);
  const running = outputs.some(o => o.status === 'streaming');
  const settingsOk = Object.keys(checked.problems).length === 0;
  const canRun =
    !running &&
    settingsOk &&
    promptProblems.every(p => p === null) &&
    activeSides.every(i => sides[i].endpoint);
  const usedPlaceholders = new Set(
    activeSides.flatMap(i => placeholders(sides[i].template))
  );

  const updateSide = (index: number, change: Partial<ISide>) =>
    setSides(current =>
      current.map((s, i) => (i === index ? { ...s, ...change } : s))
    );
  const updateOutput = (index: number, change: Partial<IOutput>) =>
    setOutputs(current =>
      current.map((o, i) => (i === index ? { ...o, ...change } : o))
    );

  const chooseTemplate = (index: number, source: string) => {
    if (source.startsWith('builtin:')) {
      const builtin = BUILTIN_TEMPLATES.find(
        t => `builtin:${t.name}` === source
      );
      if (builtin) {
        updateSide(index, {
          source,
          template: builtin.template,
          kind: builtin.kind
        });
      }
    } else if (source.startsWith('saved:')) {
      const template = (LoadState.valueOf(saved) ?? []).find(
        t => `saved:${t.name}` === source
      );
      if (template) {
        updateSide(index, {
          source,
          template: template.template,
          kind: template.kind
        });
        setSettings(settingsToFields(template.settings, settings));
        setSaveName(template.name);
      }
    } else {
      updateSide(index, { source: '' });
    }
  };

  const runSide = async (index: number, prompt: string) => {
    const controller = new AbortController();
    aborts.current[index]?.abort();
    aborts.current[index] = controller;
    const started = performance.now();
    let text = '';
    let tokens = 0;
    setOutputs(current =>
      current.map((o, i) =>
        i === index ? { ...IDLE, status: 'streaming' } : o
      )
    );
    try {
      const response = await openGenerationStream(
        sides[index].endpoint,
        { prompt, ...checked.settings },
        model.serverSettings,
        controller.signal
      );
      if (!response.body) {
        throw new Error('The browser cannot read a streamed response.');
      }
      let firstTokenMs: number | null = null;
      let finished = false;
      await readGenerationStream(response.body, event => {
        if (event.type === 'token') {
          text += event.token;
          tokens += 1;
          if (firstTokenMs === null) {
            firstTokenMs = performance.now() - started;
          }
          updateOutput(index, { text, tokens, firstTokenMs });
        } else if (event.type === 'done') {
          finished = true;
          updateOutput(index, {
            status: 'done',
            text: event.text ?? text,
            tokens: event.tokens ?? tokens,
            finishReason: event.finishReason,
            elapsedMs: performance.now() - started
          });
        } else {
          finished = true;
          updateOutput(index, {
            status: 'error',
            error: event.message,
            elapsedMs: performance.now() - started
          });
        }
      });
      if (!finished) {
        updateOutput(index, {
          status: 'done',
          elapsedMs: performance.now() - started
        });
      }
    } catch (error) {
      if ((error as Error)?.name === 'AbortError') {
        updateOutput(index, {
          status: 'stopped',
          elapsedMs: performance.now() - started
        });
        return;
      }
      const fieldErrors: Partial<Record<keyof ISettingsFields, string>> = {};
      if (error instanceof StudioAPIError) {
        for (const item of error.detail ?? []) {
          const field = settingsFieldOf(item.loc, item.msg);
          if (field) {
            fieldErrors[field] = item.msg;
          }
        }
        const field = settingsFieldOf(undefined, error.message);
        if (field && !fieldErrors[field]) {
          fieldErrors[field] = error.message;
        }
      }
      if (Object.keys(fieldErrors).length) {
        setServerErrors(current => ({ ...current, ...fieldErrors }));
      }
      updateOutput(index, {
        status: 'error',
        error: errorMessage(error),
        elapsedMs: performance.now() - started
      });
    } finally {
      if (aborts.current[index] === controller) {
        aborts.current[index] = null;
      }
    }
  };

  const run = () => {
    setServerErrors({});
    activeSides.forEach((i, k) => void runSide(i, filled[k].prompt));
  };

  const save = async () => {
    setSaveMessage(null);
    try {
      const template = await savePromptTemplate(
        {
          name: saveName.trim(),
          space_id: spaceId || null,
          template: sides[0].template,
          kind: sides[0].kind,
          settings: checked.settings
        },
        model.serverSettings
      );
      setSaveMessage({
        ok: true,
        text: `Saved ${template.name}${template.path ? ` as ${template.path}` : ''}.`
      });
      updateSide(0, { source: `saved:${template.name}` });
      await loadSaved(spaceId);
    } catch (error) {
      setSaveMessage({ ok: false, text: errorMessage(error) });
    }
  };

  const remove = async (name: string) => {
    setSaveMessage(null);
    try {
      await deletePromptTemplate(name, spaceId || null, model.serverSettings);
      setSaveMessage({ ok: true, text: `Deleted ${name}.` });
      await loadSaved(spaceId);
    } catch (error) {
      setSaveMessage({ ok: false, text: errorMessage(error) });
    }
  };

  const settingError = (name: keyof ISettingsFields) =>
    checked.problems[name] ?? serverErrors[name] ?? null;
  const settingInput = (
    name: keyof ISettingsFields,
    label: string,
    props: React.InputHTMLAttributes<HTMLInputElement>
  ) => (
    <label className="jp-studio-HubSetting">
      <span>{label}</span>
      <input
        className="jp-mod-styled jp-studio-input jp-studio-input-tiny"
        value={settings[name]}
        aria-label={label}
        aria-invalid={settingError(name) ? true : undefined}
        onChange={e => {
          setSettings({ ...settings, [name]: e.target.value });
          setServerErrors(current => ({ ...current, [name]: undefined }));
        }}
        {...props}
      />
      {settingError(name) ? (
        <span className="jp-studio-FieldError" data-testid="studio-field-error">
          {settingError(name)}
        </span>
      ) : null}
    </label>
  );
  const savedTemplates = LoadState.valueOf(saved) ?? [];

  return (
    <div
      className="jp-studio-HubPlayground"
      data-testid="studio-hub-playground"
    >
      <div className="jp-studio-HubPlayground-form">
        <div className="jp-studio-HubRow">
          <label className="jp-studio-Checkbox">
            <input
              type="checkbox"
              checked={compare}
              onChange={e => setCompare(e.target.checked)}
            />
            Side by side (two models or two prompts)
          </label>
          <Button
            small
            className="jp-studio-secondary"
            title="Reload the endpoints"
            aria-label="Reload the endpoints"
            onClick={() => void model.refreshEndpoints()}
          >
            <refreshIcon.react tag="span" className="jp-studio-ButtonIcon" />
          </Button>
          {endpoints.length === 0 ? (
            <span
              className="jp-studio-muted"
              data-testid="studio-hub-no-endpoint"
            >
              {model.endpoints.status === 'loading'
                ? 'Loading endpoints…'
                : 'No text-generation endpoint is serving: deploy a text-generation model from its page in the catalogue.'}{' '}
              {model.endpoints.status !== 'loading' && firstGenerator ? (
                <button
                  className="jp-studio-linkButton"
                  onClick={() => {
                    model.select(firstGenerator.id);
                    model.setTab('catalogue');
                  }}
                >
                  Open {firstGenerator.name}
                </button>
              ) : null}
            </span>
          ) : null}
        </div>
        <div className="jp-studio-HubFields">
          <label htmlFor="jp-studio-hub-text">
            Text <code>{'{text}'}</code>
          </label>
          <textarea
            id="jp-studio-hub-text"
            className="jp-mod-styled jp-studio-textarea"
            rows={3}
            value={fields.text}
            onChange={e => setFields({ ...fields, text: e.target.value })}
          />
          {usedPlaceholders.has('labels') ? (
            <>
              <label htmlFor="jp-studio-hub-labels">
                Labels <code>{'{labels}'}</code>
              </label>
              <input
                id="jp-studio-hub-labels"
                className="jp-mod-styled jp-studio-input"
                placeholder="sports, politics, tech"
                value={fields.labels}
                onChange={e => setFields({ ...fields, labels: e.target.value })}
              />
            </>
          ) : null}
          {usedPlaceholders.has('examples') ? (
            <>
              <label htmlFor="jp-studio-hub-examples">
                Examples <code>{'{examples}'}</code>
              </label>
              <textarea
                id="jp-studio-hub-examples"
                className="jp-mod-styled jp-studio-textarea"
                rows={3}
                placeholder={'One per line: text => label'}
                value={fields.examples}
                onChange={e =>
                  setFields({ ...fields, examples: e.target.value })
                }
              />
            </>
          ) : null}
        </div>
        <div className="jp-studio-HubSettings" aria-label="Generation settings">
          {settingInput('max_new_tokens', 'Max tokens', {
            inputMode: 'numeric'
          })}
          {settingInput('temperature', 'Temperature', { inputMode: 'decimal' })}
          {settingInput('top_p', 'Top-p', { inputMode: 'decimal' })}
          <label className="jp-studio-HubSetting">
            <span>Stop sequences</span>
            <textarea
              className="jp-mod-styled jp-studio-textarea jp-studio-HubStop"
              rows={1}
              aria-label="Stop sequences"
              placeholder="one per line, \n for a newline"
              value={settings.stop}
              onChange={e => setSettings({ ...settings, stop: e.target.value })}
            />
            {settingError('stop') ? (
              <span className="jp-studio-FieldError">
                {settingError('stop')}
              </span>
            ) : null}
          </label>
          <div className="jp-studio-HubRunButtons">
            <Button
              className="jp-studio-primary"
              data-testid="studio-hub-run"
              disabled={!canRun}
              onClick={run}
            >
              Generate
            </Button>
            {running ? (
              <Button
                className="jp-studio-secondary"
                onClick={() => aborts.current.forEach(a => a?.abort())}
              >
                Stop
              </Button>
            ) : null}
          </div>
        </div>
        <div className="jp-studio-HubTemplates">
          <label htmlFor="jp-studio-hub-template-space">Templates in</label>
          <select
            id="jp-studio-hub-template-space"
            className="jp-mod-styled jp-studio-select"
            value={spaceId}
            onChange={e => setSpaceId(e.target.value)}
          >
            <option value="">Home</option>
            {spaces.map(s => (
              <option key={s.space_id} value={s.space_id}>
                {spaceOptionLabel(s)}
              </option>
            ))}
          </select>
          <input
            className="jp-mod-styled jp-studio-input"
            placeholder="Template name"
            aria-label="Template name"
            value={saveName}
            onChange={e => setSaveName(e.target.value)}
          />
          <Button
            small
            className="jp-studio-secondary"
            disabled={!saveName.trim() || !sides[0].template.trim()}
            title="Save the left template and the settings in prompt-templates/"
            onClick={() => void save()}
          >
            Save template
          </Button>
          {saved.status === 'error' ? (
            <span className="jp-studio-error">{saved.error}</span>
          ) : null}
          {saveMessage ? (
            <span
              className={saveMessage.ok ? 'jp-studio-muted' : 'jp-studio-error'}
              role={saveMessage.ok ? 'status' : 'alert'}
            >
              {saveMessage.text}
            </span>
          ) : null}
        </div>
      </div>
      <div className={`jp-studio-HubSides${compare ? ' jp-mod-compare' : ''}`}>
        {activeSides.map((i, k) => (
          <SidePane
            key={i}
            index={i}
            side={sides[i]}
            output={outputs[i]}
            endpoints={endpoints}
            saved={savedTemplates}
            problem={promptProblems[k]}
            prompt={filled[k].prompt}
            onChange={change => updateSide(i, change)}
            onChooseTemplate={source => chooseTemplate(i, source)}
            onDelete={name => void remove(name)}
          />
        ))}
      </div>
    </div>
  );
}

function SidePane(props: {
  index: number;
  side: ISide;
  output: IOutput;
  /** The serving endpoints of text-generation hub models. */
  endpoints: IEndpoint[];
  saved: IPromptTemplate[];
  problem: string | null;
  prompt: string;
  onChange: (change: Partial<ISide>) => void;
  onChooseTemplate: (source: string) => void;
  onDelete: (name: string) => void;
}): JSX.Element {
  const { index, side, output } = props;
  const id = `jp-studio-hub-side${index}`;
  const label = index === 0 ? 'A' : 'B';
  const savedName = side.source.startsWith('saved:')
    ? side.source.slice('saved:'.length)
    : null;
  const rate =
    output.elapsedMs && output.firstTokenMs !== null && output.tokens > 1
      ? ((output.tokens - 1) * 1000) /
        Math.max(1, output.elapsedMs - output.firstTokenMs)
      : null;
  return (
    <section
      className="jp-studio-HubSide"
      data-testid="studio-hub-side"
      aria-label={`Side ${label}`}
    >
      <div className="jp-studio-HubFields">
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
        <div className="jp-studio-HubRow">
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
          className="jp-mod-styled jp-studio-textarea jp-studio-HubTemplate"
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
        <details className="jp-studio-HubPrompt">
          <summary>Prompt sent</summary>
          <pre>{props.prompt}</pre>
        </details>
      )}
      <div
        className={`jp-studio-HubOutput jp-mod-${output.status}`}
        data-testid="studio-hub-output"
        data-status={output.status}
        aria-live="polite"
      >
        {output.text || (output.status === 'streaming' ? '…' : '')}
      </div>
      {output.error ? (
        <div
          className="jp-studio-error"
          role="alert"
          data-testid="studio-hub-output-error"
        >
          {output.error}
        </div>
      ) : null}
      <div className="jp-studio-muted" data-testid="studio-hub-output-stats">
        {output.status === 'streaming'
          ? `${output.tokens} token${output.tokens === 1 ? '' : 's'}…`
          : output.status === 'done'
            ? [
                `${output.tokens} tokens`,
                output.finishReason ? `finish: ${output.finishReason}` : null,
                output.firstTokenMs !== null
                  ? `first token ${Math.round(output.firstTokenMs)} ms`
                  : null,
                rate !== null ? `${rate.toFixed(1)} tokens/s` : null
              ]
                .filter(Boolean)
                .join(' · ')
            : output.status === 'stopped'
              ? 'Stopped.'
              : ''}
      </div>
    </section>
  );
}
