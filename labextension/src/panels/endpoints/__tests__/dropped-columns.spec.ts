import { droppedColumns } from '../../../api/endpoints';

describe('droppedColumns', () => {
  it('reads the X-Dropped-Columns header the model server sends', () => {
    expect(droppedColumns('["id", "churned"]')).toEqual(['id', 'churned']);
    expect(droppedColumns('["\\u00e9t\\u00e9"]')).toEqual(['été']);
  });

  it('is empty without the header or with a header it cannot read', () => {
    expect(droppedColumns(null)).toEqual([]);
    expect(droppedColumns('id, churned')).toEqual([]);
    expect(droppedColumns('{"id": 1}')).toEqual([]);
  });
});
