/*
 * The "Register model" action other panels offer (e.g. on a job's model
 * folder in the Jobs panel): set by the Models plugin when it is active.
 */
import { DisposableDelegate, IDisposable } from '@lumino/disposable';

import type { IRegisterRequest } from '../tokens';

/** Opens the Register dialog of the Models panel, prefilled. */
export type RegisterModelHandler = (request: IRegisterRequest) => void;

let current: RegisterModelHandler | null = null;

/**
 * Set the handler of "Register model" requests.
 *
 * @returns a disposable that removes it.
 */
export function setRegisterModelHandler(
  handler: RegisterModelHandler
): IDisposable {
  current = handler;
  return new DisposableDelegate(() => {
    if (current === handler) {
      current = null;
    }
  });
}

/** The handler of "Register model" requests, or `null` without the Models panel. */
export function registerModelHandler(): RegisterModelHandler | null {
  return current;
}
