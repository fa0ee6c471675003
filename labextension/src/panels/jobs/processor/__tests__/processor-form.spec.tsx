import React, { act } from 'react';

import type { IJobKind } from '../../../../api/jobs';
import type { IJobParameters } from '../../../../tokens';
import { KindMenu } from '../../kind-menu';
import { PROCESSOR_VARIANTS } from '../variants';
import { ProcessorForm } from '../processor-form';

const KIND: IJobKind = {
  name: 'processor',
  title: 'Processor (SageMaker style)',
  description: 'Runs a processor.',
  parameters_schema: {}
};

/** The part of `react-dom/client` the tests use (its types are not installed). */
interface IRoot {
  render(node: React.ReactNode): void;
  unmount(): void;
}
declare const require: (id: string) => unknown;
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { createRoot } = require('react-dom/client') as {
  createRoot(container: Element): IRoot;
};

// The real components are ES modules jest does not transform here.
jest.mock('@jupyterlab/ui-components', () => {
  const react = require('react') as typeof React;
  const icon = { react: () => null };
  return {
    Button: ({
      small,
      minimal,
      ...rest
    }: React.ButtonHTMLAttributes<HTMLButtonElement> & {
      small?: boolean;
      minimal?: boolean;
    }) => react.createElement('button', rest),
    addIcon: icon,
    caretDownIcon: icon,
    closeIcon: icon
  };
});

(
  globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }
).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLDivElement;
let root: IRoot;

beforeEach(() => {
  container = document.createElement('div');
  document.body.appendChild(container);
  root = createRoot(container);
});

afterEach(() => {
  act(() => root.unmount());
  container.remove();
});

/** Type into a React-controlled input. */
function type(input: HTMLInputElement, value: string): void {
  const setter = Object.getOwnPropertyDescriptor(
    HTMLInputElement.prototype,
    'value'
  )!.set!;
  act(() => {
    setter.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

function byLabel(label: string): HTMLInputElement {
  const found = container.querySelector<HTMLInputElement>(
    `[aria-label="${label}"]`
  );
  if (!found) {
    throw new Error(`no field labelled ${label}`);
  }
  return found;
}

function button(text: string): HTMLButtonElement {
  const found = [...container.querySelectorAll('button')].find(
    b => b.textContent?.trim() === text
  );
  if (!found) {
    throw new Error(`no button ${text}`);
  }
  return found;
}

async function renderForm(
  initial: Record<string, unknown>,
  errors: Record<string, string> = {}
): Promise<IJobParameters[]> {
  const changes: IJobParameters[] = [];
  act(() =>
    root.render(
      <ProcessorForm
        kind={KIND}
        initial={initial}
        errors={errors}
        onChange={value => changes.push(value)}
        idPrefix="t"
        listCodeFiles={async () => ['prep.py', 'lib/util.py']}
      />
    )
  );
  await act(async () => undefined); // the code files load
  return changes;
}

describe('ProcessorForm', () => {
  it('builds the parameters from the rows', async () => {
    const changes = await renderForm({ processor: 'script' });
    expect(container.querySelectorAll('#t-code-files option')).toHaveLength(2);
    type(container.querySelector<HTMLInputElement>('#t-code')!, 'prep.py');
    act(() => button('Add input').click());
    const destination = byLabel('Input 1 destination');
    expect(destination.placeholder).toBe('/opt/ml/processing/input/input-1');
    type(byLabel('Input 1 name'), 'data');
    expect(byLabel('Input 1 destination').placeholder).toBe(
      '/opt/ml/processing/input/data'
    );
    type(byLabel('Input 1 source'), 'x.csv');
    act(() => button('Add output').click());
    expect(byLabel('Output 1 source').placeholder).toBe(
      '/opt/ml/processing/output/output-1'
    );
    type(byLabel('Output 1 destination'), 'prepared');
    act(() => button('Add argument').click());
    type(byLabel('Argument 1'), '--rows');
    act(() => button('Add variable').click());
    type(byLabel('Variable 1 name'), 'MODE');
    type(byLabel('Variable 1 value'), 'fast');
    expect(changes[changes.length - 1]).toEqual({
      parameters: {
        processor: 'script',
        code: 'prep.py',
        arguments: ['--rows'],
        inputs: [{ source: 'x.csv', input_name: 'data' }],
        outputs: [{ destination: 'prepared' }],
        env: { MODE: 'fast' }
      },
      problems: {}
    });
    // no framework version for a script processor
    expect(container.querySelector('#t-framework-version')).toBeNull();
  });

  it("shows the server's error next to the input it names", async () => {
    await renderForm(
      { processor: 'script', code: 'a.py', inputs: [{ source: 'nope.csv' }] },
      { inputs: "0.source: The input 'nope.csv' does not exist." }
    );
    const cell = byLabel('Input 1 source').parentElement!;
    expect(cell.textContent).toContain("The input 'nope.csv' does not exist.");
    expect(byLabel('Input 1 source').getAttribute('aria-invalid')).toBe('true');
  });

  it('asks the sklearn processor for a version, the framework one for a framework too', async () => {
    await renderForm({ processor: 'sklearn' }, { framework: 'not installed' });
    const version = container.querySelector<HTMLInputElement>(
      '#t-framework-version'
    )!;
    expect(version.placeholder).toBe('installed version');
    expect(container.textContent).toContain('Only the version installed');
    expect(container.textContent).toContain('not installed');
    expect(container.querySelector('#t-framework')).toBeNull();
    act(() => root.unmount());
    root = createRoot(container);
    await renderForm({ processor: 'framework' });
    const framework =
      container.querySelector<HTMLSelectElement>('#t-framework')!;
    expect(framework.value).toBe('sklearn');
  });
});

describe('KindMenu', () => {
  it('lists a kind once per variant', () => {
    const chosen: Array<string | null> = [];
    act(() =>
      root.render(
        <KindMenu
          kinds={[
            KIND,
            { ...KIND, name: 'processing', title: 'Processing script' }
          ]}
          variantsOf={kind =>
            kind.name === 'processor' ? PROCESSOR_VARIANTS : undefined
          }
          onChoose={(kind, variant) =>
            chosen.push(variant ? `${kind.name}:${variant.id}` : kind.name)
          }
        />
      )
    );
    act(() => button('New job').click());
    const items = [...container.querySelectorAll('[role="menuitem"]')];
    expect(
      items.map(i => i.querySelector('.jp-studio-KindMenu-title')?.textContent)
    ).toEqual([
      'Script processor',
      'scikit-learn processor',
      'Framework processor',
      'Processing script'
    ]);
    act(() => (items[1] as HTMLButtonElement).click());
    act(() => button('New job').click());
    act(() =>
      (
        container.querySelectorAll('[role="menuitem"]')[3] as HTMLElement
      ).click()
    );
    expect(chosen).toEqual(['processor:sklearn', 'processing']);
  });
});
