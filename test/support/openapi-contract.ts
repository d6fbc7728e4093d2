import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every response the e2e helpers receive is checked against the committed OpenAPI document: the operation is found by
 * method and path template, its status must be documented, and its body must match the documented schema. A mismatch
 * throws, so the test that received the response fails with the reason.
 */

export const OPENAPI_FILE = join(__dirname, '..', '..', 'openapi.json');
/** Set by the e2e global setup: the folder where each test file leaves its count. */
export const REPORT_DIR_ENV = 'OPENAPI_REPORT_DIR';

type Schema = Record<string, unknown>;
interface DocumentedResponse {
  /** null: the status has no body (204). */
  schema: Schema | null;
  validate?: ValidateFunction;
}
interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  /** Fewer path parameters first, so /api/v1/users/list wins over /api/v1/users/{id}. */
  params: number;
  responses: Map<number, DocumentedResponse>;
}

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addFormat('password', true);

let operations: Promise<Operation[]> | undefined;
/** The gateways the suites started: the document describes them, not a service's own health port. */
const gateways = new Set<string>();

export function registerGateway(baseUrl: string): void {
  gateways.add(new URL(baseUrl).origin);
}
export const tally = { validated: 0, outside: 0 };

function load(): Promise<Operation[]> {
  operations ??= (async () => {
    const doc = (await SwaggerParser.dereference(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')))) as unknown as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>;
    };
    const ops: Operation[] = [];
    for (const [template, item] of Object.entries(doc.paths)) {
      const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
      for (const [method, op] of Object.entries(item)) {
        const responses = new Map<number, DocumentedResponse>();
        for (const [status, response] of Object.entries(op.responses)) {
          responses.set(Number(status), { schema: response.content?.['application/json']?.schema ?? null });
        }
        ops.push({
          method: method.toUpperCase(),
          template,
          pattern: new RegExp(`^${source}$`),
          params: (template.match(/\{/g) ?? []).length,
          responses,
        });
      }
    }
    return ops.sort((a, b) => a.params - b.params);
  })();
  return operations;
}

/** A body as the helpers keep it: parsed JSON, or the text when it is not JSON, or undefined when empty. */
export function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

export class ContractViolation extends Error {
  override name = 'ContractViolation';
}

/** Throws a ContractViolation when the response is not what openapi.json documents for this method and path. */
export async function checkResponse(method: string, url: string, status: number, contentType: string | null, body: unknown): Promise<void> {
  const { origin, pathname: path } = new URL(url);
  const op = gateways.has(origin) ? (await load()).find((o) => o.method === method && o.pattern.test(path)) : undefined;
  if (!op) {
    // Not a gateway's API operation (a service's health port, the dashboard, /docs, /metrics, a route that does not
    // exist): nothing to check it against.
    tally.outside++;
    return;
  }
  const where = `${method} ${op.template} answered ${status} (to ${path.length > 80 ? `${path.slice(0, 80)}…` : path})`;
  const documented = op.responses.get(status);
  if (!documented) {
    throw new ContractViolation(
      `${where}, which openapi.json does not document (documented: ${[...op.responses.keys()].join(', ')}): ${JSON.stringify(body)}`,
    );
  }
  if (documented.schema === null) {
    if (body !== undefined && body !== '')
      throw new ContractViolation(`${where} with a body where openapi.json documents none: ${JSON.stringify(body)}`);
  } else {
    if (!contentType?.startsWith('application/json') || typeof body === 'string' || body === undefined) {
      throw new ContractViolation(
        `${where} with ${contentType ?? 'no content type'} where openapi.json documents JSON: ${String(body).slice(0, 200)}`,
      );
    }
    documented.validate ??= ajv.compile(documented.schema);
    if (!documented.validate(body)) {
      const errors = ajv.errorsText(documented.validate.errors, { dataVar: 'body' });
      throw new ContractViolation(
        `${where} with a body that does not match openapi.json: ${errors}\nbody: ${JSON.stringify(body).slice(0, 1000)}`,
      );
    }
  }
  tally.validated++;
}

/** Leaves this test file's count for the global teardown, which prints the total. */
export function saveTally(testFile: string): void {
  const dir = process.env[REPORT_DIR_ENV];
  if (!dir || tally.validated + tally.outside === 0) return;
  const name = testFile.replace(/[^A-Za-z0-9.-]+/g, '_');
  writeFileSync(join(dir, `${name}-${process.pid}.json`), JSON.stringify(tally));
}
