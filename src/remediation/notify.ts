import type { Finding } from '../contracts/finding.js';
import type { OutboxMessage, RemediationTask, TaskBrief, TaskEvent, TicketMessage } from '../contracts/remediation.js';
import type { NewOutboxEntry, StoredTask } from '../store/store.js';
import type { DeliveryChannel } from './delivery/channel.js';

/** The console link of a task (the console routes in the URL's hash). */
export function taskUrl(consoleUrl: string, taskId: string): string {
  return `${consoleUrl.replace(/\/+$/, '')}/#/tasks/${encodeURIComponent(taskId)}`;
}

/** A task as messages show it. */
export function taskBrief(t: RemediationTask | (StoredTask & { sla: RemediationTask['sla'] }), consoleUrl: string): TaskBrief {
  return {
    id: t.id,
    ref: t.ref,
    title: t.title,
    severity: t.severity,
    status: t.status,
    dueAt: t.dueAt,
    sla: t.sla,
    host: t.host,
    method: t.method,
    pathTemplate: t.pathTemplate,
    remediation: t.remediation,
    ruleId: t.ruleId,
    url: taskUrl(consoleUrl, t.id),
    findings: t.findingCount,
  };
}

/** What a ticket shows of a task: its brief, mapping fields, and the redacted evidence of its top findings. */
export function ticketMessage(t: RemediationTask, findings: readonly Finding[], applicationName: string | null, consoleUrl: string): TicketMessage {
  const evidence = findings.slice(0, 10).map((f) => `${f.evidence.summary}${f.evidence.location ? ` (${f.evidence.location})` : ''}`.slice(0, 500));
  return { task: { ...taskBrief(t, consoleUrl), owasp: t.owasp, cwe: t.cwe, applicationName, evidence }, ticket: t.ticket };
}

/**
 * One outbox entry per configured channel that takes the message; none when no channel does (nothing is
 * configured: the change is still in the task's history).
 */
export function routeMessage(
  channels: readonly DeliveryChannel[],
  message: OutboxMessage,
  taskId: string | null,
  at: string,
  newId: () => string,
): NewOutboxEntry[] {
  return channels.filter((c) => c.accepts(message)).map((c) => ({ id: newId(), channel: c.name, taskId, message, createdAt: at }));
}

/** The change message for webhooks and chat. */
export function changeMessage(event: TaskEvent, t: RemediationTask, applicationName: string | null, consoleUrl: string): OutboxMessage {
  return { kind: 'task-change', change: { event, task: taskBrief(t, consoleUrl), applicationName } };
}
