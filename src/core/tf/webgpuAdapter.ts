/** What the platform's WebGPU adapter is, read without touching the DOM (navigator exists in workers too). */
export interface AdapterInfo {
  fallback: boolean;
  description: string;
}

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { isFallbackAdapter?: boolean; vendor?: string; architecture?: string; description?: string; device?: string };
}

interface GpuLike {
  requestAdapter(): Promise<GpuAdapterLike | null>;
}

export async function describeWebGpuAdapter(): Promise<AdapterInfo | null> {
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  if (!nav?.gpu) return null;
  try {
    const adapter = await nav.gpu.requestAdapter();
    if (!adapter) return null;
    const info = adapter.info ?? {};
    const description = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unknown adapter';
    // SwiftShader is Chromium's CPU implementation of WebGPU: correct but far slower than wasm.
    const fallback = adapter.isFallbackAdapter === true || info.isFallbackAdapter === true || /swiftshader/i.test(description);
    return { fallback, description };
  } catch {
    return null;
  }
}
