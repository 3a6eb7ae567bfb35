/** In-memory stdout/stderr for calling the CLI's `main` in-process. */
export function captureIo(): { chunks: { stdout: string; stderr: string }; io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream } } {
  const chunks = { stdout: '', stderr: '' };
  const stream = (key: 'stdout' | 'stderr') =>
    ({
      write: (s: string) => {
        chunks[key] += s;
        return true;
      },
      isTTY: false,
    }) as unknown as NodeJS.WriteStream;
  return { chunks, io: { stdout: stream('stdout'), stderr: stream('stderr') } };
}
