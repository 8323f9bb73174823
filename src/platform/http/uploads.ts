import type { Multipart } from '@fastify/multipart'
import type { FastifyRequest } from 'fastify'
import { AppError } from './errors.js'
import { REST_OF_PARTS } from './security.js'

/**
 * One uploaded file; `field` is the form field it came in (forms with a file input per item). Its
 * bytes are the parser's chunks, kept as they came (`chunks`, `size`): checks, hash, scan and storage
 * take them one by one, so a file is never copied whole; `data` joins them for a caller that asks.
 */
export interface Upload { name: string, data: Buffer, chunks: readonly Buffer[], size: number, truncated: boolean, field: string }

function upload (name: string, chunks: Buffer[], truncated: boolean, field: string): Upload {
  const size = chunks.reduce((n, c) => n + c.length, 0)
  let whole: Buffer | undefined
  return {
    name, chunks, size, truncated, field,
    get data () { return (whole ??= chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)) }
  }
}

/**
 * A multipart form read whole: its files (each bounded by the multipart limits; a larger one comes
 * back truncated, for the files service to refuse with a message) and its text fields.
 * `field` names the form field an error is shown next to.
 */
export async function readUploads (request: FastifyRequest, field: string): Promise<{ files: Upload[], fields: Record<string, string> }> {
  const files: Upload[] = []
  const fields: Record<string, string> = {}
  try {
    // The CSRF check has already read the form's first field (its token): continue after it.
    const rest = (request as FastifyRequest & { [REST_OF_PARTS]?: AsyncIterator<Multipart> })[REST_OF_PARTS]
    const parts: AsyncIterable<Multipart> = rest === undefined ? request.parts() : { [Symbol.asyncIterator]: () => rest }
    for await (const part of parts) {
      if (part.type === 'file') {
        const chunks: Buffer[] = []
        for await (const chunk of part.file as AsyncIterable<Buffer>) chunks.push(chunk)
        files.push(upload(part.filename, chunks, part.file.truncated, part.fieldname))
      } else if (typeof part.value === 'string') {
        fields[part.fieldname] = part.value
      }
    }
  } catch (err) {
    const code = (err as { code?: string }).code ?? ''
    if (code === 'FST_FILES_LIMIT') throw new AppError('VALIDATION', 'too many files', [{ field, message: 'Mỗi lần tải lên tối đa 20 tệp.' }])
    if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') throw new AppError('VALIDATION', 'not an upload', [{ field, message: 'Chọn tệp cần tải lên' }])
    throw err
  }
  return { files, fields }
}
