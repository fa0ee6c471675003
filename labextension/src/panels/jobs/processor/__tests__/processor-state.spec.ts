import {
  defaultInputDestination,
  defaultOutputSource,
  initialState,
  splitListError,
  toParameters
} from '../processor-state';

describe('initialState', () => {
  it('starts a script processor with nothing filled in', () => {
    const state = initialState({});
    expect(state.processor).toBe('script');
    expect(state.code).toBe('');
    expect(state.inputs).toEqual([]);
    expect(state.framework).toBe('');
  });

  it('reads parameters back (e.g. from a menu entry or a retry)', () => {
    const state = initialState({
      processor: 'framework',
      code: 'a.py',
      arguments: ['--n', 3],
      inputs: [{ source: 'x.csv', input_name: 'data' }],
      outputs: [{ output_name: 'out', destination: 'res' }],
      env: { A: '1' },
      store: { endpoint_url: 'http://minio', anonymous: true, bogus: 1 }
    });
    expect(state.processor).toBe('framework');
    expect(state.framework).toBe('sklearn');
    expect(state.arguments).toEqual(['--n', '3']);
    expect(state.inputs).toEqual([
      { name: 'data', source: 'x.csv', destination: '' }
    ]);
    expect(state.outputs).toEqual([
      { name: 'out', source: '', destination: 'res' }
    ]);
    expect(state.env).toEqual([{ name: 'A', value: '1' }]);
    expect(state.store.endpoint_url).toBe('http://minio');
    expect(state.store.anonymous).toBe(true);
    expect('bogus' in state.store).toBe(false);
  });

  it('refuses an unknown processor', () => {
    expect(initialState({ processor: 'spark' }).processor).toBe('script');
  });
});

describe('default container paths', () => {
  it('follow the name, or the position', () => {
    expect(defaultInputDestination('data', 0)).toBe(
      '/opt/ml/processing/input/data'
    );
    expect(defaultInputDestination(' ', 1)).toBe(
      '/opt/ml/processing/input/input-2'
    );
    expect(defaultOutputSource('', 0)).toBe(
      '/opt/ml/processing/output/output-1'
    );
  });
});

describe('toParameters', () => {
  it('needs the code', () => {
    const { problems } = toParameters(initialState({}));
    expect(problems.code).toMatch(/Python script/);
  });

  it('sends filled rows only, paths without a leading slash', () => {
    const state = initialState({ processor: 'sklearn' });
    state.code = '/work/prep.py';
    state.arguments = ['--k', '', '2'];
    state.inputs = [
      { name: 'data', source: '/x.csv', destination: '' },
      { name: '', source: '', destination: '' }
    ];
    state.outputs = [
      { name: 'result', source: '', destination: 'out/' },
      { name: '', source: '/opt/ml/processing/output/b', destination: '' }
    ];
    state.env = [
      { name: 'MODE', value: 'fast' },
      { name: '', value: '' }
    ];
    state.frameworkVersion = ' 1.5 ';
    const { parameters, problems } = toParameters(state);
    expect(problems).toEqual({});
    expect(parameters).toEqual({
      processor: 'sklearn',
      code: 'work/prep.py',
      arguments: ['--k', '2'],
      inputs: [{ source: 'x.csv', input_name: 'data' }],
      outputs: [
        { output_name: 'result', destination: 'out/' },
        { source: '/opt/ml/processing/output/b' }
      ],
      env: { MODE: 'fast' },
      framework_version: '1.5'
    });
  });

  it('names what is missing in a row', () => {
    const state = initialState({ code: 'a.py' });
    state.inputs = [{ name: 'data', source: '', destination: '' }];
    state.env = [
      { name: '', value: 'x' },
      { name: 'A', value: '1' },
      { name: 'A', value: '2' }
    ];
    const { problems } = toParameters(state);
    expect(problems.inputs).toBe(
      'Input 1: enter a path in your files or an s3:// URL.'
    );
    expect(problems.env).toBe('Variable 1: enter its name.');
  });

  it('sends the framework of a framework processor, and no version of a script', () => {
    const framework = initialState({ processor: 'framework', code: 'a.py' });
    framework.framework = 'xgboost';
    expect(toParameters(framework).parameters.framework).toBe('xgboost');
    framework.framework = 'spark';
    expect(toParameters(framework).problems.framework).toMatch(/Choose/);
    const script = initialState({ code: 'a.py', framework_version: '1.5' });
    expect(toParameters(script).parameters.framework_version).toBeUndefined();
  });

  it('sends store settings only with an s3:// path', () => {
    const state = initialState({ code: 'a.py' });
    state.store.endpoint_url = 'http://127.0.0.1:9000';
    state.inputs = [{ name: '', source: 'data.csv', destination: '' }];
    expect(toParameters(state).parameters.store).toBeUndefined();
    state.inputs = [{ name: '', source: 's3://bucket/x', destination: '' }];
    expect(toParameters(state).parameters.store).toEqual({
      endpoint_url: 'http://127.0.0.1:9000'
    });
  });
});

describe('splitListError', () => {
  it("puts the server's row errors on their row and field", () => {
    expect(splitListError("0.source: The input 'x' does not exist.")).toEqual({
      rows: { 0: { source: "The input 'x' does not exist." } },
      list: null
    });
    expect(splitListError('2: bad row')).toEqual({
      rows: { 2: { '': 'bad row' } },
      list: null
    });
  });

  it('keeps other errors for the list', () => {
    expect(splitListError('Input 1: enter a path.')).toEqual({
      rows: {},
      list: 'Input 1: enter a path.'
    });
    expect(splitListError(undefined)).toEqual({ rows: {}, list: null });
  });
});
