import { create } from 'zustand';
import { gridProblems } from '../../core/envs/gridEdit';
import { formatLayout, type GridLayout } from '../../core/envs/gridLayout';
import { isGridWorldSpec } from '../../core/envs/gridWorld';
import { getEnvSpec } from '../../core/envs/registry';
import { generate } from './datasets';
import { builtInPresets, datasetPrefix } from './presets';

/**
 * The GridWorld layout editor's drafts, one per environment id (an id without a draft shows its registered map).
 * A draft may be unfinished (no start yet); it becomes the custom layout that the environment preview, demo
 * episodes and "Generate datasets on this layout" use once gridProblems() finds nothing wrong with it and it
 * differs from the registered map. Datasets made on it keep the layout (DatasetInfo.envOptions), so training,
 * the replay and the value and coverage maps follow it from there.
 */
interface GridEditorState {
  drafts: Record<string, GridLayout>;
}

export const useGridEditor = create<GridEditorState>(() => ({ drafts: {} }));

/** The registered map of a GridWorld-family id, or null for other environments. */
export function presetLayout(envId: string): GridLayout | null {
  const spec = getEnvSpec(envId);
  return isGridWorldSpec(spec) ? spec.grid : null;
}

export const draftOf =
  (envId: string) =>
  (s: GridEditorState): GridLayout | null =>
    s.drafts[envId] ?? presetLayout(envId);

export function editDraft(envId: string, layout: GridLayout): void {
  useGridEditor.setState((s) => ({ drafts: { ...s.drafts, [envId]: layout } }));
}

export function resetDraft(envId: string): void {
  useGridEditor.setState((s) => {
    const { [envId]: _gone, ...drafts } = s.drafts;
    return { drafts };
  });
}

/** The draft as layout text when it is usable and not the registered map; undefined otherwise. */
export function customLayoutText(envId: string, drafts: Record<string, GridLayout> = useGridEditor.getState().drafts): string | undefined {
  const draft = drafts[envId];
  const preset = presetLayout(envId);
  if (!draft || !preset || gridProblems(draft).length > 0) return undefined;
  const text = formatLayout(draft);
  return text === formatLayout(preset) ? undefined : text;
}

/** A short tag of a layout's text, so datasets of different drawn maps get different ids (FNV-1a, base 36). */
export function layoutTag(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

/**
 * Random, medium and expert datasets on the drafted layout (the presets' sizes and seeds), queued like any
 * generation; the expert is made last, so it ends up selected. The worker measures the layout's own reference
 * returns with each (generateDataset), so normalized scores compare against this map.
 */
export function generateOnLayout(envId: string): Promise<void> {
  const layout = customLayoutText(envId);
  if (layout === undefined) return Promise.resolve();
  const tag = layoutTag(layout);
  const presets = builtInPresets(envId).filter((p) => p.mix.length === 1);
  const order = ['random', 'medium', 'expert'];
  presets.sort((a, b) => order.indexOf(a.mix[0].policy) - order.indexOf(b.mix[0].policy));
  return Promise.all(
    presets.map((p) => {
      const name = `${datasetPrefix(envId)}-custom-${p.mix[0].policy}`;
      return generate({ mix: p.mix, transitions: p.transitions, seed: p.seed, name, id: `${name}-${tag}-${p.transitions}-s${p.seed}`, layout });
    }),
  ).then(() => undefined);
}
