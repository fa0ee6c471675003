import {
  checkSettings,
  DEFAULT_SETTINGS,
  formatStop,
  parseStop,
  settingsFieldOf,
  settingsToFields
} from '../settings';

describe('checkSettings', () => {
  it('accepts the defaults', () => {
    const checked = checkSettings(DEFAULT_SETTINGS);
    expect(checked.problems).toEqual({});
    expect(checked.settings).toEqual({
      max_new_tokens: 64,
      temperature: 0.7,
      top_p: 0.95,
      stop: []
    });
  });

  it('names each out-of-range field', () => {
    const { problems } = checkSettings({
      max_new_tokens: '4096',
      temperature: '2.5',
      top_p: '0',
      stop: 'a\nb\nc\nd\ne\nf\ng\nh\ni'
    });
    expect(problems.max_new_tokens).toMatch(/1 to 2048/);
    expect(problems.temperature).toMatch(/0 \(greedy\) to 2/);
    expect(problems.top_p).toMatch(/more than 0/);
    expect(problems.stop).toMatch(/At most 8/);
  });

  it('refuses fractions of tokens and text', () => {
    expect(
      checkSettings({ ...DEFAULT_SETTINGS, max_new_tokens: '1.5' }).problems
        .max_new_tokens
    ).toBeTruthy();
    expect(
      checkSettings({ ...DEFAULT_SETTINGS, temperature: 'hot' }).problems
        .temperature
    ).toBeTruthy();
    expect(
      checkSettings({ ...DEFAULT_SETTINGS, top_p: '' }).problems.top_p
    ).toMatch(/required/);
  });
});

describe('stop sequences', () => {
  it('reads one per line with \\n escapes, and writes them back', () => {
    expect(parseStop('\\n\\n\nEND\n')).toEqual(['\n\n', 'END']);
    expect(formatStop(['\n\n', 'END'])).toBe('\\n\\n\nEND');
  });
});

describe('settingsToFields', () => {
  it('keeps the base for unset values', () => {
    expect(settingsToFields({ temperature: 0, stop: ['x'] })).toEqual({
      ...DEFAULT_SETTINGS,
      temperature: '0',
      stop: 'x'
    });
  });
});

describe('settingsFieldOf', () => {
  it('finds the field from loc or from the message', () => {
    expect(settingsFieldOf(['body', 'temperature'], '')).toBe('temperature');
    expect(settingsFieldOf(undefined, 'top_p: must be more than 0')).toBe(
      'top_p'
    );
    expect(settingsFieldOf(undefined, 'the prompt is too long')).toBeNull();
  });
});
