/*
 * The flow as a graph, drawn with React Flow (@xyflow/react): sources,
 * stacked steps, joins and concatenations with two inputs, analyses.
 */
import {
  Background,
  Controls,
  Edge,
  Handle,
  Node,
  NodeChange,
  NodeProps,
  Position,
  ReactFlow,
  applyNodeChanges,
  useNodesInitialized,
  useReactFlow,
  useUpdateNodeInternals
} from '@xyflow/react';
import React, { useEffect, useMemo, useState } from 'react';

import type { IFlowNode } from '../../api/wrangler';

/** What a drawn node knows. */
interface IFlowNodeData extends Record<string, unknown> {
  node: IFlowNode;
  label: string;
  status: 'ok' | 'error' | 'loading' | 'unknown';
  /** The node's error message (tooltip), when it failed. */
  problem: string;
  twoInputs: boolean;
  onAdd: (id: string) => void;
}

type DrawnNode = Node<IFlowNodeData, 'studio'>;

const KIND_LABEL: Record<string, string> = {
  source: 'Source',
  transform: 'Step',
  analysis: 'Analysis'
};

function FlowNodeCard(props: NodeProps<DrawnNode>): JSX.Element {
  const { node, label, status, problem, twoInputs, onAdd } = props.data;
  // The graph keeps measured sizes across redraws, so React Flow must be told
  // when this node's handles change (one target handle or two).
  const updateNodeInternals = useUpdateNodeInternals();
  useEffect(() => updateNodeInternals(props.id), [twoInputs, node.kind]);
  return (
    <div
      className={`jp-studio-FlowNode jp-studio-FlowNode-${node.kind} jp-studio-FlowNode-status-${status}${
        props.selected ? ' jp-mod-selected' : ''
      }`}
      data-testid="studio-flow-node"
      data-node-id={node.id}
      data-operator={node.operator}
      title={problem ? `${node.id}: ${problem}` : node.id}
    >
      {node.kind !== 'source' ? (
        twoInputs ? (
          <>
            <Handle
              type="target"
              position={Position.Top}
              id="left"
              style={{ left: '30%' }}
            />
            <Handle
              type="target"
              position={Position.Top}
              id="right"
              style={{ left: '70%' }}
            />
          </>
        ) : (
          <Handle type="target" position={Position.Top} />
        )
      ) : null}
      <div className="jp-studio-FlowNode-kind">
        {KIND_LABEL[node.kind] ?? node.kind}
        {status === 'error' ? (
          <span className="jp-studio-FlowNode-badge" aria-label="failed">
            !
          </span>
        ) : null}
      </div>
      <div className="jp-studio-FlowNode-title">{label}</div>
      {node.kind !== 'analysis' ? (
        <button
          className="jp-studio-FlowNode-add nodrag"
          title="Add a step after this node"
          aria-label={`Add a step after ${label}`}
          onClick={event => {
            event.stopPropagation();
            onAdd(node.id);
          }}
        >
          +
        </button>
      ) : null}
      {node.kind !== 'analysis' ? (
        <Handle type="source" position={Position.Bottom} />
      ) : null}
    </div>
  );
}

const NODE_TYPES = { studio: FlowNodeCard };

export function FlowGraph(props: {
  nodes: IFlowNode[];
  selected: string | null;
  labelOf: (node: IFlowNode) => string;
  statusOf: (id: string) => IFlowNodeData['status'];
  problemOf: (id: string) => string;
  twoInputs: (node: IFlowNode) => boolean;
  onSelect: (id: string | null) => void;
  onAdd: (id: string) => void;
  onMove: (id: string, x: number, y: number) => void;
}): JSX.Element {
  const { nodes, selected, labelOf, statusOf, problemOf, twoInputs, onAdd } =
    props;
  const drawn = useMemo<DrawnNode[]>(
    () =>
      nodes.map(node => ({
        id: node.id,
        type: 'studio',
        position: { x: node.position?.x ?? 0, y: node.position?.y ?? 0 },
        selected: node.id === selected,
        data: {
          node,
          label: labelOf(node),
          status: statusOf(node.id),
          problem: problemOf(node.id),
          twoInputs: twoInputs(node),
          onAdd
        }
      })),
    [nodes, selected, labelOf, statusOf, problemOf, twoInputs, onAdd]
  );
  const [local, setLocal] = useState<DrawnNode[]>(drawn);
  // Keep React Flow's measured sizes. A node handed over without them is drawn
  // hidden until its resize observer reports again, and that report can be
  // lost when the editor redraws in the same update (it redraws on every
  // preview or status change): the node then stays hidden and unclickable.
  useEffect(
    () =>
      setLocal(current => {
        const measured = new Map(current.map(n => [n.id, n.measured]));
        return drawn.map(n => {
          const size = measured.get(n.id);
          return size?.width && size.height ? { ...n, measured: size } : n;
        });
      }),
    [drawn]
  );
  // Keep every node in view when the flow opens and when nodes are added or
  // removed, once React Flow has measured them all (a fit before that leaves
  // the unmeasured nodes out: a reopened flow showed only its first node).
  // The fit is instant: an animated one moves the "+" buttons under the
  // user's pointer.
  const flow = useReactFlow();
  const measured = useNodesInitialized();
  useEffect(() => {
    if (!measured) {
      return;
    }
    const frame = requestAnimationFrame(
      () => void flow.fitView({ maxZoom: 1.2 })
    );
    return () => cancelAnimationFrame(frame);
  }, [nodes.length, measured]);

  const edges = useMemo<Edge[]>(() => {
    const result: Edge[] = [];
    for (const node of nodes) {
      const inputs = node.inputs ?? [];
      const two = twoInputs(node);
      inputs.forEach((source, index) => {
        result.push({
          id: `${source}->${node.id}:${index}`,
          source,
          target: node.id,
          targetHandle: two ? (index === 0 ? 'left' : 'right') : undefined,
          label: two ? (index === 0 ? 'left' : 'right') : undefined,
          animated: node.kind === 'analysis'
        });
      });
    }
    return result;
  }, [nodes, twoInputs]);

  const onNodesChange = (changes: NodeChange<DrawnNode>[]) => {
    setLocal(current => applyNodeChanges(changes, current));
  };

  return (
    <div className="jp-studio-FlowGraph" data-testid="studio-flow-graph">
      <ReactFlow<DrawnNode, Edge>
        nodes={local}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onNodeClick={(_, node) => props.onSelect(node.id)}
        onPaneClick={() => props.onSelect(null)}
        onNodeDragStop={(_, node) =>
          props.onMove(node.id, node.position.x, node.position.y)
        }
        nodesConnectable={false}
        deleteKeyCode={null}
        fitView
        fitViewOptions={{ maxZoom: 1.2 }}
        minZoom={0.2}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
