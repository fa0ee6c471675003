import { Poller } from '../polling';

// Fake timers: the poll's setTimeout calls only fire when a test advances the
// clock, so the counts below cannot depend on how busy the machine is.
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
/** Let `ms` of fake time pass, running the timers and promises it sets off. */
const elapse = (ms: number) => jest.advanceTimersByTimeAsync(ms);

/** A factory that counts its calls and how many run at once. */
function counter(delay = 0) {
  const stats = { calls: 0, running: 0, maxRunning: 0, fail: false };
  const factory = async () => {
    stats.calls++;
    stats.running++;
    stats.maxRunning = Math.max(stats.maxRunning, stats.running);
    // a run of `delay` ms of (fake) time, or just asynchronous
    await (delay > 0 ? sleep(delay) : Promise.resolve());
    stats.running--;
    if (stats.fail) {
      throw new Error('boom');
    }
  };
  return { stats, factory };
}

describe('Poller', () => {
  let poller: Poller | null = null;
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    poller?.dispose();
    poller = null;
    jest.useRealTimers();
  });

  it('polls only while a viewer is visible', async () => {
    const { stats, factory } = counter();
    poller = new Poller({ name: 'test', factory, interval: 20 });
    const viewer = {};
    await elapse(60);
    expect(stats.calls).toBe(0);
    expect(poller.isActive).toBe(false);

    // the first visible viewer ticks at once, then every interval
    poller.setVisible(viewer, true);
    await elapse(5);
    expect(stats.calls).toBe(1);
    await elapse(100);
    expect(stats.calls).toBeGreaterThanOrEqual(2);

    // the last viewer hides: standby
    poller.setVisible(viewer, false);
    await elapse(30);
    const calls = stats.calls;
    await elapse(80);
    expect(stats.calls).toBe(calls);
  });

  it('keeps polling until every viewer is hidden', async () => {
    const { stats, factory } = counter();
    poller = new Poller({ name: 'test', factory, interval: 20 });
    const home = {};
    const jobs = {};
    poller.setVisible(home, true);
    poller.setVisible(jobs, true);
    poller.setVisible(home, false);
    expect(poller.isActive).toBe(true);
    await elapse(70);
    const calls = stats.calls;
    expect(calls).toBeGreaterThanOrEqual(2);
    poller.setVisible(jobs, false);
    expect(poller.isActive).toBe(false);
    await elapse(30);
    const after = stats.calls;
    await elapse(60);
    expect(stats.calls).toBe(after);
  });

  it('refreshes on demand without overlapping runs', async () => {
    const { stats, factory } = counter(30);
    poller = new Poller({ name: 'test', factory, interval: 10_000 });
    // no viewer: refresh still runs
    const runs = Promise.all([
      poller.refresh(),
      poller.refresh(),
      poller.refresh()
    ]);
    await elapse(100);
    await runs;
    expect(stats.maxRunning).toBe(1);
    // one run, and one more for the calls made while it ran
    expect(stats.calls).toBe(2);
    const again = poller.refresh();
    await elapse(30);
    await again;
    expect(stats.calls).toBe(3);
  });

  it('passes on the factory error', async () => {
    const { stats, factory } = counter();
    stats.fail = true;
    poller = new Poller({ name: 'test', factory, interval: 10_000 });
    await expect(poller.refresh()).rejects.toThrow('boom');
    stats.fail = false;
    await expect(poller.refresh()).resolves.toBeUndefined();
  });

  it('stays stopped after stop()', async () => {
    const { stats, factory } = counter();
    poller = new Poller({ name: 'test', factory, interval: 20 });
    const viewer = {};
    poller.setVisible(viewer, true);
    await elapse(5);
    poller.stop();
    expect(poller.isStopped).toBe(true);
    const calls = stats.calls;
    poller.setVisible(viewer, false);
    poller.setVisible(viewer, true);
    await elapse(80);
    expect(stats.calls).toBe(calls);
  });

  it('can run without viewers', async () => {
    const auto = counter();
    poller = new Poller({
      name: 'test',
      factory: auto.factory,
      interval: 20,
      needsViewer: false
    });
    await elapse(50);
    expect(auto.stats.calls).toBeGreaterThanOrEqual(2);
    poller.dispose();

    const manual = counter();
    poller = new Poller({
      name: 'test',
      factory: manual.factory,
      interval: 20,
      needsViewer: false,
      autoStart: false
    });
    await elapse(50);
    expect(manual.stats.calls).toBe(0);
    await poller.refresh();
    expect(manual.stats.calls).toBe(1);
  });

  it('changes its interval', async () => {
    const { stats, factory } = counter();
    poller = new Poller({ name: 'test', factory, interval: 10_000 });
    expect(poller.interval).toBe(10_000);
    poller.setVisible({}, true);
    await elapse(5);
    expect(stats.calls).toBe(1);
    poller.interval = 20;
    expect(poller.interval).toBe(20);
    poller.interval = -1; // ignored
    expect(poller.interval).toBe(20);
  });

  it('does nothing once disposed', async () => {
    const { stats, factory } = counter();
    poller = new Poller({ name: 'test', factory, interval: 20 });
    poller.dispose();
    expect(poller.isDisposed).toBe(true);
    poller.setVisible({}, true);
    await poller.refresh();
    await elapse(40);
    expect(stats.calls).toBe(0);
  });
});
