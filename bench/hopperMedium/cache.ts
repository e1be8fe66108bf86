// Files of the hopper-medium pipeline's stages (bench/.cache/hopper-medium, gitignored) and the JSON form of a
// trainer checkpoint (Float32Arrays as base64) so a stage's output survives the process.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainerCheckpoint } from '../../src/core/run/trainer';

export const CACHE_DIR = process.env.HOPPER_MEDIUM_CACHE ?? join(import.meta.dirname, '..', '.cache', 'hopper-medium');
mkdirSync(CACHE_DIR, { recursive: true });

export const cachePath = (name: string) => join(CACHE_DIR, name);

/** Writes through a temporary file, so an interrupted write never leaves a half file that looks finished. */
export function writeAtomic(path: string, data: string | Uint8Array): void {
  writeFileSync(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
}

export function readJson<T>(path: string): T | null {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : null;
}

const F32 = '__f32';

/** JSON with every Float32Array as { __f32: base64 }. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (v instanceof Float32Array ? { [F32]: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') } : v));
}

export function fromJson<T>(text: string): T {
  return JSON.parse(text, (_k, v) => {
    if (v && typeof v === 'object' && typeof v[F32] === 'string') {
      const bytes = Buffer.from(v[F32], 'base64');
      return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    }
    return v;
  }) as T;
}

export function saveCheckpoint(path: string, checkpoint: TrainerCheckpoint): void {
  writeAtomic(path, toJson(checkpoint));
}

export function loadCheckpoint<T extends TrainerCheckpoint>(path: string): T | null {
  return existsSync(path) ? fromJson<T>(readFileSync(path, 'utf8')) : null;
}
