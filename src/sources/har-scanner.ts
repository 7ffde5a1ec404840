/**
 * A byte-level scanner that finds `log.entries` in a HAR document and hands out each entry's raw JSON
 * bytes, one at a time, so a 1 GiB HAR is processed in memory bounded by the largest entry.
 *
 * It tracks only what it must: string/escape state, nesting depth, and the keys of the two outer
 * objects (root and `log`). Each entry is then checked by `JSON.parse`; syntax outside entries is not
 * validated, because nothing outside entries is used.
 */
export type HarItem =
  | { kind: 'entry'; index: number; bytes: Buffer }
  | { kind: 'error'; index?: number; reason: string };

export interface HarScannerOptions {
  /** An entry larger than this is skipped and reported (default 32 MiB). */
  maxEntryBytes: number;
  /** An entry nested deeper than this (the entry object is level 1) is skipped and reported. */
  maxDepth: number;
}

const ROLE_OTHER = 0;
const ROLE_ROOT = 1;
const ROLE_LOG = 2;
const ROLE_ENTRIES = 3;
/** Nesting outside entries beyond this is not a HAR file; bounds the role arrays. */
const MAX_OUTER_DEPTH = 1024;

const KEY_LOG = Buffer.from('log');
const KEY_ENTRIES = Buffer.from('entries');

export class HarScanner {
  private readonly opts: HarScannerOptions;
  private depth = 0;
  private inString = false;
  private escape = false;
  private readonly roles = new Uint8Array(MAX_OUTER_DEPTH + 2);
  private readonly expectKey = new Uint8Array(MAX_OUTER_DEPTH + 2);
  private readonly isObject = new Uint8Array(MAX_OUTER_DEPTH + 2);
  /** The last key read in the root object (index 1) and in `log` (index 2). */
  private readonly lastKey: Array<string> = ['', '', ''];
  private keyCapture = false;
  private readonly keyBuf = Buffer.alloc(16);
  private keyLen = 0;

  private entriesDepth = -1;
  private entriesClosed = false;
  private elementOpen = false;
  private index = 0;

  private capturing = false;
  private pieces: Buffer[] = [];
  private captureLen = 0;
  private tooBig = false;
  private tooDeep = false;
  private fatal: string | undefined;

  constructor(opts: HarScannerOptions) {
    this.opts = opts;
  }

