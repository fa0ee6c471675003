/*
 * Reading a streamed generation: `text/event-stream` events whose `data:`
 * lines carry JSON (`{"token": "..."}`, then `{"done": true, ...}`).
 */

/** One event of a generation stream. */
export type GenerationEvent =
  | { type: 'token'; token: string }
  | {
      type: 'done';
      text: string | null;
      tokens: number | null;
      finishReason: string | null;
    }
  | { type: 'error'; message: string; code: string | null };

/**
 * An incremental `text/event-stream` reader: feed it chunks of text as they
 * arrive; it returns the `data` of each complete event (several `data:`
 * lines of one event are joined with a newline). Comments (`:`), `event:`,
 * `id:` and `retry:` lines are ignored.
 */
export class SseParser {
  /** The data of the events completed by `chunk`. */
  feed(chunk: string): string[] {
    this._buffer += chunk;
    const out: string[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this._buffer);
      if (!match) {
        break;
      }
      // A lone "\r" at the end may be the first half of "\r\n": wait.
      if (match[0] === '\r' && match.index === this._buffer.length - 1) {
        break;
      }
      const line = this._buffer.slice(0, match.index);
      this._buffer = this._buffer.slice(match.index + match[0].length);
      this._line(line, out);
    }
    return out;
  }

  /** The data of a last event not followed by a blank line. */
  end(): string[] {
    const out: string[] = [];
    if (this._buffer) {
      this._line(this._buffer, out);
      this._buffer = '';
    }
    this._line('', out);
    return out;
  }

  private _line(line: string, out: string[]): void {
    if (line === '') {
      if (this._data !== null) {
        out.push(this._data);
        this._data = null;
      }
      return;
    }
    if (line.startsWith(':')) {
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) {
      value = value.slice(1);
    }
    if (field === 'data') {
      this._data = this._data === null ? value : `${this._data}\n${value}`;
    }
  }

  private _buffer = '';
  private _data: string | null = null;
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/**
 * The generation event in one event's data, or `null` for data that is none
 * (e.g. a keep-alive). Data that is not JSON is an error event.
 */
export function parseGenerationEvent(data: string): GenerationEvent | null {
  const text = data.trim();
  if (!text || text === '[DONE]') {
    return text === '[DONE]'
      ? { type: 'done', text: null, tokens: null, finishReason: null }
      : null;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {
      type: 'error',
      message: `The endpoint sent an event that is not JSON: ${text.slice(0, 200)}`,
      code: 'invalid_event'
    };
  }
  if (!parsed || typeof parsed !== 'object') {
    return null;
  }
  const record = parsed as Record<string, unknown>;
  if (record.error !== undefined || record.message !== undefined) {
    if (record.done !== true && record.token === undefined) {
      return {
        type: 'error',
        message:
          str(record.message) ??
          str(record.error) ??
          'The endpoint stopped with an error.',
        code: str(record.code)
      };
    }
  }
  if (record.done === true) {
    return {
      type: 'done',
      text: str(record.text),
      tokens: typeof record.tokens === 'number' ? record.tokens : null,
      finishReason: str(record.finish_reason)
    };
  }
  if (typeof record.token === 'string') {
    return { type: 'token', token: record.token };
  }
  return null;
}

/**
 * Read a response body of generation events, calling `onEvent` for each as
 * it arrives. Resolves when the stream ends.
 */
export async function readGenerationStream(
  body: ReadableStream<Uint8Array>,
  onEvent: (event: GenerationEvent) => void
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  const emit = (items: string[]) => {
    for (const data of items) {
      const event = parseGenerationEvent(data);
      if (event) {
        onEvent(event);
      }
    }
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        break;
      }
      emit(parser.feed(decoder.decode(value, { stream: true })));
    }
    emit(parser.feed(decoder.decode()));
    emit(parser.end());
  } finally {
    reader.releaseLock();
  }
}
