import type { EventType } from './catalogue';
import type { OutboxMessage } from './outbox';

/**
 * Follow-up work after an event, registered by the domain that owns it (citizen notices,
 * SLA wake-ups, callback dialling, WeChat media …) when a node starts its events worker.
 * Platform code runs them and knows none of them. Each must be idempotent per outbox row:
 * delivery is at least once.
 */
export type EventHandler = (m: OutboxMessage, job: { attemptsMade: number; attempts: number }) => Promise<void>;

export class HandlerRegistry {
  private byTopic = new Map<EventType, { name: string; fn: EventHandler }[]>();

  on(topics: readonly EventType[], name: string, fn: EventHandler): this {
    for (const t of topics) this.byTopic.set(t, [...(this.byTopic.get(t) ?? []), { name, fn }]);
    return this;
  }

  handlersFor(topic: EventType) {
    return this.byTopic.get(topic) ?? [];
  }
}
