/*
 * The prompt playground: a template with placeholders filled from the form,
 * generation settings, and tokens streamed from one or two deployed
 * endpoints side by side (two models, or two prompts).
 *
 * This component holds what several sections share (the typed fields, the
 * settings and the sides); each section is its own file.
 */
import React, { useEffect, useState } from 'react';

import { useSignal } from '../../../components/use-signal';
import { LoadState } from '../../../utils/load-state';
import { endpointsOfTask, SERVING_STATUSES } from '../catalogue';
import { ModelHubModel } from '../model';
import {
  BUILTIN_TEMPLATES,
  fillTemplate,
  IPromptFields,
  placeholders,
  promptProblem
} from '../prompt-template';
import {
  checkSettings,
  DEFAULT_SETTINGS,
  ISettingsFields,
  settingsToFields
} from '../settings';
import { GenerationSettings } from './generation-settings';
import { PlaygroundToolbar } from './playground-toolbar';
import { PromptFields } from './prompt-fields';
import { SidePane } from './side-pane';
import { initialSide, ISide } from './sides';
import { TemplateLibrary } from './template-library';
import { SettingsErrors, useGeneration } from './use-generation';
import { usePromptTemplates } from './use-prompt-templates';

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
  const [serverErrors, setServerErrors] = useState<SettingsErrors>({});
  const [compare, setCompare] = useState(false);
  const [sides, setSides] = useState<ISide[]>([initialSide(0), initialSide(1)]);
  const templates = usePromptTemplates(model);
  const generation = useGeneration(model, errors =>
    setServerErrors(current => ({ ...current, ...errors }))
  );

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

  const checked = checkSettings(settings);
  const activeSides = compare ? [0, 1] : [0];
  const filled = activeSides.map(i => fillTemplate(sides[i].template, fields));
  const promptProblems = filled.map(promptProblem);
  const settingsOk = Object.keys(checked.problems).length === 0;
  const canRun =
    !generation.running &&
    settingsOk &&
    promptProblems.every(p => p === null) &&
    activeSides.every(i => sides[i].endpoint);
  const usedPlaceholders = new Set(
    activeSides.flatMap(i => placeholders(sides[i].template))
  );
  const savedTemplates = LoadState.valueOf(templates.saved) ?? [];

  const updateSide = (index: number, change: Partial<ISide>) =>
    setSides(current =>
      current.map((s, i) => (i === index ? { ...s, ...change } : s))
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
      const template = savedTemplates.find(t => `saved:${t.name}` === source);
      if (template) {
        updateSide(index, {
          source,
          template: template.template,
          kind: template.kind
        });
        setSettings(settingsToFields(template.settings, settings));
        templates.setName(template.name);
      }
    } else {
      updateSide(index, { source: '' });
    }
  };

  const run = () => {
    setServerErrors({});
    activeSides.forEach(
      (i, k) =>
        void generation.start(
          i,
          sides[i].endpoint,
          filled[k].prompt,
          checked.settings
        )
    );
  };

  const save = () =>
    void templates.save(
      {
        template: sides[0].template,
        kind: sides[0].kind,
        settings: checked.settings
      },
      template => updateSide(0, { source: `saved:${template.name}` })
    );

  return (
    <div
      className="jp-studio-ModelHubPlayground"
      data-testid="studio-modelhub-playground"
    >
      <div className="jp-studio-ModelHubPlayground-form">
        <PlaygroundToolbar
          model={model}
          compare={compare}
          onCompare={setCompare}
          endpointCount={endpoints.length}
          firstGenerator={firstGenerator}
        />
        <PromptFields
          fields={fields}
          onChange={setFields}
          used={usedPlaceholders}
        />
        <GenerationSettings
          settings={settings}
          onChange={setSettings}
          errorOf={name => checked.problems[name] ?? serverErrors[name] ?? null}
          onEdited={name =>
            setServerErrors(current => ({ ...current, [name]: undefined }))
          }
          canRun={canRun}
          running={generation.running}
          onRun={run}
          onStop={generation.stop}
        />
        <TemplateLibrary
          templates={templates}
          spaces={spaces}
          hasTemplate={!!sides[0].template.trim()}
          onSave={save}
        />
      </div>
      <div
        className={`jp-studio-ModelHubSides${compare ? ' jp-mod-compare' : ''}`}
      >
        {activeSides.map((i, k) => (
          <SidePane
            key={i}
            index={i}
            side={sides[i]}
            output={generation.outputs[i]}
            endpoints={endpoints}
            saved={savedTemplates}
            problem={promptProblems[k]}
            prompt={filled[k].prompt}
            onChange={change => updateSide(i, change)}
            onChooseTemplate={source => chooseTemplate(i, source)}
            onDelete={name => void templates.remove(name)}
          />
        ))}
      </div>
    </div>
  );
}
