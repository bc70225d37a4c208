// Routes that answer before fastify looks at the body. fastify validates Content-Type and runs a
// body parser before route handlers (an odd media type becomes its own 415), while vault-k8s's
// mux hands every request, whatever its method, type or body, straight to the handler. So these
// routes answer from their onRequest hook, the first step of fastify's request lifecycle.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export type RawRouteHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

export function registerRawRoute(app: FastifyInstance, url: string, handler: RawRouteHandler): void {
  app.all(url, { onRequest: handler }, async function unreachable(_request, reply) {
    // onRequest always replies, which ends the lifecycle before this handler.
    return reply;
  });
}
