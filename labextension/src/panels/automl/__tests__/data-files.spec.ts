import type { Contents } from '@jupyterlab/services';

import { findTableFiles, isTableFile } from '../data-files';

function dir(
  path: string,
  names: Array<[string, 'file' | 'directory']>
): Partial<Contents.IModel> {
  return {
    path,
    type: 'directory',
    content: names.map(([name, type]) => ({
      name,
      type,
      path: path ? `${path}/${name}` : name
    }))
  };
}

describe('the wizard file picker', () => {
  it('finds CSV and Parquet files in the folders given', async () => {
    const tree: Record<string, Partial<Contents.IModel>> = {
      '': dir('', [
        ['a.csv', 'file'],
        ['b.txt', 'file'],
        ['data', 'directory'],
        ['jobs', 'directory']
      ]),
      data: dir('data', [
        ['c.parquet', 'file'],
        ['.hidden.csv', 'file']
      ]),
      space: dir('space', [['d.CSV', 'file']])
    };
    const contents = {
      get: async (path: string) => {
        if (!(path in tree)) {
          throw new Error('missing');
        }
        return tree[path] as Contents.IModel;
      }
    };
    expect(await findTableFiles(contents, ['', 'space', 'nope'])).toEqual([
      'a.csv',
      'data/c.parquet',
      'space/d.CSV'
    ]);
    expect(isTableFile('x.tsv')).toBe(true);
  });
});
