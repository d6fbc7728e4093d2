import type { Connection } from 'mongoose';
import type { Span } from '@opentelemetry/api';
import { endSpan, SpanKind, startChildSpan } from '@app/observability';

/**
 * With tracing on, a client span per database command of a request, from the driver's own command monitoring
 * (`monitorCommands`): started in the caller's async context, so it is a child of the server span that ran the
 * query. Commands outside a request (outbox drains, event consumers, health checks) start no trace.
 */
export function traceCommands(client: ReturnType<Connection['getClient']>): void {
  const open = new Map<number, Span>();
  client.on('commandStarted', (e) => {
    const collection = (e.command as Record<string, unknown>)[e.commandName];
    const span = startChildSpan(typeof collection === 'string' ? `${e.commandName} ${collection}` : e.commandName, SpanKind.CLIENT, {
      'db.system.name': 'mongodb',
      'db.namespace': e.databaseName,
      'db.operation.name': e.commandName,
      ...(typeof collection === 'string' ? { 'db.collection.name': collection } : {}),
    });
    if (span) open.set(e.requestId, span);
  });
  client.on('commandSucceeded', (e) => {
    endSpan(open.get(e.requestId));
    open.delete(e.requestId);
  });
  client.on('commandFailed', (e) => {
    endSpan(open.get(e.requestId), { status: 503, message: e.failure.message });
    open.delete(e.requestId);
  });
}
