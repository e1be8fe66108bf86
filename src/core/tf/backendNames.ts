/** Backend names without importing tfjs, so the page can name them. */
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type BackendRequest = 'auto' | BackendName;
export const BACKENDS: BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
export const BACKEND_REQUESTS: BackendRequest[] = ['auto', ...BACKENDS];
