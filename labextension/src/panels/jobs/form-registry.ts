/*
 * The registry of job kinds' parameters forms (`IJobFormRegistry`).
 */
import { DisposableDelegate, IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import type {
  IJobFormEntry,
  IJobFormRegistry,
  JobParametersForm
} from '../../tokens';

export class JobFormRegistry implements IJobFormRegistry {
  get changed(): ISignal<this, string> {
    return this._changed;
  }

  register(
    kind: string,
    form: JobParametersForm,
    options: Omit<IJobFormEntry, 'form'> = {}
  ): IDisposable {
    if (this._forms.has(kind)) {
      console.warn(
        `Jupyter Studio: a form for "${kind}" jobs was already registered; the new one replaces it.`
      );
    }
    const entry: IJobFormEntry = { ...options, form };
    this._forms.set(kind, entry);
    this._changed.emit(kind);
    return new DisposableDelegate(() => {
      if (this._forms.get(kind) === entry) {
        this._forms.delete(kind);
        this._changed.emit(kind);
      }
    });
  }

  get(kind: string): IJobFormEntry | null {
    return this._forms.get(kind) ?? null;
  }

  private _forms = new Map<string, IJobFormEntry>();
  private _changed = new Signal<this, string>(this);
}
