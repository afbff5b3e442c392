import http from 'node:http';
import { Readable } from 'node:stream';

const MiB = 1024 * 1024;

/** A multipart body of `size` bytes of PDF, produced as it is sent: the client holds no 20 MB buffer. */
function pdfStream(size: number, boundary: string): Readable {
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="scan.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n`,
  );
  const tail = Buffer.from(`\n%%EOF\r\n--${boundary}--\r\n`);
  let left = size - 10 - 7;
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let stage = 0;
  return new Readable({
    read() {
      if (stage === 0) {
        stage = 1;
        this.push(head);
      } else if (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        this.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      } else if (stage === 1) {
        stage = 2;
        this.push(tail);
      } else this.push(null);
    },
  });
}

export function upload(port: number, path: string, token: string, size = 20 * MiB): Promise<number> {
  const boundary = `----bench${Math.random().toString(16).slice(2)}`;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    pdfStream(size, boundary).pipe(req);
  });
}