  /** Feed the next chunk; returns the entries (and per-entry errors) completed within it. */
  push(chunk: Buffer): HarItem[] {
    const out: HarItem[] = [];
    if (this.fatal !== undefined || this.entriesClosed) return out;
    let captureStart = 0;
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const c = chunk[i]!;
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === 0x5c) this.escape = true;
        else if (c === 0x22) {
          this.inString = false;
          if (this.keyCapture) this.endKey();
        } else if (this.keyCapture) {
          if (this.keyLen < this.keyBuf.length) this.keyBuf[this.keyLen] = c;
          this.keyLen++;
        }
        continue;
      }
      if (this.capturing) {
        if (c === 0x22) this.inString = true;
        else if (c === 0x7b || c === 0x5b) {
          this.depth++;
          if (this.depth - this.entriesDepth > this.opts.maxDepth) this.tooDeep = true;
        } else if (c === 0x7d || c === 0x5d) {
          this.depth--;
          if (this.depth === this.entriesDepth) {
            this.finishEntry(chunk.subarray(captureStart, i + 1), out);
          }
        }
        continue;
      }
      switch (c) {
        case 0x20: case 0x0a: case 0x0d: case 0x09:
          break;
        case 0x22: // "
          this.valueStart(c, i, out);
          this.inString = true;
          if ((this.roles[this.depth] === ROLE_ROOT || this.roles[this.depth] === ROLE_LOG) && this.expectKey[this.depth] === 1) {
            this.keyCapture = true;
            this.keyLen = 0;
          }
          break;
        case 0x7b: // {
        case 0x5b: { // [
          if (this.valueStart(c, i, out)) {
            captureStart = i;
            break;
          }
          const parentRole = this.roles[this.depth];
          const parentDepth = this.depth;
          this.depth++;
          if (this.depth > MAX_OUTER_DEPTH) {
            this.fatal = 'not a HAR file: nesting too deep outside log.entries';
            out.push({ kind: 'error', reason: this.fatal });
            return out;
          }
          let role = ROLE_OTHER;
          if (this.depth === 1 && c === 0x7b) role = ROLE_ROOT;
          else if (parentRole === ROLE_ROOT && c === 0x7b && this.lastKey[parentDepth] === 'log') role = ROLE_LOG;
          else if (parentRole === ROLE_LOG && c === 0x5b && this.lastKey[parentDepth] === 'entries' && this.entriesDepth < 0) {
            role = ROLE_ENTRIES;
            this.entriesDepth = this.depth;
          }
          this.roles[this.depth] = role;
          this.isObject[this.depth] = c === 0x7b ? 1 : 0;
          this.expectKey[this.depth] = this.isObject[this.depth]!;
          break;
        }
        case 0x7d: // }
        case 0x5d: // ]
          if (this.roles[this.depth] === ROLE_ENTRIES) {
            this.entriesClosed = true;
            return out;
          }
          this.roles[this.depth] = ROLE_OTHER;
          this.depth--;
          if (this.depth < 0) {
            this.fatal = 'not a HAR file: unbalanced brackets before log.entries';
            out.push({ kind: 'error', reason: this.fatal });
            return out;
          }
          break;
        case 0x3a: // :
          this.expectKey[this.depth] = 0;
          break;
        case 0x2c: // ,
          if (this.roles[this.depth] === ROLE_ENTRIES) this.elementOpen = false;
          else this.expectKey[this.depth] = this.isObject[this.depth]!;
          break;
        default:
          this.valueStart(c, i, out);
      }
    }
    if (this.capturing) this.keepPiece(chunk.subarray(captureStart));
    return out;
  }

  /** Call at end of input: reports a truncated entry, a missing `log.entries`, or an unterminated array. */
  end(): HarItem[] {
    if (this.fatal !== undefined) return [];
    if (this.capturing) {
      this.capturing = false;
      return [{ kind: 'error', index: this.index, reason: 'entry truncated: input ended inside it' }];
    }
    if (this.entriesDepth < 0) return [{ kind: 'error', reason: 'not a HAR file: no "log.entries" array found' }];
    if (!this.entriesClosed) return [{ kind: 'error', reason: `input ended after entry ${this.index}, before the end of "log.entries" (truncated file)` }];
    return [];
  }

  /** Entries seen so far (complete or not). */
  get entriesSeen(): number {
    return this.index;
  }

  /** Handles the first byte of a value; returns true when it starts capturing an entry. */
  private valueStart(c: number, _i: number, out: HarItem[]): boolean {
    if (this.roles[this.depth] !== ROLE_ENTRIES || this.elementOpen) {
      return false;
    }
    this.elementOpen = true;
    this.index++;
    if (c !== 0x7b) {
      out.push({ kind: 'error', index: this.index, reason: 'entry is not a JSON object' });
      return false;
    }
    this.capturing = true;
    this.pieces = [];
    this.captureLen = 0;
    this.tooBig = false;
    this.tooDeep = false;
    this.depth++;
    return true;
  }

  private keepPiece(piece: Buffer): void {
    this.captureLen += piece.length;
    if (this.tooBig) return;
    if (this.captureLen > this.opts.maxEntryBytes) {
      this.tooBig = true;
      this.pieces = [];
      return;
    }
    // Copy: the caller may reuse the chunk's memory once push() returns.
    this.pieces.push(Buffer.from(piece));
  }

  private finishEntry(last: Buffer, out: HarItem[]): void {
    this.capturing = false;
    const total = this.captureLen + last.length;
    if (this.tooBig || total > this.opts.maxEntryBytes) {
      out.push({ kind: 'error', index: this.index, reason: `entry larger than ${this.opts.maxEntryBytes} bytes (${total} bytes)` });
    } else if (this.tooDeep) {
      out.push({ kind: 'error', index: this.index, reason: `entry JSON nested deeper than ${this.opts.maxDepth} levels` });
    } else {
      const bytes = this.pieces.length === 0 ? last : Buffer.concat([...this.pieces, last], total);
      out.push({ kind: 'entry', index: this.index, bytes });
    }
    this.pieces = [];
    this.captureLen = 0;
  }

  private endKey(): void {
    this.keyCapture = false;
    let key = '';
    if (this.keyLen === KEY_LOG.length && this.keyBuf.subarray(0, 3).equals(KEY_LOG)) key = 'log';
    else if (this.keyLen === KEY_ENTRIES.length && this.keyBuf.subarray(0, 7).equals(KEY_ENTRIES)) key = 'entries';
    if (this.depth <= 2) this.lastKey[this.depth] = key;
  }
}
