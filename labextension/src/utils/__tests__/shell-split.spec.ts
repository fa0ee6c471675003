import { shellJoin, shellSplit, ShellSplitError } from '../shell-split';

describe('shellSplit', () => {
  it.each<[string, string[]]>([
    ['', []],
    ['   ', []],
    ['--n 3', ['--n', '3']],
    ['  --n   3  ', ['--n', '3']],
    ['--name "my run" --lr 0.1', ['--name', 'my run', '--lr', '0.1']],
    ["'a b' c", ['a b', 'c']],
    ['--msg="hello world"', ['--msg=hello world']],
    ['a\\ b', ['a b']],
    ['"say \\"hi\\""', ['say "hi"']],
    ["'it''s'", ['its']],
    ['"it\'s"', ["it's"]],
    ['""', ['']],
    ["''", ['']],
    ['a "" b', ['a', '', 'b']],
    ['"C:\\path"', ['C:\\path']],
    ['one\ttwo\nthree', ['one', 'two', 'three']]
  ])('splits %p', (input, expected) => {
    expect(shellSplit(input)).toEqual(expected);
  });

  it('rejects an unterminated quote', () => {
    expect(() => shellSplit('--name "oops')).toThrow(ShellSplitError);
    expect(() => shellSplit("'oops")).toThrow(/single quote/);
  });
});

describe('shellJoin', () => {
  it('round-trips through shellSplit', () => {
    const args = ['--name', 'my run', "it's", '', 'a"b', '--lr=0.1'];
    expect(shellSplit(shellJoin(args))).toEqual(args);
  });

  it('leaves simple words alone', () => {
    expect(shellJoin(['--n', '3', 'data/a.csv'])).toBe('--n 3 data/a.csv');
  });
});
