/*
 * The space select of forms and filters: no space (the home) first, then
 * each space the user can see ("name (shared)").
 */
import React from 'react';

import type { ISpace } from '../api/spaces';
import { spaceOptions } from '../utils/spaces';

export function SpaceSelect(
  props: {
    spaces: ReadonlyArray<ISpace>;
    /** The selected space id; `''` for none. */
    value: string;
    onChange: (spaceId: string) => void;
    /** The label of `''`: "Home" unless given ("All" in a filter). */
    emptyLabel?: string;
    /**
     * When `value` is no listed space (not loaded yet, or gone), an option
     * for it with this label; without it there is none.
     */
    unknownLabel?: string;
    /** A space's label; "name (shared)" or "name" unless given. */
    optionLabel?: (space: ISpace) => string;
  } & Omit<React.SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange'>
): JSX.Element {
  const {
    spaces,
    value,
    onChange,
    emptyLabel,
    unknownLabel,
    optionLabel,
    className,
    ...rest
  } = props;
  const options = spaceOptions(spaces, value, {
    emptyLabel: emptyLabel ?? 'Home',
    unknownLabel,
    label: optionLabel
  });
  return (
    <select
      {...rest}
      className={className ?? 'jp-mod-styled jp-studio-select'}
      value={value}
      onChange={e => onChange(e.target.value)}
    >
      {options.map(o => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}
