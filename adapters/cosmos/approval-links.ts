/**
 * Used approval links on Cosmos DB: one document per link id, created on first use. Cosmos refuses a second
 * create of the same id (409) atomically, which is what makes a link single-use even under concurrent clicks.
 */
import type { Container, Database } from '@azure/cosmos';
import type { UsedLink, UsedLinkStore } from '../../domain/approvals/approval-link-use';
import { containers, escapeId } from './containers';
import { cosmosStatus, withoutSystemProperties } from './documents';

type Stored = UsedLink & { id: string };

export class CosmosUsedLinkStore implements UsedLinkStore {
  private readonly container: Container;
  constructor(database: Database) {
    this.container = database.container(containers.approvalLinks.id);
  }

  async claim(use: UsedLink): Promise<{ claimed: true } | { claimed: false; usedAt: string }> {
    // Retried only if the earlier use was released between our create and our read.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        await this.container.items.create<Stored>({ ...use, id: escapeId(use.linkId) });
        return { claimed: true };
      } catch (err) {
        if (cosmosStatus(err) !== 409) throw err;
      }
      const earlier = await this.get(use.linkId);
      if (earlier) return { claimed: false, usedAt: earlier.usedAt };
    }
    throw new Error(`approval link ${use.linkId} kept being claimed and released concurrently`);
  }

  async get(linkId: string): Promise<UsedLink | undefined> {
    const id = escapeId(linkId);
    const { resource } = await this.container.item(id, id).read<Stored>();
    if (!resource) return undefined;
    const { id: _id, ...use } = withoutSystemProperties(resource);
    return use;
  }

  async release(linkId: string): Promise<void> {
    const id = escapeId(linkId);
    try {
      await this.container.item(id, id).delete();
    } catch (err) {
      if (cosmosStatus(err) !== 404) throw err;
    }
  }
}
