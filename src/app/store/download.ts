/**
 * Hands bytes to the browser as a file download: a Blob behind an object URL, clicked through a temporary
 * <a download>; the URL is revoked a minute later (after the browser has started reading it).
 */
export function download(data: Blob | Uint8Array, fileName: string, type = 'application/octet-stream'): void {
  // A Blob takes bytes on a plain ArrayBuffer: bytes on a SharedArrayBuffer are copied first.
  const blob = data instanceof Blob ? data : new Blob([data.buffer instanceof ArrayBuffer ? (data as Uint8Array<ArrayBuffer>) : data.slice()], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
