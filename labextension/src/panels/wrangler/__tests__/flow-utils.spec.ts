import type { IColumnProfile, IFlowNode } from '../../../api/wrangler';
import {
  IPickerItem,
  filterItems,
  hasTwoInputs,
  histogramBars,
  nodeLabel,
  secondInput
} from '../flow-utils';

function node(
  id: string,
  inputs: string[] = [],
  kind = 'transform'
): IFlowNode {
  return { id, kind: kind as IFlowNode['kind'], operator: 'x', inputs };
}

describe('secondInput', () => {
  it('picks the last leaf that is not upstream of the node', () => {
    const nodes = [
      node('sales', [], 'source'),
      node('fill', ['sales']),
      node('cities', [], 'source'),
      node('hist', ['fill'], 'analysis')
    ];
    expect(secondInput(nodes, 'fill')).toBe('cities');
  });

  it('never offers the node or its ancestors', () => {
    const nodes = [node('a', [], 'source'), node('b', ['a'])];
    expect(secondInput(nodes, 'b')).toBeNull();
  });
});

describe('filterItems', () => {
  const item = (name: string, title: string, keywords: string[] = []) =>
    ({
      name,
      title,
      group: 'Handle missing',
      description: '',
      keywords,
      kind: 'transform',
      inputs: 1
    }) as IPickerItem;
  const items = [
    item('fill_missing', 'Fill missing values', ['impute']),
    item('drop_duplicates', 'Drop duplicate rows'),
    item('join', 'Join')
  ];

  it('matches every word in title, name, family or keywords', () => {
    expect(filterItems(items, 'fill miss').map(i => i.name)).toEqual([
      'fill_missing'
    ]);
    expect(filterItems(items, 'IMPUTE').map(i => i.name)).toEqual([
      'fill_missing'
    ]);
    expect(filterItems(items, '').length).toBe(3);
    expect(filterItems(items, 'nothing')).toEqual([]);
  });
});

describe('histogramBars', () => {
  it('scales bins, or top values, to the largest', () => {
    const column = {
      histogram: [
        { start: 0, end: 1, count: 2 },
        { start: 1, end: 2, count: 4 }
      ],
      top_values: []
    } as unknown as IColumnProfile;
    expect(histogramBars(column)).toEqual([0.5, 1]);
    const text = {
      histogram: [],
      top_values: [
        { value: 'a', count: 3 },
        { value: 'b', count: 1 }
      ]
    } as unknown as IColumnProfile;
    expect(histogramBars(text)).toEqual([1, 1 / 3]);
  });
});

describe('nodeLabel and hasTwoInputs', () => {
  const transform = (name: string, title: string, inputs: number) => ({
    name,
    title,
    family: 'Combine',
    keywords: [],
    description: '',
    inputs,
    version: 1,
    streaming: true,
    parameters_schema: {}
  });
  const catalogue = {
    transforms: {
      items: [transform('join', 'Join', 2), transform('fill', 'Fill', 1)],
      families: ['Combine']
    },
    analyses: {
      items: [
        {
          name: 'hist',
          title: 'Histogram',
          keywords: [],
          parameters_schema: {}
        }
      ]
    }
  };

  it('prefers the title, then a source file name, then the operator title', () => {
    expect(nodeLabel(catalogue, { ...node('a'), title: 'Mine' })).toBe('Mine');
    const source = {
      ...node('s', [], 'source'),
      operator: 'file',
      parameters: { path: 'data/sales.csv' }
    };
    expect(nodeLabel(catalogue, source)).toBe('sales.csv');
    expect(nodeLabel(null, { ...node('j'), operator: 'join' })).toBe('join');
    expect(nodeLabel(catalogue, { ...node('j'), operator: 'join' })).toBe(
      'Join'
    );
    expect(
      nodeLabel(catalogue, {
        ...node('h', ['a'], 'analysis'),
        operator: 'hist'
      })
    ).toBe('Histogram');
  });

  it('knows the two-input transforms', () => {
    expect(hasTwoInputs(catalogue, { ...node('j'), operator: 'join' })).toBe(
      true
    );
    expect(hasTwoInputs(catalogue, { ...node('f'), operator: 'fill' })).toBe(
      false
    );
    expect(hasTwoInputs(null, { ...node('j'), operator: 'join' })).toBe(false);
  });
});
