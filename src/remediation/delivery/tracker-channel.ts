import type { OutboxMessage, TicketMessage, TicketRef, TicketSystem } from '../../contracts/remediation.js';
import type { DeliveryChannel, DeliveryResult } from './channel.js';
import { SendError } from './channel.js';

/**
 * What a tracker channel (Jira, GitHub) does with a ticket message: update the task's ticket when it lives
 * in this tracker, open one otherwise, so a task has one issue however often it is sent.
 *
 * @example
 * return trackerChannel({ system: 'jira', existing: (t) => …, create: (task) => …, update: (task, t) => …, close: () => client.close() });
 */

export interface Tracker<Existing extends { ticket: TicketRef }> {
  system: TicketSystem;
  /** The ticket to update in this tracker, or null to open a new one (none yet, or one in another place). */
  existing(ticket: TicketRef | null): Existing | null;
  create(task: TicketMessage['task']): Promise<TicketRef>;
  /** Tells the ticket what changed (a comment); its status stays as the tracker's webhook last synced it. */
  update(task: TicketMessage['task'], existing: Existing): Promise<void>;
  now: () => Date;
  close(): void;
}

export function trackerChannel<Existing extends { ticket: TicketRef }>(tracker: Tracker<Existing>): DeliveryChannel {
  return {
    name: tracker.system,
    kind: tracker.system,
    accepts: (message: OutboxMessage) => message.kind === 'ticket',
    async send(message): Promise<DeliveryResult> {
      if (message.kind !== 'ticket') throw new SendError(`${tracker.system} does not send ${message.kind} messages`, false);
      const { task, ticket } = message.ticket;
      const known = tracker.existing(ticket);
      if (known === null) return { ticket: await tracker.create(task) };
      await tracker.update(task, known);
      return { ticket: { ...known.ticket, syncedAt: tracker.now().toISOString() } };
    },
    async close() {
      tracker.close();
    },
  };
}

/** Said when a tracker answered 2xx without the new issue's id: it may exist now, so another try could open a second one. */
export const unreadableCreation = (status: number, what: string): SendError => new SendError(`HTTP ${status}: the answer carried no ${what}`, false);
