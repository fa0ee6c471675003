import type { IArtifact } from '../../api/jobs';
import { modelFolders, suggestModelName } from '../model-folders';

const out = 'studio/users/alice/jobs/train-1/output';
const artifact = (
  name: string,
  path: string | null = `${out}/${name}`
): IArtifact => ({
  name,
  size: 10,
  path
});

describe('modelFolders', () => {
  it('finds each folder with an MLmodel file, shallowest first', () => {
    expect(
      modelFolders([
        artifact('summary.json'),
        artifact('runs/best/model/MLmodel'),
        artifact('model/MLmodel'),
        artifact('model/model.pkl'),
        artifact('notMLmodel')
      ])
    ).toEqual([
      { name: 'model', path: `${out}/model` },
      { name: 'runs/best/model', path: `${out}/runs/best/model` }
    ]);
  });

  it('finds the output folder itself', () => {
    expect(modelFolders([artifact('MLmodel')])).toEqual([
      { name: '', path: out }
    ]);
  });

  it('keeps folders outside the file browser without a path', () => {
    expect(modelFolders([artifact('model/MLmodel', null)])).toEqual([
      { name: 'model', path: null }
    ]);
  });

  it('finds nothing without MLmodel', () => {
    expect(modelFolders([artifact('model.pkl')])).toEqual([]);
  });
});

describe('suggestModelName', () => {
  it('uses the folder name unless it is generic', () => {
    expect(suggestModelName('churn_classifier', 'train.py')).toBe(
      'churn-classifier'
    );
    expect(suggestModelName('model', 'train_model.py')).toBe('train-model');
    expect(suggestModelName('', 'my job')).toBe('my-job');
    expect(suggestModelName('model', '***')).toBe('model');
  });
});
