import type { Multipart } from '@fastify/multipart'
import type { FastifyRequest } from 'fastify'
import { AppError } from './errors.js'
import { REST_OF_PARTS } from './security.js'

/** One uploaded file; `field` is the form field it came in (forms with a file input per item). */
export interface Upload { name: string, data: Buffer, truncated: boolean, field: string }

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
        const data = await part.toBuffer()
        files.push({ name: part.filename, data, truncated: part.file.truncated, field: part.fieldname })
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
