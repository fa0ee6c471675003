import { ILogChunk } from '../../api/jobs';
import { LogTailModel } from '../log-tail';

function chunk(
  content: string,
  offset: number,
  size: number,
  complete: boolean
): ILogChunk {
  return {
    content,
    offset,
    next_offset: offset + content.length,
    size,
    complete
  };
}

describe('LogTailModel', () => {
  it('appends chunks from the returned offsets and stops when complete', async () => {
    const responses = [
      chunk('hello\n', 0, 6, false),
      chunk('', 6, 6, false),
      chunk('world\n', 6, 12, true)
    ];
    const offsets: number[] = [];
    const model = new LogTailModel({
      autoStart: false,
      fetch: async offset => {
        offsets.push(offset);
        return responses.shift()!;
      }
    });
    let changes = 0;
    model.changed.connect(() => changes++);

    await model.refresh();
    expect(model.content).toBe('hello\n');
    expect(model.complete).toBe(false);

    await model.refresh();
    await model.refresh();
    expect(model.content).toBe('hello\nworld\n');
    expect(model.complete).toBe(true);
    expect(offsets).toEqual([0, 6, 6]);
    expect(changes).toBeGreaterThanOrEqual(3);

    // Complete: no more requests.
    await model.refresh();
    expect(offsets).toEqual([0, 6, 6]);
    model.dispose();
    expect(model.isDisposed).toBe(true);
  });

  it('reads several chunks in one tick when behind', async () => {
    const responses = [
      chunk('aaa', 0, 9, false),
      chunk('bbb', 3, 9, false),
      chunk('ccc', 6, 9, false)
    ];
    const model = new LogTailModel({
      autoStart: false,
      fetch: async () => responses.shift()!
    });
    await model.refresh();
    expect(model.content).toBe('aaabbbccc');
    expect(model.offset).toBe(9);
    model.dispose();
  });

  it('records errors and keeps what was read', async () => {
    let first = true;
    const model = new LogTailModel({
      autoStart: false,
      fetch: async () => {
        if (first) {
          first = false;
          return chunk('x\n', 0, 2, false);
        }
        throw new Error('boom');
      }
    });
    await model.refresh();
    await model.refresh().catch(() => undefined);
    expect(model.content).toBe('x\n');
    expect(model.error).toBe('boom');
    model.dispose();
  });
});
