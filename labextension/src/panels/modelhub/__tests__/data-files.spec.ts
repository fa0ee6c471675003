import { ServerConnection } from '@jupyterlab/services';

import { parseCsv } from '../../../utils/csv';
import {
  guessLabelColumn,
  guessTextColumn,
  inferKinds,
  INSTRUCTION_HINTS,
  kindOfInferredType,
  LABEL_HINTS,
  readColumns,
  RESPONSE_HINTS,
  TEXT_HINTS
} from '../data-files';

const REVIEWS = parseCsv(
  [
    'id,stars,review_length,body,sentiment',
    '1,5,31,"Great phone, the battery lasts",positive',
    '2,1,24,Broke after a week sadly,negative',
    '3,4,29,"Good value, a bit heavy though",positive'
  ].join('\n')
);

describe('column kinds', () => {
  it('reads numbers, free text and categories from the values', () => {
    expect(inferKinds(REVIEWS)).toEqual({
      id: 'numeric',
      stars: 'numeric',
      review_length: 'numeric',
      body: 'text',
      sentiment: 'categorical'
    });
  });

  it("maps AutoML's inferred types", () => {
    expect(kindOfInferredType('numerical')).toBe('numeric');
    expect(kindOfInferredType('boolean')).toBe('numeric');
    expect(kindOfInferredType('text')).toBe('text');
    expect(kindOfInferredType('categorical')).toBe('categorical');
    expect(kindOfInferredType('datetime')).toBe('other');
  });
});

describe('preselected columns', () => {
  const reviews = { columns: REVIEWS[0], kinds: inferKinds(REVIEWS) };

  it('picks the text column by content, never a numeric one', () => {
    // Issue 22: fine-tune preselected `id` and `stars` (the first columns).
    const text = guessTextColumn(reviews, TEXT_HINTS);
    expect(text).toBe('body');
    expect(guessLabelColumn(reviews, LABEL_HINTS, [text])).toBe('sentiment');
  });

  it('does not take a numeric column whose name matches a hint', () => {
    const columns = ['text_length', 'comment', 'label'];
    const kinds = {
      text_length: 'numeric',
      comment: 'text',
      label: 'categorical'
    } as const;
    expect(guessTextColumn({ columns, kinds }, TEXT_HINTS)).toBe('comment');
  });

  it('picks two different text columns for instruction and response', () => {
    const columns = ['n', 'question_text', 'reply'];
    const kinds = {
      n: 'numeric',
      question_text: 'text',
      reply: 'text'
    } as const;
    const instruction = guessTextColumn({ columns, kinds }, INSTRUCTION_HINTS);
    expect(instruction).toBe('question_text');
    expect(
      guessTextColumn({ columns, kinds }, RESPONSE_HINTS, [instruction])
    ).toBe('reply');
  });

  it('falls back on the order of the columns when kinds are unknown', () => {
    expect(guessTextColumn({ columns: ['a', 'b'] }, TEXT_HINTS)).toBe('a');
    expect(guessLabelColumn({ columns: ['a', 'b'] }, LABEL_HINTS, ['a'])).toBe(
      'b'
    );
    expect(guessTextColumn({ columns: [] }, TEXT_HINTS)).toBe('');
  });

  it('leaves the choice empty when only numbers are there', () => {
    const columns = ['x', 'y'];
    const kinds = { x: 'numeric', y: 'numeric' } as const;
    expect(guessTextColumn({ columns, kinds }, TEXT_HINTS)).toBe('');
  });
});

describe('readColumns', () => {
  /** Server settings whose fetch answers every request with `status` and `body`. */
  function answering(
    status: number,
    body: unknown
  ): ServerConnection.ISettings {
    const fetchMock = async () =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'Content-Type': 'application/json' }
      });
    return ServerConnection.makeSettings({
      baseUrl: 'http://localhost:8888/',
      wsUrl: 'ws://localhost:8888/',
      token: 'tok',
      fetch: fetchMock as any,
      Request: Request,
      Headers: Headers
    });
  }
  const contents = {
    get: jest.fn(async () => ({ content: 'text,label\nhi,a\n' }) as any)
  };

  beforeEach(() => contents.get.mockClear());

  it('reads the CSV through the contents API when the server has no AutoML', async () => {
    const settings = answering(404, { message: 'Not Found' });
    const read = await readColumns('d.csv', contents, settings);
    expect(read.columns).toEqual(['text', 'label']);
    expect(contents.get).toHaveBeenCalled();
  });

  it("reports the server's message for a file that does not exist", async () => {
    // Issue 22: a missing file is a 404 path_not_found, not a missing AutoML route.
    const settings = answering(404, {
      message: "The data 'd.parquet' does not exist.",
      reason: 'Not Found',
      code: 'path_not_found'
    });
    await expect(readColumns('d.parquet', contents, settings)).rejects.toThrow(
      'does not exist'
    );
    expect(contents.get).not.toHaveBeenCalled();
  });
});
