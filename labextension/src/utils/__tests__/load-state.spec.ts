import { LoadState } from '../load-state';

describe('LoadState', () => {
  it('goes from loading to ready', () => {
    const loading = LoadState.loading<number[]>();
    expect(loading).toEqual({ status: 'loading' });
    expect(LoadState.valueOf(loading)).toBeUndefined();
    expect(LoadState.hasValue(loading)).toBe(false);
    const ready = LoadState.ready([1]);
    expect(LoadState.valueOf(ready)).toEqual([1]);
    expect(LoadState.errorOf(ready)).toBeNull();
  });

  it('keeps the last value after an error', () => {
    const failed = LoadState.failed(new Error('boom'), LoadState.ready([1]));
    expect(failed).toEqual({ status: 'error', error: 'boom', value: [1] });
    expect(LoadState.errorOf(failed)).toBe('boom');
    // a second error still keeps it
    expect(LoadState.valueOf(LoadState.failed('again', failed))).toEqual([1]);
  });

  it('has no value after an error before any data', () => {
    const failed = LoadState.failed<number>('boom', LoadState.loading());
    expect(failed).toEqual({ status: 'error', error: 'boom' });
    expect(LoadState.hasValue(failed)).toBe(false);
  });
});
