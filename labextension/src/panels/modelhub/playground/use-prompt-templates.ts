/*
 * The saved prompt templates of a space (or home) for the playground: the
 * list, the name to save under, and the outcome of the last save or delete.
 */
import { useEffect, useState } from 'react';

import {
  deletePromptTemplate,
  IPromptTemplate,
  ISaveTemplate,
  listPromptTemplates,
  savePromptTemplate
} from '../../../api/modelhub';
import { errorMessage } from '../../../api/request';
import { LoadState } from '../../../utils/load-state';
import { ModelHubModel } from '../model';

/** The outcome of the last save or delete. */
export interface ITemplateMessage {
  ok: boolean;
  text: string;
}

export interface IPromptTemplates {
  /** The space whose `prompt-templates/` is listed (`''`: home). */
  spaceId: string;
  setSpaceId(spaceId: string): void;
  saved: LoadState<IPromptTemplate[]>;
  /** The name to save under. */
  name: string;
  setName(name: string): void;
  message: ITemplateMessage | null;
  /** Save under `name` in the space; `onSaved` runs before the list reloads. */
  save(
    body: Pick<ISaveTemplate, 'template' | 'kind' | 'settings'>,
    onSaved: (template: IPromptTemplate) => void
  ): Promise<void>;
  remove(name: string): Promise<void>;
}

export function usePromptTemplates(model: ModelHubModel): IPromptTemplates {
  const [spaceId, setSpaceId] = useState<string>(model.activeSpaceId ?? '');
  const [saved, setSaved] = useState<LoadState<IPromptTemplate[]>>(
    LoadState.loading()
  );
  const [name, setName] = useState('');
  const [message, setMessage] = useState<ITemplateMessage | null>(null);

  const reload = async (space: string) => {
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
    void reload(spaceId);
  }, [spaceId]);

  const save: IPromptTemplates['save'] = async (body, onSaved) => {
    setMessage(null);
    try {
      const template = await savePromptTemplate(
        { name: name.trim(), space_id: spaceId || null, ...body },
        model.serverSettings
      );
      setMessage({
        ok: true,
        text: `Saved ${template.name}${template.path ? ` as ${template.path}` : ''}.`
      });
      onSaved(template);
      await reload(spaceId);
    } catch (error) {
      setMessage({ ok: false, text: errorMessage(error) });
    }
  };

  const remove = async (templateName: string) => {
    setMessage(null);
    try {
      await deletePromptTemplate(
        templateName,
        spaceId || null,
        model.serverSettings
      );
      setMessage({ ok: true, text: `Deleted ${templateName}.` });
      await reload(spaceId);
    } catch (error) {
      setMessage({ ok: false, text: errorMessage(error) });
    }
  };

  return {
    spaceId,
    setSpaceId,
    saved,
    name,
    setName,
    message,
    save,
    remove
  };
}
