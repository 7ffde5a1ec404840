import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { invalidInput } from '../../errors/domain-errors.js';
import { formatCef, issueCefEvent } from './cef.js';
import type { SyslogSinkConfig } from './config.js';
import { SendError, toSendError, type DeliveryTarget } from './delivery.js';
import type { IssueDocument } from './payload.js';
import { formatRfc5424, frameSyslog, issueSyslogMessage, SYSLOG_SEVERITY } from './rfc5424.js';
import { truncateUtf8 } from './text.js';

/**
 * Sends issues to a syslog receiver: one datagram a message over UDP, or one kept connection over TCP or
 * TLS (octet counting or newline framing), opened on first use and again after it breaks. Messages are
 * RFC 5424 (structured data plus the JSON document) or CEF (behind an RFC 5424 header, or bare).
 *
 * A TCP write that returns is on its way, not acknowledged: syslog has no answer, so a message written
 * just before the receiver went away can be lost (at most once).
 *
 * @example
 * const target = createSyslogTarget(config, { hostname: 'sensor-1', procId: '4242', version: '0.1.0' });
 * await target.send(doc);
 */

export interface SyslogTargetDeps {
  /** HOSTNAME when the config sets none. */
  hostname: string;
  procId: string;
  /** Bulwark's version, CEF's Device Version. */
  version: string;
}

/** The message for one issue, at most `config.maxMessageBytes` of UTF-8 before framing. */
export function syslogMessageFor(doc: IssueDocument, config: SyslogSinkConfig, deps: SyslogTargetDeps): string {
  const header = { facility: config.facility, hostname: config.hostname ?? deps.hostname, appName: config.appName, procId: deps.procId, msgId: 'issue' };
  if (config.format === 'rfc5424') return issueSyslogMessage(doc, header, config.maxMessageBytes);
  const cef = formatCef(issueCefEvent(doc, deps.version));
  if (!config.cefSyslogHeader) return truncateUtf8(cef, config.maxMessageBytes);
  return formatRfc5424(
    { ...header, severity: SYSLOG_SEVERITY[doc.issue.severity], timestamp: new Date(doc.issue.lastSeen), structuredData: [], msg: cef },
    { maxBytes: config.maxMessageBytes },
  );
}

interface Transport {
  write(message: string): Promise<void>;
  close(): Promise<void>;
}

function udpTransport(config: SyslogSinkConfig): Transport {
  let socket: dgram.Socket | null = null;
  let address: { address: string; family: number } | null = null;

  async function open(): Promise<dgram.Socket> {
    if (socket !== null) return socket;
    address = await lookup(config.host);
    const s = dgram.createSocket(address.family === 6 ? 'udp6' : 'udp4');
    s.on('error', () => {
      if (socket !== s) return;
      socket = null;
      s.close();
    });
    socket = s;
    return s;
  }

  return {
    async write(message) {
      const s = await open();
      const to = address;
      if (to === null) throw new SendError('no address', true);
      await new Promise<void>((resolve, reject) => s.send(Buffer.from(message, 'utf8'), config.port, to.address, (err) => (err ? reject(toSendError(err)) : resolve())));
    },
    async close() {
      socket?.close();
      socket = null;
    },
  };
}

function streamTransport(config: SyslogSinkConfig): Transport {
  let ca: Buffer | undefined;
  if (config.tls?.caFile !== undefined) {
    try {
      ca = readFileSync(config.tls.caFile);
    } catch {
      throw invalidInput(`exports: syslog CA file ${config.tls.caFile} cannot be read`);
    }
  }
  const servername = config.tls?.servername ?? (net.isIP(config.host) === 0 ? config.host : undefined);
  let socket: net.Socket | null = null;
  let connecting: Promise<net.Socket> | null = null;

  function connect(): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const s =
        config.protocol === 'tls'
          ? tls.connect({ host: config.host, port: config.port, ca, servername, minVersion: 'TLSv1.2' })
          : net.connect({ host: config.host, port: config.port });
      const timer = setTimeout(() => s.destroy(new SendError('connect timeout', true)), config.timeoutMs);
      s.once(config.protocol === 'tls' ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        s.setKeepAlive(true);
        socket = s;
        resolve(s);
      });
      // Errors after the connection is up surface on the next write (or as 'close', which forgets the socket).
      s.on('error', (err) => {
        clearTimeout(timer);
        reject(toSendError(err));
      });
      s.on('close', () => {
        if (socket === s) socket = null;
      });
      s.resume(); // a syslog receiver says nothing; whatever it sends is read and dropped
    });
  }

  async function open(): Promise<net.Socket> {
    if (socket !== null && !socket.destroyed && socket.writable) return socket;
    connecting ??= connect().finally(() => {
      connecting = null;
    });
    return connecting;
  }

  return {
    async write(message) {
      const s = await open();
      const frame = frameSyslog(message, config.framing);
      await new Promise<void>((resolve, reject) => {
        // The write callback waits for the kernel to take the bytes: a receiver that stops reading ends in a timeout.
        const timer = setTimeout(() => {
          s.destroy();
          reject(new SendError('write timeout', true));
        }, config.timeoutMs);
        s.write(frame, (err) => {
          clearTimeout(timer);
          if (err) {
            s.destroy();
            reject(toSendError(err));
          } else resolve();
        });
      });
    },
    async close() {
      const s = socket;
      socket = null;
      if (s === null || s.destroyed) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => s.destroy(), config.timeoutMs);
        s.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        s.end();
      });
    },
  };
}

export function createSyslogTarget(config: SyslogSinkConfig, deps: SyslogTargetDeps): DeliveryTarget<IssueDocument> {
  const transport = config.protocol === 'udp' ? udpTransport(config) : streamTransport(config);
  return {
    send: (doc) => transport.write(syslogMessageFor(doc, config, deps)),
    close: () => transport.close(),
  };
}
