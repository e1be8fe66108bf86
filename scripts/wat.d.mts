import type { Plugin } from 'vite';

export function assembleWat(source: string, fileName: string): Promise<Uint8Array>;
export function assembleWatFile(path: string): Promise<Uint8Array>;
export function watModules(): Plugin;
