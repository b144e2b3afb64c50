import { randomUUID } from 'node:crypto';
import { type Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorBody, ErrorCode } from '@pingvas/contracts';
import { ERROR_STATUS } from '@pingvas/contracts';

/** Node's own names for the requests its HTTP parser refuses before any app code runs. */
const CODE_BY_PARSER_ERROR: Record<string, ErrorCode> = {
  HPE_HEADER_OVERFLOW: 'HEADERS_TOO_LARGE',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'PAYLOAD_TOO_LARGE',
  ERR_HTTP_REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
};

const REASONS: Partial<Record<ErrorCode, string>> = {
  HEADERS_TOO_LARGE: 'The request headers are too large',
  PAYLOAD_TOO_LARGE: 'The request is too large',
  REQUEST_TIMEOUT: 'The request did not arrive in time',
  MALFORMED_REQUEST: 'The request is not valid HTTP',
};

/**
 * Node answers a request its parser refuses (headers over the limit, a broken request line)
 * with a bare status line. This answers it like every other error instead, `{statusCode, code,
 * message, requestId}`, so a client can read why; then closes the connection as Node would.
 */
export function answerClientErrorsAsJson(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const code = CODE_BY_PARSER_ERROR[err.code ?? ''] ?? 'MALFORMED_REQUEST';
    const status = ERROR_STATUS[code];
    const body: ErrorBody = {
      statusCode: status,
      code,
      message: REASONS[code] ?? 'Bad request',
      requestId: randomUUID(),
    };
    const json = JSON.stringify(body);
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? code}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
    );
  });
}
