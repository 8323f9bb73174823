/**
 * An upload's bytes as the multipart parser gave them: its chunks, kept end to end (checked, hashed,
 * scanned and written chunk by chunk, never joined on the way), or one buffer (files made in code).
 * `data` joins the chunks the first time something asks for them whole.
 */
export interface FileInput { name: string, data: Buffer, chunks?: readonly Buffer[], size?: number, truncated?: boolean }

export const chunksOf = (u: FileInput): readonly Buffer[] => u.chunks ?? [u.data]
export const sizeOf = (u: FileInput): number => u.size ?? u.data.length

/** Whether a file was chosen for the input (a browser sends an empty part for an input left empty). */
export const chosen = (u: FileInput): boolean => u.name !== '' || sizeOf(u) > 0

/** The first `n` bytes of chunks (a view of the first chunk when it holds them). */
export function headOf (chunks: readonly Buffer[], n: number): Buffer {
  const first = chunks[0] ?? Buffer.alloc(0)
  if (first.length >= n || chunks.length === 1) return first.subarray(0, n)
  const taken: Buffer[] = []
  let size = 0
  for (const c of chunks) { taken.push(c); size += c.length; if (size >= n) break }
  return Buffer.concat(taken, size).subarray(0, n)
}

/** All the bytes in one buffer (for the rare checks that search a whole file). */
export const joined = (chunks: readonly Buffer[]): Buffer => chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
