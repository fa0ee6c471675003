import {
  algorithmsFor,
  buildRequest,
  emptyForm,
  featureSummary,
  firstStepWithProblem,
  parseTags,
  problemsByField,
  requiredProblems
} from '../wizard-state';

describe('the AutoML wizard form', () => {
  it('pre-selects algorithms per mode', () => {
    expect(algorithmsFor('ensembling')).toContain('knn');
    expect(algorithmsFor('hpo')).not.toContain('knn');
  });

  it('builds the request body from the fields', () => {
    const form = {
      ...emptyForm(),
      name: 'churn-1',
      data: 'data/churn.csv',
      target: 'y',
      weight: 'w',
      split: 'ratio' as const,
      ratioPercent: '25',
      included: { b: false },
      featureTypes: { a: 'text' as const, b: 'numerical' as const },
      maxRuntimeMinutes: '0.5',
      tags: 'team=growth\nstage = dev',
      autoDeploy: true,
      endpointName: 'churn'
    };
    const { body, problems } = buildRequest(form, ['a', 'b', 'w', 'y']);
    expect(problems).toEqual([]);
    expect(body.features).toEqual(['a']);
    expect(body.feature_types).toEqual({ a: 'text' });
    expect(body.validation_ratio).toBe(0.25);
    expect(body.max_runtime).toBe(30);
    expect(body.tags).toEqual({ team: 'growth', stage: 'dev' });
    expect(body.endpoint_name).toBe('churn');
    const all = buildRequest({ ...form, included: {} }, ['a', 'b', 'w', 'y']);
    expect(all.body.features).toBeNull();
  });

  it('finds problems before the server and maps them to steps', () => {
    const { problems } = buildRequest(
      {
        ...emptyForm(),
        maxRuntimeMinutes: 'x',
        tags: 'oops',
        split: 'ratio',
        ratioPercent: '120'
      },
      []
    );
    const byField = problemsByField(problems);
    expect(Object.keys(byField).sort()).toEqual([
      'max_runtime',
      'tags',
      'validation_ratio'
    ]);
    expect(firstStepWithProblem(byField)).toBe('data');
    expect(parseTags('a=b').problem).toBeNull();
    expect(
      problemsByField([
        { loc: ['features', 'empty'], msg: 'every value is missing' }
      ])
    ).toEqual({ 'features.empty': 'every value is missing' });
  });

  it('names the empty fields Create needs', () => {
    expect(Object.keys(requiredProblems(emptyForm())).sort()).toEqual([
      'data',
      'experiment_name',
      'target'
    ]);
    const filled = { ...emptyForm(), name: 'a', data: 'd.csv', target: 'y' };
    expect(requiredProblems(filled)).toEqual({});
    expect(
      firstStepWithProblem(requiredProblems({ ...filled, target: '' }))
    ).toBe('target');
  });

  it('lists the excluded columns for the review step', () => {
    const form = {
      ...emptyForm(),
      target: 'y',
      weight: 'w',
      included: { id: false, note: false, a: true },
      featureTypes: { a: 'text' as const, id: 'numerical' as const }
    };
    const summary = featureSummary(form, ['id', 'a', 'b', 'note', 'w', 'y']);
    expect(summary.used).toEqual(['a', 'b']);
    expect(summary.excluded).toEqual(['id', 'note']);
    expect(summary.typed).toEqual([['a', 'text']]);
  });
});
