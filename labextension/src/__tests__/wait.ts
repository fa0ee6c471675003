/*
 * Waiting in jest specs without counting on an idle machine.
 *
 * A spec that sleeps a fixed few milliseconds and then asserts fails when the
 * machine is busy. Specs of timers use jest's fake timers; specs that wait for
 * real asynchronous work (a fetch answered by a fake server, a debounce) wait
 * here for the condition, with a deadline long enough for a loaded machine.
 */

/**
 * Resolve once `predicate()` is true, checking every few milliseconds.
 *
 * @param predicate - the condition to wait for.
 * @param what - what is awaited, for the error message.
 * @param timeout - the deadline in ms (default 5 s: hundreds of times what an
 *   idle machine needs, and within jest's 10 s test timeout).
 * @returns a promise that rejects with `what` when the deadline passes.
 */
export async function waitFor(
  predicate: () => boolean,
  what = 'the condition',
  timeout = 5_000
): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!predicate()) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeout} ms waiting for ${what}`);
    }
    await new Promise(resolve => setTimeout(resolve, 5));
  }
}
