// Plain-text replies shaped like Go's http.Error and the default ServeMux 404, so clients and
// probes see what vault-k8s sends.
import type { FastifyReply } from 'fastify';

/** http.Error(w, message, status): text/plain, nosniff, message plus a newline. */
export function sendGoError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/plain; charset=utf-8')
    .header('x-content-type-options', 'nosniff')
    .send(`${message}\n`);
}

/** http.NotFound: "404 page not found". */
export function sendGoNotFound(reply: FastifyReply): FastifyReply {
  return sendGoError(reply, 404, '404 page not found');
}
