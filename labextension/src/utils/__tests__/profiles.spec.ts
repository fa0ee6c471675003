import type { IProfile } from '../../api/profiles';
import {
  createBodyFromForm,
  formatLimit,
  formatRuntimeLimit,
  IUserForm,
  parseMinutes,
  runtimeLimitSeconds,
  secondsToMinutesText,
  updateBodyFromForm
} from '../profiles';

const dana: IProfile = {
  username: 'dana',
  display_name: 'Dana D',
  is_admin: false,
  home_path: 'studio/users/dana',
  settings: { default_max_runtime_seconds: 600 },
  created_at: '2024-01-01T00:00:00Z'
};

function form(overrides: Partial<IUserForm> = {}): IUserForm {
  return {
    username: 'dana',
    displayName: 'Dana D',
    isAdmin: false,
    minutes: '10',
    ...overrides
  };
}

describe('runtimeLimitSeconds', () => {
  it('reads a positive number', () => {
    expect(runtimeLimitSeconds({ default_max_runtime_seconds: 600 })).toBe(600);
  });

  it('treats missing, zero, negative and non-numbers as none', () => {
    expect(runtimeLimitSeconds({})).toBeNull();
    expect(runtimeLimitSeconds(null)).toBeNull();
    expect(runtimeLimitSeconds({ default_max_runtime_seconds: 0 })).toBeNull();
    expect(runtimeLimitSeconds({ default_max_runtime_seconds: -5 })).toBeNull();
    expect(
      runtimeLimitSeconds({ default_max_runtime_seconds: '600' } as any)
    ).toBeNull();
    expect(
      runtimeLimitSeconds({ default_max_runtime_seconds: null })
    ).toBeNull();
  });
});

describe('minutes <-> seconds', () => {
  it('formats seconds as minutes text', () => {
    expect(secondsToMinutesText(600)).toBe('10');
    expect(secondsToMinutesText(90)).toBe('1.5');
    expect(secondsToMinutesText(100)).toBe('1.67');
    expect(secondsToMinutesText(null)).toBe('');
    expect(secondsToMinutesText(0)).toBe('');
  });

  it('parses minutes into whole seconds', () => {
    expect(parseMinutes('10')).toEqual({ ok: true, seconds: 600 });
    expect(parseMinutes(' 20 ')).toEqual({ ok: true, seconds: 1200 });
    expect(parseMinutes('1.5')).toEqual({ ok: true, seconds: 90 });
    expect(parseMinutes('1,5')).toEqual({ ok: true, seconds: 90 });
    expect(parseMinutes('.5')).toEqual({ ok: true, seconds: 30 });
  });

  it('reads an empty input as no limit', () => {
    expect(parseMinutes('')).toEqual({ ok: true, seconds: null });
    expect(parseMinutes('   ')).toEqual({ ok: true, seconds: null });
  });

  it('rejects text, zero and negative minutes', () => {
    for (const text of ['ten', '10m', '1e3', '0', '-5', '0.001']) {
      const parsed = parseMinutes(text);
      expect(parsed.ok).toBe(false);
    }
    const parsed = parseMinutes('ten');
    expect(!parsed.ok && parsed.error).toContain('"ten"');
  });

  it('round-trips', () => {
    for (const seconds of [60, 90, 600, 3600, 86400]) {
      const parsed = parseMinutes(secondsToMinutesText(seconds));
      expect(parsed).toEqual({ ok: true, seconds });
    }
  });
});

describe('formatRuntimeLimit', () => {
  it('shows the limit or the default', () => {
    expect(formatRuntimeLimit({ default_max_runtime_seconds: 600 })).toBe(
      'runtime limit: 10 min'
    );
    expect(formatRuntimeLimit({})).toBe('runtime limit: default');
    expect(formatRuntimeLimit(undefined)).toBe('runtime limit: default');
  });

  it('picks a readable unit', () => {
    expect(formatLimit(45)).toBe('45 s');
    expect(formatLimit(90)).toBe('1.5 min');
    expect(formatLimit(1200)).toBe('20 min');
    expect(formatLimit(5400)).toBe('90 min');
    expect(formatLimit(7200)).toBe('2 h');
  });
});

describe('createBodyFromForm', () => {
  it('builds the POST body', () => {
    expect(createBodyFromForm(form())).toEqual({
      body: {
        username: 'dana',
        display_name: 'Dana D',
        is_admin: false,
        settings: { default_max_runtime_seconds: 600 }
      }
    });
  });

  it('leaves out an empty display name and runtime', () => {
    expect(
      createBodyFromForm(
        form({
          username: ' erin ',
          displayName: ' ',
          minutes: '',
          isAdmin: true
        })
      )
    ).toEqual({ body: { username: 'erin', is_admin: true } });
  });

  it('asks for a username and valid minutes', () => {
    expect(createBodyFromForm(form({ username: '' }))).toEqual({
      error: 'Enter a username.'
    });
    expect('error' in createBodyFromForm(form({ minutes: 'soon' }))).toBe(true);
  });
});

describe('updateBodyFromForm', () => {
  it('sends nothing when nothing changed', () => {
    expect(updateBodyFromForm(dana, form())).toEqual({ body: {} });
  });

  it('sends only what changed', () => {
    expect(
      updateBodyFromForm(dana, form({ minutes: '20', isAdmin: true }))
    ).toEqual({
      body: {
        is_admin: true,
        settings: { default_max_runtime_seconds: 1200 }
      }
    });
    expect(updateBodyFromForm(dana, form({ displayName: 'Dana' }))).toEqual({
      body: { display_name: 'Dana' }
    });
  });

  it('clears the limit with null when the minutes are cleared', () => {
    expect(updateBodyFromForm(dana, form({ minutes: '' }))).toEqual({
      body: { settings: { default_max_runtime_seconds: null } }
    });
  });

  it('falls back to the username for an empty display name', () => {
    expect(updateBodyFromForm(dana, form({ displayName: '' }))).toEqual({
      body: { display_name: 'dana' }
    });
  });
});
