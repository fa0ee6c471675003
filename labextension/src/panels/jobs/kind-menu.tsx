import { addIcon, Button, caretDownIcon } from '@jupyterlab/ui-components';
import React, { useEffect, useRef, useState } from 'react';

import type { IJobKind } from '../../api/jobs';
import type { IJobFormVariant } from '../../tokens';

/** One entry of the menu: a kind, or one variant of it. */
interface IMenuEntry {
  kind: IJobKind;
  variant: IJobFormVariant | null;
}

/**
 * The "New job" button: it opens a menu of the job kinds, each with its
 * description; choosing one opens that kind's form.
 */
export function KindMenu(props: {
  kinds: IJobKind[];
  /** Shown instead of the kinds while they load or when they failed. */
  status?: string | null;
  /** The entries of a kind that has several (its registered variants). */
  variantsOf?: (kind: IJobKind) => IJobFormVariant[] | undefined;
  onChoose: (kind: IJobKind, variant: IJobFormVariant | null) => void;
}): JSX.Element {
  const [open, setOpen] = useState(false);
  const entries = props.kinds.flatMap<IMenuEntry>(kind => {
    const variants = props.variantsOf?.(kind);
    return variants?.length
      ? variants.map(variant => ({ kind, variant }))
      : [{ kind, variant: null }];
  });
  const root = useRef<HTMLDivElement>(null);
  const menu = useRef<HTMLUListElement>(null);

  useEffect(() => {
    if (!open) {
      return;
    }
    menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onDown = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) {
        setOpen(false);
      }
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const onKeyDown = (event: React.KeyboardEvent) => {
    if (event.key === 'Escape') {
      setOpen(false);
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') {
      return;
    }
    event.preventDefault();
    const items = [
      ...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ??
        [])
    ];
    const index = items.indexOf(document.activeElement as HTMLElement);
    const step = event.key === 'ArrowDown' ? 1 : -1;
    items[(index + step + items.length) % items.length]?.focus();
  };

  return (
    <div className="jp-studio-KindMenu" ref={root} onKeyDown={onKeyDown}>
      <Button
        small
        className="jp-studio-primary"
        aria-haspopup="menu"
        aria-expanded={open}
        title="Start a job: choose its kind"
        onClick={() => setOpen(!open)}
      >
        <addIcon.react tag="span" className="jp-studio-ButtonIcon" />
        New job
        <caretDownIcon.react tag="span" className="jp-studio-ButtonIcon" />
      </Button>
      {open ? (
        <ul
          className="jp-studio-KindMenu-list"
          role="menu"
          aria-label="Job kinds"
          ref={menu}
        >
          {entries.map(({ kind, variant }) => {
            const description = variant
              ? variant.description
              : kind.description;
            return (
              <li
                key={variant ? `${kind.name}:${variant.id}` : kind.name}
                role="none"
              >
                <button
                  type="button"
                  role="menuitem"
                  className="jp-studio-KindMenu-item"
                  data-kind={kind.name}
                  data-variant={variant?.id}
                  onClick={() => {
                    setOpen(false);
                    props.onChoose(kind, variant);
                  }}
                >
                  <span className="jp-studio-KindMenu-title">
                    {variant?.title ?? (kind.title || kind.name)}
                  </span>
                  {description ? (
                    <span className="jp-studio-KindMenu-description">
                      {description}
                    </span>
                  ) : null}
                </button>
              </li>
            );
          })}
          {props.status || !props.kinds.length ? (
            <li role="none" className="jp-studio-KindMenu-status">
              {props.status ?? 'No job kinds are registered on this server.'}
            </li>
          ) : null}
        </ul>
      ) : null}
    </div>
  );
}
