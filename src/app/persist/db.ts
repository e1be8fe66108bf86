/**
 * A small typed wrapper over IndexedDB: named object stores with known key and value types, promises instead of
 * request events, and one error type for a full disk (StorageFullError) so callers can say so plainly.
 */

/** Store name → its key and value types. Keys are out-of-line (passed to put). */
export type DbSchema = Record<string, { key: IDBValidKey; value: unknown }>;

export class StorageFullError extends Error {
  override readonly name = 'StorageFullError';
}

const isQuotaError = (e: unknown): boolean => e instanceof DOMException && (e.name === 'QuotaExceededError' || e.name === 'NS_ERROR_DOM_QUOTA_REACHED');

/** The browser's error as one of ours: a full disk becomes a StorageFullError, the rest keep their message. */
export function storageError(e: unknown, what: string): Error {
  if (isQuotaError(e)) return new StorageFullError(`the browser's storage for this site is full (${what})`);
  const text = e instanceof Error ? e.message : String(e);
  return new Error(`${what}: ${text || 'IndexedDB failed'}`);
}

function done(tx: IDBTransaction, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(storageError(tx.error, what));
    tx.onabort = () => reject(storageError(tx.error ?? new DOMException('aborted', 'AbortError'), what));
  });
}

function result<T>(request: IDBRequest<T>, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(storageError(request.error, what));
  });
}

export class TypedDb<S extends DbSchema> {
  private constructor(private readonly db: IDBDatabase) {}

  /** Opens (creating or upgrading) a database; `upgrade` creates the stores of each new version. */
  static open<S extends DbSchema>(name: string, version: number, upgrade: (db: IDBDatabase, oldVersion: number) => void): Promise<TypedDb<S>> {
    if (typeof indexedDB === 'undefined') return Promise.reject(new Error('this browser has no IndexedDB'));
    const request = indexedDB.open(name, version);
    request.onupgradeneeded = (e) => upgrade(request.result, e.oldVersion);
    return result(request, `opening the ${name} database`).then((db) => new TypedDb<S>(db));
  }

  async get<N extends keyof S & string>(store: N, key: S[N]['key']): Promise<S[N]['value'] | undefined> {
    const tx = this.db.transaction(store, 'readonly');
    return result(tx.objectStore(store).get(key) as IDBRequest<S[N]['value'] | undefined>, `reading ${store}`);
  }

  /** Every value (in key order) and its key, optionally within a key range. */
  async entries<N extends keyof S & string>(store: N, range?: IDBKeyRange): Promise<{ key: S[N]['key']; value: S[N]['value'] }[]> {
    const tx = this.db.transaction(store, 'readonly');
    const os = tx.objectStore(store);
    const [keys, values] = await Promise.all([result(os.getAllKeys(range), `reading ${store}`), result(os.getAll(range), `reading ${store}`)]);
    return keys.map((key, i) => ({ key: key as S[N]['key'], value: values[i] as S[N]['value'] }));
  }

  async keys<N extends keyof S & string>(store: N, range?: IDBKeyRange): Promise<S[N]['key'][]> {
    const tx = this.db.transaction(store, 'readonly');
    return (await result(tx.objectStore(store).getAllKeys(range), `reading ${store}`)) as S[N]['key'][];
  }

  /** Writes one value in its own transaction, resolving once it is committed. */
  async put<N extends keyof S & string>(store: N, key: S[N]['key'], value: S[N]['value']): Promise<void> {
    const what = `writing ${store}`;
    let tx: IDBTransaction;
    try {
      tx = this.db.transaction(store, 'readwrite');
      tx.objectStore(store).put(value, key);
    } catch (e) {
      throw storageError(e, what); // a value that cannot be cloned fails right here
    }
    await done(tx, what);
  }

  /** Deletes one key or a key range. */
  async delete<N extends keyof S & string>(store: N, key: S[N]['key'] | IDBKeyRange): Promise<void> {
    const tx = this.db.transaction(store, 'readwrite');
    tx.objectStore(store).delete(key);
    await done(tx, `deleting from ${store}`);
  }

  close(): void {
    this.db.close();
  }
}

/** How much this site stores and may store, when the browser says (for the saved-datasets list). */
export async function storageEstimate(): Promise<{ usage: number; quota: number } | null> {
  try {
    const e = await navigator.storage?.estimate?.();
    return e && e.usage !== undefined && e.quota !== undefined ? { usage: e.usage, quota: e.quota } : null;
  } catch {
    return null;
  }
}
