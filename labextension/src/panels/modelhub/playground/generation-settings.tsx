/*
 * Generation settings of the playground (max tokens, temperature, top-p,
 * stop sequences) with their problems, and Generate / Stop.
 */
import { Button } from '@jupyterlab/ui-components';
import React from 'react';

import { ISettingsFields } from '../settings';

/** One numeric setting with its label and problem. */
function SettingInput(props: {
  name: keyof ISettingsFields;
  label: string;
  inputMode: 'numeric' | 'decimal';
  settings: ISettingsFields;
  error: string | null;
  onChange: (settings: ISettingsFields) => void;
  onEdited: (name: keyof ISettingsFields) => void;
}): JSX.Element {
  const { name, label, settings, error } = props;
  return (
    <label className="jp-studio-ModelHubSetting">
      <span>{label}</span>
      <input
        className="jp-mod-styled jp-studio-input jp-studio-input-tiny"
        value={settings[name]}
        aria-label={label}
        aria-invalid={error ? true : undefined}
        onChange={e => {
          props.onChange({ ...settings, [name]: e.target.value });
          props.onEdited(name);
        }}
        inputMode={props.inputMode}
      />
      {error ? (
        <span className="jp-studio-FieldError" data-testid="studio-field-error">
          {error}
        </span>
      ) : null}
    </label>
  );
}

export function GenerationSettings(props: {
  settings: ISettingsFields;
  onChange: (settings: ISettingsFields) => void;
  /** The problem of a field (typed, or the server's), or `null`. */
  errorOf: (name: keyof ISettingsFields) => string | null;
  /** A field was typed in: forget the server's problem with it. */
  onEdited: (name: keyof ISettingsFields) => void;
  canRun: boolean;
  running: boolean;
  onRun: () => void;
  onStop: () => void;
}): JSX.Element {
  const { settings, errorOf } = props;
  const input = (
    name: keyof ISettingsFields,
    label: string,
    inputMode: 'numeric' | 'decimal'
  ) => (
    <SettingInput
      name={name}
      label={label}
      inputMode={inputMode}
      settings={settings}
      error={errorOf(name)}
      onChange={props.onChange}
      onEdited={props.onEdited}
    />
  );
  return (
    <div
      className="jp-studio-ModelHubSettings"
      aria-label="Generation settings"
    >
      {input('max_new_tokens', 'Max tokens', 'numeric')}
      {input('temperature', 'Temperature', 'decimal')}
      {input('top_p', 'Top-p', 'decimal')}
      <label className="jp-studio-ModelHubSetting">
        <span>Stop sequences</span>
        <textarea
          className="jp-mod-styled jp-studio-textarea jp-studio-ModelHubStop"
          rows={1}
          aria-label="Stop sequences"
          placeholder="one per line, \n for a newline"
          value={settings.stop}
          onChange={e => props.onChange({ ...settings, stop: e.target.value })}
        />
        {errorOf('stop') ? (
          <span className="jp-studio-FieldError">{errorOf('stop')}</span>
        ) : null}
      </label>
      <div className="jp-studio-ModelHubRunButtons">
        <Button
          className="jp-studio-primary"
          data-testid="studio-modelhub-run"
          disabled={!props.canRun}
          onClick={props.onRun}
        >
          Generate
        </Button>
        {props.running ? (
          <Button className="jp-studio-secondary" onClick={props.onStop}>
            Stop
          </Button>
        ) : null}
      </div>
    </div>
  );
}
