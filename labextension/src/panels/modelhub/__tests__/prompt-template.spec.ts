import {
  BUILTIN_TEMPLATES,
  fillTemplate,
  formatExamples,
  parseExamples,
  parseLabels,
  placeholders,
  promptProblem
} from '../prompt-template';

const fields = { text: '', examples: '', labels: '' };

describe('placeholders', () => {
  it('lists each placeholder once, in order, skipping literal braces', () => {
    expect(placeholders('{labels} {text} {{x}} {text} {examples}')).toEqual([
      'labels',
      'text',
      'examples'
    ]);
  });
});

describe('parseLabels and parseExamples', () => {
  it('splits labels on commas and lines, without blanks or repeats', () => {
    expect(parseLabels('sports, politics\n\ntech, sports')).toEqual([
      'sports',
      'politics',
      'tech'
    ]);
  });

  it('reads "input => output" lines', () => {
    expect(
      parseExamples('Great match => sports\n\nNew law=>politics\nno arrow')
    ).toEqual([
      { input: 'Great match', output: 'sports' },
      { input: 'New law', output: 'politics' },
      { input: 'no arrow', output: '' }
    ]);
    expect(formatExamples(parseExamples('a => b\nc => d'))).toBe(
      'Text: a\nLabel: b\n\nText: c\nLabel: d'
    );
  });
});

describe('fillTemplate', () => {
  it('fills {text}, {labels} and {examples} from the fields', () => {
    const filled = fillTemplate(BUILTIN_TEMPLATES[1].template, {
      text: ' The striker scored twice ',
      examples: 'New tax bill => politics',
      labels: 'sports, politics'
    });
    expect(filled.missing).toEqual([]);
    expect(filled.unknown).toEqual([]);
    expect(filled.prompt).toBe(
      'Classify each text into one of these labels: sports, politics.\n\n' +
        'Text: New tax bill\nLabel: politics\n\nText: The striker scored twice\nLabel:'
    );
    expect(promptProblem(filled)).toBeNull();
  });

  it('names the empty fields the template needs', () => {
    const filled = fillTemplate('{labels}: {text}', { ...fields, text: 'x' });
    expect(filled.missing).toEqual(['labels']);
    expect(promptProblem(filled)).toBe('Fill {labels}: the template uses it.');
  });

  it('leaves unknown placeholders and names them', () => {
    const filled = fillTemplate('{topic}: {text}', { ...fields, text: 'x' });
    expect(filled.prompt).toBe('{topic}: x');
    expect(promptProblem(filled)).toMatch(/Unknown placeholder \{topic\}/);
  });

  it('turns doubled braces into literal ones', () => {
    expect(
      fillTemplate('{{"a": "{text}"}}', { ...fields, text: 'v' }).prompt
    ).toBe('{"a": "v"}');
  });

  it('refuses an empty prompt', () => {
    expect(promptProblem(fillTemplate('  ', fields))).toMatch(/empty/);
  });
});
