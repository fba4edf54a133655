// In-memory PortalStore for unit tests: the same contract as the file store, no disk.
import { KeyedMutex } from './mutex.js';
import { PortalNotFoundError, type PortalData, type PortalStore } from './types.js';

export class MemoryPortalStore implements PortalStore {
  private readonly data = new Map<string, PortalData>();
  private readonly mutex = new KeyedMutex();

  async get(memberId: string): Promise<PortalData | undefined> {
    return this.data.get(memberId);
  }

  update<T>(memberId: string, mutate: (data: PortalData) => T | Promise<T>): Promise<T> {
    return this.mutex.run(memberId, async () => {
      const current = this.data.get(memberId);
      if (!current) throw new PortalNotFoundError(memberId);
      const draft = structuredClone(current);
      const result = await mutate(draft);
      this.data.set(memberId, draft);
      return result;
    });
  }

  put(data: PortalData): Promise<void> {
    const memberId = data.installation.memberId;
    return this.mutex.run(memberId, async () => {
      this.data.set(memberId, structuredClone(data));
    });
  }

  delete(memberId: string): Promise<void> {
    return this.mutex.run(memberId, async () => {
      this.data.delete(memberId);
    });
  }

  async list(): Promise<string[]> {
    return [...this.data.keys()];
  }
}
