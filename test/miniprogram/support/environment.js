'use strict';
/**
 * jsdom (for miniprogram-simulate) with the Node globals the real server needs when it runs in the same
 * test: under plain jsdom Koa 3 answers every body with a 500 (ReadableStream is not defined) and
 * TextEncoder is missing (shared/notes/wechat.md, "miniprogram-simulate (1.6.2)").
 */
const { TestEnvironment } = require('jest-environment-jsdom');
const { TextEncoder, TextDecoder } = require('node:util');
const { ReadableStream, WritableStream, TransformStream } = require('node:stream/web');
const { Blob } = require('node:buffer');

class MiniProgramEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    const g = this.global;
    Object.assign(g, {
      TextEncoder,
      TextDecoder,
      ReadableStream,
      WritableStream,
      TransformStream,
      Blob,
      Response: globalThis.Response,
      Request: globalThis.Request,
      Headers: globalThis.Headers,
      fetch: globalThis.fetch,
      // Node's, for the server's WeChat Pay calls (AbortSignal.timeout): jsdom's keeps its timer referenced, so
      // a finished test run waited for every call's timeout before it could exit.
      AbortController: globalThis.AbortController,
      AbortSignal: globalThis.AbortSignal,
      // Node's timers: the WeChat client under test (co-wechat-api → httpx) calls timer.unref(), which a
      // jsdom timer (a number) lacks.
      setTimeout: globalThis.setTimeout,
      clearTimeout: globalThis.clearTimeout,
      setInterval: globalThis.setInterval,
      clearInterval: globalThis.clearInterval,
      setImmediate: globalThis.setImmediate,
      clearImmediate: globalThis.clearImmediate,
      structuredClone: globalThis.structuredClone,
    });
  }
}

module.exports = MiniProgramEnvironment;
