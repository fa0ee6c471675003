import { ServerConnection } from '@jupyterlab/services';
import { Signal } from '@lumino/signaling';

import * as hub from '../../../api/modelhub';
import { StudioAPIError } from '../../../api/request';
import type { IStudioConnection } from '../../../tokens';
import { ModelHubModel } from '../model';

jest.mock('../../../api/modelhub', () => {
  const actual = jest.requireActual('../../../api/modelhub');
  return { ...actual, listHubModels: jest.fn(), getHubModel: jest.fn() };
});

const listHubModels = hub.listHubModels as jest.MockedFunction<
  typeof hub.listHubModels
>;

function card(
  id: string,
  extra: Partial<hub.IHubModelCard> = {}
): hub.IHubModelCard {
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
  beforeEach(() => listHubModels.mockReset());
  afterEach(() => jest.useRealTimers());

  it('sends the filter as a query after typing stops, and narrows at once', async () => {
    const all = [
      card('smollm2'),
      card('gemma3-270m', { gated: true, accepted: false })
    ];
    listHubModels.mockImplementation(async query => ({
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
    expect(listHubModels).toHaveBeenLastCalledWith(
      { q: 'gemma' },
      expect.anything()
    );
    expect(listHubModels).toHaveBeenCalledTimes(2);
    expect(model.allCards).toHaveLength(2);
    model.dispose();
  });

  it('keeps the last cards under an error', async () => {
    listHubModels.mockResolvedValueOnce({ items: [card('a')], total: 1 });
    const model = makeModel();
    await model.loadCatalogue();
    listHubModels.mockRejectedValueOnce(new Error('down'));
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
      hub.isLicenseRefusal(
        new StudioAPIError(
          response(403),
          'Accept the gemma license first',
          'license_not_accepted'
        )
      )
    ).toBe(true);
    expect(
      hub.isLicenseRefusal(
        new StudioAPIError(response(403), 'Not your space', 'forbidden')
      )
    ).toBe(false);
    expect(hub.isLicenseRefusal(new Error('license'))).toBe(false);
  });
});
