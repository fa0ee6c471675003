import { parseGenerationEvent, SseParser } from '../sse';

describe('SseParser', () => {
  it('returns the data of each event ended by a blank line', () => {
    const parser = new SseParser();
    expect(
      parser.feed('data: {"token": "Hel"}\n\ndata: {"token": "lo"}\n\n')
    ).toEqual(['{"token": "Hel"}', '{"token": "lo"}']);
  });

  it('keeps a partial event until the rest arrives', () => {
    const parser = new SseParser();
    expect(parser.feed('data: {"tok')).toEqual([]);
    expect(parser.feed('en": "a"}\n')).toEqual([]);
    expect(parser.feed('\n')).toEqual(['{"token": "a"}']);
  });

  it('understands CRLF and CR line ends, even split between chunks', () => {
    const parser = new SseParser();
    expect(parser.feed('data: x\r')).toEqual([]);
    expect(parser.feed('\n\r\ndata: y\r\r')).toEqual(['x']);
    expect(parser.feed('\n')).toEqual(['y']);
  });

  it('joins several data lines and ignores comments and other fields', () => {
    const parser = new SseParser();
    expect(
      parser.feed(': keep-alive\nevent: token\nid: 3\ndata: a\ndata: b\n\n')
    ).toEqual(['a\nb']);
  });

  it('returns a last event without a blank line at the end', () => {
    const parser = new SseParser();
    expect(parser.feed('data: {"done": true}')).toEqual([]);
    expect(parser.end()).toEqual(['{"done": true}']);
  });

  it('keeps a space inside the value (only one leading space is dropped)', () => {
    const parser = new SseParser();
    expect(parser.feed('data:  two\n\ndata:none\n\n')).toEqual([
      ' two',
      'none'
    ]);
  });
});

describe('parseGenerationEvent', () => {
  it('reads tokens', () => {
    expect(parseGenerationEvent('{"token": " world"}')).toEqual({
      type: 'token',
      token: ' world'
    });
  });

  it('reads the final event', () => {
    expect(
      parseGenerationEvent(
        '{"done": true, "text": "Hi", "tokens": 2, "finish_reason": "stop"}'
      )
    ).toEqual({ type: 'done', text: 'Hi', tokens: 2, finishReason: 'stop' });
  });

  it('reads an error sent in the stream', () => {
    expect(
      parseGenerationEvent('{"message": "out of memory", "code": "oom"}')
    ).toEqual({ type: 'error', message: 'out of memory', code: 'oom' });
  });

  it('turns data that is not JSON into an error naming it', () => {
    const event = parseGenerationEvent('oops');
    expect(event?.type).toBe('error');
    expect(event && event.type === 'error' && event.message).toMatch(/oops/);
  });

  it('ignores empty data and unknown objects', () => {
    expect(parseGenerationEvent('')).toBeNull();
    expect(parseGenerationEvent('{"ping": 1}')).toBeNull();
  });
});
