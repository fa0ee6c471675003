import {
  isInsideFolder,
  NO_SPACE,
  spaceDisplayName,
  spaceForScript,
  spaceOptionLabel,
  spaceOptions
} from '../spaces';

const space = {
  space_id: 'abc123def456',
  name: 'Churn',
  kind: 'shared' as const,
  path: 'studio/spaces/churn'
};

describe('spaceOptionLabel', () => {
  it('marks shared spaces', () => {
    expect(spaceOptionLabel(space)).toBe('Churn (shared)');
    expect(spaceOptionLabel({ ...space, kind: 'private' })).toBe('Churn');
  });
});

describe('isInsideFolder', () => {
  it('accepts the folder itself and paths below it', () => {
    expect(isInsideFolder('studio/spaces/churn', 'studio/spaces/churn')).toBe(
      true
    );
    expect(isInsideFolder('studio/spaces/churn/a/b.py', space.path)).toBe(true);
    expect(isInsideFolder('/studio/spaces/churn/b.py', `${space.path}/`)).toBe(
      true
    );
    expect(isInsideFolder('./studio/spaces/churn/b.py', space.path)).toBe(true);
  });

  it('rejects siblings with a common prefix and other folders', () => {
    expect(isInsideFolder('studio/spaces/churn2/b.py', space.path)).toBe(false);
    expect(isInsideFolder('b.py', space.path)).toBe(false);
    expect(isInsideFolder('', space.path)).toBe(false);
    expect(isInsideFolder('b.py', '')).toBe(false);
  });
});

describe('spaceForScript', () => {
  it('uses the space only for scripts inside it', () => {
    expect(spaceForScript('studio/spaces/churn/train.py', space)).toBe(
      space.space_id
    );
    expect(spaceForScript('train.py', space)).toBeNull();
    expect(spaceForScript('studio/spaces/churn/train.py', null)).toBeNull();
  });
});

describe('spaceDisplayName', () => {
  it('names known spaces and marks the rest', () => {
    expect(spaceDisplayName(space.space_id, [space])).toBe('Churn');
    expect(spaceDisplayName(null, [space])).toBe('Home');
    expect(spaceDisplayName(undefined, [])).toBe(NO_SPACE);
    expect(spaceDisplayName('0123456789ab', [space])).toBe('01234567…');
  });
});

describe('spaceOptions', () => {
  const mine = {
    ...space,
    space_id: 'mine',
    name: 'Mine',
    kind: 'private' as const
  };

  it('lists no space first, then every space', () => {
    expect(spaceOptions([space, mine], '', { emptyLabel: 'Home' })).toEqual([
      { value: '', label: 'Home' },
      { value: space.space_id, label: 'Churn (shared)' },
      { value: 'mine', label: 'Mine' }
    ]);
    expect(
      spaceOptions([space], '', { emptyLabel: 'All', label: s => s.name })
    ).toEqual([
      { value: '', label: 'All' },
      { value: space.space_id, label: 'Churn' }
    ]);
  });

  it('keeps a value no listed space has only when asked to', () => {
    expect(spaceOptions([space], 'gone', { emptyLabel: 'Home' })).toHaveLength(
      2
    );
    expect(
      spaceOptions([space], 'gone', {
        emptyLabel: 'Home',
        unknownLabel: 'Unknown space'
      }).pop()
    ).toEqual({ value: 'gone', label: 'Unknown space' });
    expect(
      spaceOptions([space], space.space_id, {
        emptyLabel: 'Home',
        unknownLabel: 'Unknown space'
      })
    ).toHaveLength(2);
  });
});
