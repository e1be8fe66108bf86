import type { Plugin } from 'vite';

export interface AssembleOptions {
  /** Fuse the multiply-adds of the functions named by `;; @fuse-multiply-add` (relaxed SIMD). */
  fusedMultiplyAdd?: boolean;
}
export function assembleWat(source: string, fileName: string, options?: AssembleOptions): Promise<Uint8Array>;
export function assembleWatFile(path: string, options?: AssembleOptions): Promise<Uint8Array>;
export function fuseMultiplyAdds(source: string, fileName?: string): string;
export function watModules(): Plugin;
