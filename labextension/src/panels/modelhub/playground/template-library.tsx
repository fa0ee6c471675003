/*
 * Where the playground's templates are saved: the space (or home) whose
 * `prompt-templates/` is listed, the name, Save, and the last outcome.
 */
import { Button } from '@jupyterlab/ui-components';
import React from 'react';

import type { ISpace } from '../../../api/spaces';
import { SpaceSelect } from '../../../components/space-select';
import { IPromptTemplates } from './use-prompt-templates';

export function TemplateLibrary(props: {
  templates: IPromptTemplates;
  spaces: ISpace[];
  /** Side A has a template to save. */
  hasTemplate: boolean;
  onSave: () => void;
}): JSX.Element {
  const { templates } = props;
  const { saved, message } = templates;
  return (
    <div className="jp-studio-ModelHubTemplates">
      <label htmlFor="jp-studio-modelhub-template-space">Templates in</label>
      <SpaceSelect
        id="jp-studio-modelhub-template-space"
        spaces={props.spaces}
        value={templates.spaceId}
        onChange={templates.setSpaceId}
      />
      <input
        className="jp-mod-styled jp-studio-input"
        placeholder="Template name"
        aria-label="Template name"
        value={templates.name}
        onChange={e => templates.setName(e.target.value)}
      />
      <Button
        small
        className="jp-studio-secondary"
        disabled={!templates.name.trim() || !props.hasTemplate}
        title="Save the left template and the settings in prompt-templates/"
        onClick={props.onSave}
      >
        Save template
      </Button>
      {saved.status === 'error' ? (
        <span className="jp-studio-error">{saved.error}</span>
      ) : null}
      {message ? (
        <span
          className={message.ok ? 'jp-studio-muted' : 'jp-studio-error'}
          role={message.ok ? 'status' : 'alert'}
        >
          {message.text}
        </span>
      ) : null}
    </div>
  );
}
