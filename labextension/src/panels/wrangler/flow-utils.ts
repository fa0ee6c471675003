/*
 * Pure helpers of the Data Wrangler editor (tested with jest).
 */
import type {
  IColumnProfile,
  IFlowNode,
  IListOperators,
  IListTransforms
} from '../../api/wrangler';

/** The operator catalogue (see `model.ts` `ICatalogue`). */
interface ICatalogueLike {
  transforms: IListTransforms;
  analyses: IListOperators;
}

/**
 * A node's display name: its title, else for a source the last part of its
 * path (or URL, table, query), else its operator's title, else the operator.
 */
export function nodeLabel(
  catalogue: ICatalogueLike | null,
  node: IFlowNode
): string {
  if (node.title) {
    return node.title;
  }
  if (node.kind === 'source') {
    const p = node.parameters ?? {};
    const where = p.path ?? p.url ?? p.table ?? p.query ?? node.operator;
    return String(where).split('/').pop() || node.operator;
  }
  const known =
    catalogue?.transforms.items.find(t => t.name === node.operator) ??
    catalogue?.analyses.items.find(a => a.name === node.operator);
  return known?.title ?? node.operator;
}

/** Whether a node is a transform that takes two inputs (join, concatenate). */
export function hasTwoInputs(
  catalogue: ICatalogueLike | null,
  node: IFlowNode
): boolean {
  return (
    node.kind === 'transform' &&
    catalogue?.transforms.items.find(t => t.name === node.operator)?.inputs ===
      2
  );
}

/** One operator the picker offers. */
export interface IPickerItem {
  name: string;
  title: string;
  group: string;
  description: string;
  keywords: string[];
  kind: 'transform' | 'analysis';
  inputs: number;
}

/** Every transform and analysis as picker items. */
export function pickerItems(catalogue: ICatalogueLike): IPickerItem[] {
  return [
    ...catalogue.transforms.items.map(t => ({
      name: t.name,
      title: t.title,
      group: t.family,
      description: t.description,
      keywords: t.keywords,
      kind: 'transform' as const,
      inputs: t.inputs
    })),
    ...catalogue.analyses.items.map(a => ({
      name: a.name,
      title: a.title,
      group: 'Analyses',
      description: '',
      keywords: a.keywords,
      kind: 'analysis' as const,
      inputs: 1
    }))
  ];
}

/** Items matching every word of `query` (title, name, group or keyword). */
export function filterItems(
  items: IPickerItem[],
  query: string
): IPickerItem[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) {
    return items;
  }
  return items.filter(item => {
    const text = [item.title, item.name, item.group, ...item.keywords]
      .join(' ')
      .toLowerCase();
    return words.every(word => text.includes(word));
  });
}

/**
 * The likely right input of a join or concatenation added after `after`: the
 * last node with no children that is neither `after` nor one of its ancestors.
 */
export function secondInput(nodes: IFlowNode[], after: string): string | null {
  const byId = new Map(nodes.map(n => [n.id, n]));
  const ancestors = new Set<string>();
  const stack = [after];
  while (stack.length) {
    const id = stack.pop() as string;
    if (ancestors.has(id)) {
      continue;
    }
    ancestors.add(id);
    stack.push(...(byId.get(id)?.inputs ?? []));
  }
  const consumed = new Set(nodes.flatMap(n => n.inputs ?? []));
  const candidates = nodes.filter(
    n => n.kind !== 'analysis' && !ancestors.has(n.id)
  );
  const leaves = candidates.filter(n => !consumed.has(n.id));
  const pick = leaves[leaves.length - 1] ?? candidates[candidates.length - 1];
  return pick?.id ?? null;
}

/** Bar heights (0..1) of a column's mini histogram. */
export function histogramBars(column: IColumnProfile): number[] {
  const counts = column.histogram.length
    ? column.histogram.map(b => b.count)
    : column.top_values.map(v => v.count);
  const top = Math.max(1, ...counts);
  return counts.map(c => c / top);
}
