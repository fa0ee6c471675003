import { ServerConnection } from '@jupyterlab/services';
import { Signal } from '@lumino/signaling';

import * as modelHub from '../../../api/modelhub';
import { StudioAPIError } from '../../../api/request';
import type { IStudioConnection } from '../../../tokens';
import { ModelHubModel } from '../model';

jest.mock('../../../api/modelhub', () => {
  const actual = jest.requireActual('../../../api/modelhub');
  return {
    ...actual,
    listModelHubModels: jest.fn(),
    getModelHubModel: jest.fn()
  };
});

const listModelHubModels = modelHub.listModelHubModels as jest.MockedFunction<
  typeof modelHub.listModelHubModels
>;

function card(
  id: string,
  extra: Partial<modelHub.IModelHubModelCard> = {}
): modelHub.IModelHubModelCard {
  return {
    id,
    name: id,
    task: 'text-generation',
    tasks: ['text-generation'],
    framework: 'transformers',
    source: 'packaged',
    license: 'apache-2.0',
    gated: false,
    accepted: true,
    size_mb: 90,
    parameters: null,
    description: '',
    tags: [],
    ...extra
  };
}

function makeModel(): ModelHubModel {
  const connection = {
    available: true,
    info: null,
    serverSettings: ServerConnection.makeSettings({
      baseUrl: 'http://localhost/'
    }),
    activeSpaceId: null,
    setActiveSpace: () => undefined,
    activeSpaceChanged: new Signal<object, string | null>({})
  } as unknown as IStudioConnection;
  return new ModelHubModel({ connection, contents: {} as any, debounceMs: 10 });
}

describe('ModelHubModel catalogue', () => {
  beforeEach(() => listModelHubModels.mockReset());
  afterEach(() => jest.useRealTimers());

  it('sends the filter as a query after typing stops, and narrows at once', async () => {
    const all = [
      card('smollm2'),
      card('gemma3-270m', { gated: true, accepted: false })
    ];
    listModelHubModels.mockImplementation(async query => ({
      items: query.q ? all.filter(c => c.id.includes(query.q!)) : all,
      total: 2
    }));
    const model = makeModel();
    await model.loadCatalogue();
    expect(model.visibleCards.map(c => c.id)).toEqual([
      'smollm2',
      'gemma3-270m'
    ]);

    // Fake timers: the debounce fires when the test says, however busy the machine.
    jest.useFakeTimers();
    model.setFilter({ q: 'gem' });
    model.setFilter({ q: 'gemma' });
    // Narrowed before the server answers.
    expect(model.visibleCards.map(c => c.id)).toEqual(['gemma3-270m']);
    await jest.advanceTimersByTimeAsync(50);
    expect(listModelHubModels).toHaveBeenLastCalledWith(
      { q: 'gemma' },
      expect.anything()
    );
    expect(listModelHubModels).toHaveBeenCalledTimes(2);
    expect(model.allCards).toHaveLength(2);
    model.dispose();
  });

  it('keeps the last cards under an error', async () => {
    listModelHubModels.mockResolvedValueOnce({ items: [card('a')], total: 1 });
    const model = makeModel();
    await model.loadCatalogue();
    listModelHubModels.mockRejectedValueOnce(new Error('down'));
    await model.loadCatalogue();
    expect(model.cards.status).toBe('error');
    expect(model.visibleCards.map(c => c.id)).toEqual(['a']);
    model.dispose();
  });
});

describe('isLicenseRefusal', () => {
  const response = (status: number) => new Response('', { status });

  it('knows the license gate by its code', () => {
    expect(
      modelHub.isLicenseRefusal(
        new StudioAPIError(
          response(403),
          'Accept the gemma license first',
          'license_not_accepted'
        )
      )
    ).toBe(true);
    expect(
      modelHub.isLicenseRefusal(
        new StudioAPIError(response(403), 'Not your space', 'forbidden')
      )
    ).toBe(false);
    expect(modelHub.isLicenseRefusal(new Error('license'))).toBe(false);
  });
});
