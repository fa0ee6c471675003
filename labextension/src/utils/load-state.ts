/*
 * One Loading / Error / Ready state for everything a panel loads.
 */
import { errorMessage } from '../api/request';

/**
 * What a model knows about data it loads from the server.
 *
 * An error keeps the last value received (if any) in `value`, so a view can
 * go on showing it under the error message instead of blanking out.
 */
export type LoadState<T> =
  | { readonly status: 'loading' }
  | { readonly status: 'error'; readonly error: string; readonly value?: T }
  | { readonly status: 'ready'; readonly value: T };

/** Constructors and readers of {@link LoadState}. */
export namespace LoadState {
  /** Nothing received yet. */
  export function loading<T>(): LoadState<T> {
    return { status: 'loading' };
  }

  /** Data received. */
  export function ready<T>(value: T): LoadState<T> {
    return { status: 'ready', value };
  }

  /**
   * A failed load, keeping the value of `previous` (when there is one).
   *
   * @param error - anything thrown; turned into a user-facing message.
   */
  export function failed<T>(
    error: unknown,
    previous?: LoadState<T>
  ): LoadState<T> {
    const message = typeof error === 'string' ? error : errorMessage(error);
    const last = previous ? valueOf(previous) : undefined;
    return last === undefined
      ? { status: 'error', error: message }
      : { status: 'error', error: message, value: last };
  }

  /** The value (the last one received, after an error), or `undefined`. */
  export function valueOf<T>(state: LoadState<T>): T | undefined {
    return state.status === 'loading' ? undefined : state.value;
  }

  /** The error message, or `null`. */
  export function errorOf<T>(state: LoadState<T>): string | null {
    return state.status === 'error' ? state.error : null;
  }

  /** Whether a value was received at least once. */
  export function hasValue<T>(state: LoadState<T>): boolean {
    return valueOf(state) !== undefined;
  }
}
