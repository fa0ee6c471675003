/*
 * The searchable step picker that `+` on a node opens: transforms by family,
 * then analyses; the query is highlighted in each match.
 */
import React, { useEffect, useMemo, useRef, useState } from 'react';

import { IPickerItem, filterItems, pickerItems } from './flow-utils';
import type { ICatalogue } from './model';

export type { IPickerItem } from './flow-utils';

/** `text` with each occurrence of the query's words wrapped in `<mark>`. */
export function Highlight(props: { text: string; query: string }): JSX.Element {
  const words = props.query
    .split(/\s+/)
    .filter(Boolean)
    .map(w => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  if (!words.length) {
    return <>{props.text}</>;
  }
  const parts = props.text.split(new RegExp(`(${words.join('|')})`, 'gi'));
  return (
    <>
      {parts.map((part, i) =>
        i % 2 === 1 ? <mark key={i}>{part}</mark> : <span key={i}>{part}</span>
      )}
    </>
  );
}

export function StepPicker(props: {
  catalogue: ICatalogue;
  after: string;
  onPick: (item: IPickerItem) => void;
  onClose: () => void;
}): JSX.Element {
  const [query, setQuery] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const items = useMemo(() => pickerItems(props.catalogue), [props.catalogue]);
  const shown = filterItems(items, query);
  const groups: Array<[string, IPickerItem[]]> = [];
  for (const item of shown) {
    const last = groups[groups.length - 1];
    if (last && last[0] === item.group) {
      last[1].push(item);
    } else {
      groups.push([item.group, [item]]);
    }
  }
  return (
    <div
      className="jp-studio-StepPicker"
      role="dialog"
      aria-label="Add a step"
      data-testid="studio-step-picker"
      onKeyDown={event => {
        if (event.key === 'Escape') {
          props.onClose();
        }
        if (event.key === 'Enter' && shown.length) {
          props.onPick(shown[0]);
        }
      }}
    >
      <div className="jp-studio-StepPicker-head">
        <input
          ref={input}
          className="jp-mod-styled jp-studio-input"
          placeholder="Search transforms and analyses"
          aria-label="Search transforms and analyses"
          value={query}
          onChange={e => setQuery(e.target.value)}
        />
        <button
          className="jp-mod-styled jp-studio-button"
          onClick={props.onClose}
        >
          Cancel
        </button>
      </div>
      <div className="jp-studio-StepPicker-list">
        {groups.length === 0 ? (
          <div className="jp-studio-muted">Nothing matches “{query}”.</div>
        ) : null}
        {groups.map(([group, members]) => (
          <div key={group} className="jp-studio-StepPicker-group">
            <div className="jp-studio-StepPicker-family">{group}</div>
            {members.map(item => (
              <button
                key={item.name}
                className="jp-studio-StepPicker-item"
                data-operator={item.name}
                title={item.description || item.name}
                onClick={() => props.onPick(item)}
              >
                <Highlight text={item.title} query={query} />
                {item.inputs === 2 ? (
                  <span className="jp-studio-muted"> (two inputs)</span>
                ) : null}
              </button>
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}
