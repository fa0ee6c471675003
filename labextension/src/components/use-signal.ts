import { ISignal } from '@lumino/signaling';
import { useEffect, useReducer } from 'react';

/**
 * Re-render the calling component each time `signal` is emitted.
 */
export function useSignal<T>(signal: ISignal<T, any> | null | undefined): void {
  const [, force] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (!signal) {
      return;
    }
    const slot = () => force();
    signal.connect(slot);
    return () => {
      signal.disconnect(slot);
    };
  }, [signal]);
}

/**
 * The current `Date.now()`, refreshed every `intervalMs` while `active`.
 */
export function useNow(active: boolean, intervalMs = 1000): number {
  const [now, setNow] = useReducer((_: number, v: number) => v, Date.now());
  useEffect(() => {
    if (!active) {
      return;
    }
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [active, intervalMs]);
  return now;
}
