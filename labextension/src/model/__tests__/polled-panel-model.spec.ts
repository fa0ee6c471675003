import type { IStudioConnection } from '../../tokens';
import { PolledPanelModel } from '../polled-panel-model';

/**
 * Let `ms` of fake time pass, running the timers and promises it sets off:
 * the counts below cannot depend on how busy the machine is.
 */
const elapse = (ms: number) => jest.advanceTimersByTimeAsync(ms);

/** A panel model whose poll counts itself and goes fast while `busy`. */
class CountingModel extends PolledPanelModel {
  ticks = 0;
  busy = false;

  get interval(): number {
    return this.poller.interval;
  }

  protected async tick(): Promise<void> {
    this.ticks++;
    this.pollFast(this.busy);
    this.emit();
  }
}

function model(): CountingModel {
  const connection = { serverSettings: {} } as unknown as IStudioConnection;
  return new CountingModel({
    connection,
    name: 'test',
    interval: 200,
    fastInterval: 20
  });
}

describe('PolledPanelModel', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('polls while visible, faster while something changes, and stops when disposed', async () => {
    const panel = model();
    let changes = 0;
    panel.changed.connect(() => changes++);
    await elapse(30);
    expect(panel.ticks).toBe(0);

    panel.setVisible(true);
    await elapse(5);
    expect(panel.ticks).toBe(1);
    expect(panel.interval).toBe(200);

    panel.busy = true;
    await panel.refresh();
    expect(panel.interval).toBe(20);
    // the tick already scheduled comes first, then one every 20 ms (200 ms: 4 at most)
    await elapse(450);
    expect(panel.ticks).toBeGreaterThanOrEqual(8);
    expect(changes).toBe(panel.ticks);

    panel.dispose();
    expect(panel.isDisposed).toBe(true);
    const ticks = panel.ticks;
    await elapse(60);
    expect(panel.ticks).toBe(ticks);
    panel.dispose(); // twice is harmless
  });

  it('hands its connection settings to the API calls', () => {
    const panel = model();
    expect(panel.serverSettings).toBe(panel.connection.serverSettings);
    panel.dispose();
  });
});
