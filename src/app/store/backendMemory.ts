// The page's memory of `auto` backend choices (localStorage), per device, lab build and network shape: a run starts
// on the remembered backend, or on the likely-fastest one while the others are measured in the background on a spare
// worker; when that measurement disagrees, runs of that shape move at their next tick (from a checkpoint).
import { choiceKey, deviceKey, likelyFastest, validChoice, type NetworkShape, type RememberedChoice } from '../../core/tf/backendChoice';
import type { BackendReport } from '../../core/tf/backend';
import type { BackendHint } from '../../core/run/session';
import { describeWebGpuAdapter, type AdapterInfo } from '../../core/tf/webgpuAdapter';
import { labPool } from '../client/labClient';
import { useLab } from './labStore';

const STORAGE_KEY = 'rl-lab:backend-choices:v1';
/** Choices kept at most (the oldest go first). */
const MAX_CHOICES = 50;

/** This build of the lab: the page's own bundle URL, whose hash changes with any change to the page or its workers. */
const BUILD = import.meta.url.replace(/^.*\//, '');

let device: Promise<{ key: string; adapter: AdapterInfo | null }> | null = null;
/** The device part of every key (asks the WebGPU adapter once per page). */
export function deviceInfo(): Promise<{ key: string; adapter: AdapterInfo | null }> {
  device ??= describeWebGpuAdapter().then((adapter) => ({ key: deviceKey(navigator.userAgent, navigator.hardwareConcurrency, adapter), adapter }));
  return device;
}

function readAll(): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}');
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function rememberedChoice(key: string): RememberedChoice | null {
  return validChoice(readAll()[key], Date.now());
}

export function rememberChoice(key: string, report: BackendReport): RememberedChoice {
  const choice: RememberedChoice = { active: report.active, measured: Object.fromEntries(report.probes.map((p) => [p.name, p.updatesPerSecond])), measuredAt: Date.now() };
  const all = Object.entries(readAll()).filter(([k, v]) => k !== key && validChoice(v, Date.now()));
  all.push([key, choice]);
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(Object.fromEntries(all.slice(-MAX_CHOICES))));
  } catch {
    // Storage full or blocked: the lab measures again next time, nothing else is lost.
  }
  return choice;
}

/** Forgets every remembered choice (the next runs start on the likely-fastest backend and measure again). */
export function forgetChoices(): void {
  try {
    localStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing kept, nothing to forget
  }
}

export async function shapeKey(shape: NetworkShape): Promise<string> {
  return choiceKey((await deviceInfo()).key, BUILD, shape);
}

const ups = (v: number | null | undefined) => (typeof v === 'number' ? `${v.toFixed(0)} updates/s` : 'not measured');

/** How an `auto` run starts: the remembered choice, or the likely-fastest backend (then `measure` is true). */
export async function backendHint(shape: NetworkShape): Promise<{ hint: BackendHint; key: string; measure: boolean }> {
  const key = await shapeKey(shape);
  const known = rememberedChoice(key);
  if (known) {
    const when = new Date(known.measuredAt).toLocaleDateString();
    return { key, measure: false, hint: { name: known.active, measured: known.measured, reason: `remembered: ${known.active} measured fastest on this device for this network (${ups(known.measured[known.active])}, ${when})` } };
  }
  const name = likelyFastest((await deviceInfo()).adapter);
  return { key, measure: true, hint: { name, reason: `${name} is likely fastest here (${name === 'webgpu' ? 'a hardware GPU adapter' : 'no hardware GPU adapter'}); measuring every backend in the background` } };
}

const measuring = new Set<string>();

/**
 * Measures every backend for a shape on a spare worker (none free: nothing now, the next run of the shape tries
 * again), remembers the result, and moves active runs of that shape whose backend lost. The focused run's backend
 * panel shows what was measured.
 */
export async function measureInBackground(key: string, shape: NetworkShape, runsOfShape: () => Promise<string[]>): Promise<void> {
  if (measuring.has(key)) return;
  measuring.add(key);
  try {
    const report = await labPool().withSpareWorker((api) => api.measureBackends(shape));
    if (!report) return;
    rememberChoice(key, report);
    const reason = `measured in the background: ${report.active} fastest at ${ups(report.probes.find((p) => p.name === report.active)?.updatesPerSecond)}`;
    for (const id of await runsOfShape()) {
      const api = labPool().api(id);
      const moved = api ? await api.switchBackend(report.active, reason).catch(() => null) : null;
      const s = useLab.getState();
      if (s.focusRunId === id && s.backend) useLab.setState({ backend: { ...(moved ?? s.backend), probes: report.probes, reason: moved ? reason : `${reason}; this run is already on it` } });
    }
  } catch {
    // A failed measurement leaves runs where they are; the next run of this shape tries again.
  } finally {
    measuring.delete(key);
  }
}
