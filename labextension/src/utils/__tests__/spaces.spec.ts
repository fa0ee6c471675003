import {
  isInsideFolder,
  NO_SPACE,
  spaceDisplayName,
  spaceForScript,
  spaceOptionLabel
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
